/**
 * Byte relay between two sockets with half-close (a FIN in one direction does not end the other), byte counting and
 * one callback when both sides are done. Also the tunnel's access-log record and the failure classification.
 */
import type { Duplex } from 'node:stream';
import type { FailureReason } from './metrics.js';

export interface AccessLogEntry {
  time: string;
  event: 'connection' | 'refused' | 'reload' | 'reload-failed' | 'renewed' | 'renew-failed' | 'listening' | 'closing';
  mode: 'server' | 'client';
  remote?: string;
  /** The verified peer: SPIFFE ID, DNS SAN, CN or serial (never key material). */
  peer?: string;
  serial?: string;
  reason?: FailureReason;
  detail?: string;
  matched?: string;
  bytesFromClient?: number;
  bytesToClient?: number;
  durationMs?: number;
  protocol?: string;
}

export interface RelayResult {
  fromClient: number;
  toClient: number;
}

/** Pipe `client` ⇄ `backend` until both directions end or either errors; resolves with the byte counts. */
export function relay(client: Duplex, backend: Duplex, onBytes?: (fromClient: number, toClient: number) => void): Promise<RelayResult> {
  return new Promise((resolve) => {
    const counts = { fromClient: 0, toClient: 0 };
    // Request/response traffic: Nagle's algorithm would hold back each small write until the previous is acked.
    for (const s of [client, backend]) (s as Duplex & { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      client.destroy();
      backend.destroy();
      resolve(counts);
    };
    client.on('data', (d: Buffer) => {
      counts.fromClient += d.length;
      onBytes?.(d.length, 0);
      if (!backend.write(d)) {
        client.pause();
        backend.once('drain', () => client.resume());
      }
    });
    backend.on('data', (d: Buffer) => {
      counts.toClient += d.length;
      onBytes?.(0, d.length);
      if (!client.write(d)) {
        backend.pause();
        client.once('drain', () => backend.resume());
      }
    });
    let ends = 0;
    const ended = (other: Duplex) => () => {
      other.end();
      if (++ends === 2) done();
    };
    client.on('end', ended(backend));
    backend.on('end', ended(client));
    client.on('error', done);
    backend.on('error', done);
    client.on('close', () => setImmediate(done));
    backend.on('close', () => setImmediate(done));
    // The caller paused the client while the far side was dialled; flow starts once both listeners are in place.
    client.resume();
    backend.resume();
  });
}

/** TLS handshake errors as a closed set of reasons (node:tls codes and OpenSSL verify errors). */
const REASONS: Array<[RegExp, FailureReason]> = [
  [/PEER_DID_NOT_RETURN_A_CERTIFICATE|CERTIFICATE_REQUIRED|certificate required/i, 'no-client-certificate'],
  [/CERT_HAS_EXPIRED|certificate has expired|certificate expired/i, 'expired'],
  [/CERT_NOT_YET_VALID|not yet valid/i, 'not-yet-valid'],
  [/CERT_REVOKED|certificate revoked/i, 'revoked'],
  [/UNABLE_TO_GET_ISSUER|SELF_SIGNED|unknown ca|UNABLE_TO_VERIFY_LEAF|unable to get local issuer/i, 'untrusted'],
  [/verify failed|BAD_CERTIFICATE|bad certificate|unsupported certificate|CERTIFICATE_UNKNOWN/i, 'bad-certificate'],
  [/ETIMEDOUT|timed? ?out/i, 'timeout'],
];

export function classifyTlsError(err: { code?: string; message?: string }): FailureReason {
  const text = `${err.code ?? ''} ${err.message ?? ''}`;
  return REASONS.find(([re]) => re.test(text))?.[1] ?? 'handshake';
}
