/**
 * The chain a TLS server presents, fetched with a completed handshake and verification off on purpose: we want to see
 * whatever the server sends, and judge it ourselves (src/x509). The one chain fetcher of `cert show|pin|verify
 * host:port`, the DNS step's CAA and TLSA checks and the scanner's node:tls fallback, with named limits.
 */
import { isIP } from 'node:net';
// node:tls is loaded when a chain is fetched, not with this module: the scanner's fallback imports `peerChainOf`.
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { MitmError, toMitmError } from '../../errors.js';
import { LIMITS } from '../wire/limits.js';

/** Named limits for fetching a chain: the longest chain kept (as the TLS codec's), the default handshake deadline. */
export const CHAIN_FETCH_LIMITS = { defaultTimeoutMs: 10_000, maxChain: LIMITS.MAX_CHAIN_LENGTH } as const;

export interface FetchOptions {
  /** SNI to send; default the host when it is a name. */
  servername?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** `host:port` or `[v6]:port` → parts; undefined when the text is not of that shape. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!, port };
}

/**
 * The presented chain as DER, leaf first, from node's peer certificate: its issuer links are built from what the
 * server sent (node may append a root of its own store, which the duplicate check and the limit stop at).
 */
export function peerChainOf(leaf: PeerCertificate | DetailedPeerCertificate | undefined): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: PeerCertificate | undefined = leaf;
  while (cert && cert.raw && out.length < CHAIN_FETCH_LIMITS.maxChain) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    out.push(Uint8Array.from(cert.raw));
    cert = (cert as DetailedPeerCertificate).issuerCertificate;
  }
  return out;
}

/**
 * Connect, complete a handshake, and return the presented chain as DER, leaf first.
 *
 * @example const chain = await fetchPeerChain('127.0.0.1', 8443, { servername: 'app.example.test' });
 */
export async function fetchPeerChain(host: string, port: number, options: FetchOptions = {}): Promise<Uint8Array[]> {
  const timeoutMs = options.timeoutMs ?? CHAIN_FETCH_LIMITS.defaultTimeoutMs;
  const servername = options.servername ?? (isIP(host) ? undefined : host);
  const { connect } = await import('node:tls');
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new MitmError('MG_ERR_ABORTED', 'probe aborted'));
    const socket = connect({ host, port, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
    const finish = (err: MitmError | null, chain?: Uint8Array[]) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(chain!);
    };
    const timer = setTimeout(() => finish(new MitmError('MG_ERR_TIMEOUT', `no TLS handshake with ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => finish(new MitmError('MG_ERR_ABORTED', 'probe aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const chain = peerChainOf(socket.getPeerCertificate(true));
      if (chain.length === 0) finish(new MitmError('MG_ERR_HANDSHAKE', `${host}:${port} presented no certificate`));
      else finish(null, chain);
    });
    socket.once('error', (err) => finish(toMitmError(err, 'MG_ERR_HANDSHAKE')));
  });
}
