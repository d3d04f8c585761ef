/**
 * The chain a TLS server presents, fetched with a completed handshake and verification off on purpose: we want to see
 * whatever the server sends, and judge it ourselves (src/x509). The one chain fetcher of `cert show|pin|verify
 * host:port`, the DNS step's CAA and TLSA checks and the scanner's node:tls fallback, with named limits.
 */
import { isIP } from 'node:net';
// node:tls is loaded when a chain is fetched, not with this module: the scanner's fallback imports `peerChainOf`.
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { MitmError, toMitmError } from '../../errors.js';
import type { StartTlsProtocol } from '../../starttls/types.js';
import { LIMITS } from '../wire/limits.js';
import { connectTcp } from './connector.js';

/** Named limits for fetching a chain: the longest chain kept (as the TLS codec's), the default handshake deadline. */
export const CHAIN_FETCH_LIMITS = { defaultTimeoutMs: 10_000, maxChain: LIMITS.MAX_CHAIN_LENGTH } as const;

export interface FetchOptions {
  /** SNI to send; default the host when it is a name. */
  servername?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Run this STARTTLS dialogue (src/starttls) in plain text first, then the TLS handshake (`cert show --starttls smtp`). */
  starttls?: StartTlsProtocol;
}

/** OpenSSL error codes that mean the peer did not speak TLS at all (a plain-text or STARTTLS port). */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_RECORD_LENGTH_MISMATCH', 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING']);

/** What each of our connection codes means to a person, said after `host:port:`. */
const PLAIN_CAUSE: Partial<Record<string, string>> = {
  MG_ERR_CONNECT: 'refused or could not open the connection',
  MG_ERR_CONNECTION_RESET: 'closed the connection during the handshake',
  MG_ERR_DNS: 'name not found',
};

/**
 * A socket or TLS error as a sentence a person can act on, never OpenSSL's raw "C0…:error:0A00010B:SSL routines:…"
 * string: what happened at host:port and, for a port that does not speak TLS, what to do instead.
 */
export function fetchError(err: unknown, host: string, port: number): MitmError {
  const e = err as { code?: string; reason?: string } | null;
  const where = `${host}:${port}`;
  if (e?.code && NOT_TLS.has(e.code)) {
    return new MitmError('MG_ERR_PROTOCOL', `${where} does not answer TLS (a plain-text or STARTTLS port? \`mitmguard scan smtp://${where}\` runs the STARTTLS dialogue first)`, { cause: err });
  }
  const m = toMitmError(err, 'MG_ERR_HANDSHAKE');
  if (e?.code?.startsWith('ERR_SSL_') && m.code !== 'MG_ERR_TLS_ALERT') {
    return new MitmError('MG_ERR_HANDSHAKE', `${where}: TLS handshake failed (${e.reason ?? e.code.slice(8).toLowerCase().replace(/_/g, ' ')})`, { cause: err });
  }
  if (m.code === 'MG_ERR_TLS_ALERT') return new MitmError(m.code, `${where}: the server answered with an alert (${e?.reason ?? m.message})`, { cause: err });
  return new MitmError(m.code, `${where}: ${PLAIN_CAUSE[m.code] ?? m.message}`, { cause: err });
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
  // A STARTTLS port: the plain-text dialogue on a connection of our own, then the handshake on it (RFC 3207 §4).
  let plain: import('node:net').Socket | undefined;
  if (options.starttls) {
    const { upgradeToTls } = await import('../../starttls/upgrade.js');
    plain = await connectTcp(host, port, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }).catch((err: unknown) => {
      throw fetchError(err, host, port);
    });
    try {
      await upgradeToTls(plain, options.starttls, { host: servername ?? host, timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (err) {
      plain.destroy();
      throw err;
    }
  }
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new MitmError('MG_ERR_ABORTED', 'probe aborted'));
    const socket = connect({ ...(plain ? { socket: plain } : { host, port }), rejectUnauthorized: false, ...(servername ? { servername } : {}) });
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
    socket.once('error', (err) => finish(fetchError(err, host, port)));
  });
}
