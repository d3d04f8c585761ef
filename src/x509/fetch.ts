/**
 * Fetch the certificate chain a TLS server presents (for `cert show|pin host:port`). Verification is off on purpose:
 * we want to see whatever the server sends, and judge it ourselves.
 */
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { connect as connectTcp, isIP } from 'node:net';
import { upgradeToTls } from '../starttls/upgrade.js';
import type { StartTlsProtocol } from '../starttls/types.js';
import { MitmError, toMitmError } from '../errors.js';

/** Named limits for fetching a chain. */
export const FETCH_LIMITS = { defaultTimeoutMs: 10_000, maxChain: 32 } as const;

export interface FetchOptions {
  /** SNI to send; default the host when it is a name. */
  servername?: string;
  timeoutMs?: number;
  /** Run this STARTTLS dialogue (src/starttls) in plain text first, then the TLS handshake (`cert show --starttls smtp`). */
  starttls?: StartTlsProtocol;
}

/** `host:port` or `[v6]:port` → parts; undefined when the text is not of that shape. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!, port };
}

/** OpenSSL error codes that mean the peer did not speak TLS at all (a plain-text or STARTTLS port). */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_RECORD_LENGTH_MISMATCH', 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING']);

/**
 * A socket or TLS error as a sentence a person can act on, never OpenSSL's raw "C0…:error:0A00010B:SSL routines:…"
 * string: what happened at host:port and, for a port that does not speak TLS, what to do instead.
 */
export function fetchError(err: unknown, host: string, port: number): MitmError {
  const e = err as { code?: string; reason?: string; message?: string } | null;
  const where = `${host}:${port}`;
  if (e?.code && NOT_TLS.has(e.code)) {
    return new MitmError('MG_ERR_PROTOCOL', `${where} does not answer TLS (a plain-text or STARTTLS port? \`mitmguard scan smtp://${where}\` runs the STARTTLS dialogue first)`, { cause: err });
  }
  if (e?.code?.startsWith('ERR_SSL_')) {
    return new MitmError('MG_ERR_HANDSHAKE', `${where}: TLS handshake failed (${e.reason ?? e.code.slice(8).toLowerCase().replace(/_/g, ' ')})`, { cause: err });
  }
  const m = toMitmError(err, 'MG_ERR_HANDSHAKE');
  const plain: Record<string, string> = { MG_ERR_CONNECT: 'refused or could not open the connection', MG_ERR_CONNECTION_RESET: 'closed the connection during the handshake', MG_ERR_DNS: 'name not found' };
  return new MitmError(m.code, `${where}: ${plain[m.code] ?? m.message}`, { cause: err });
}

/**
 * Connect, complete a handshake, and return the presented chain as DER, leaf first.
 * Node exposes the chain through getPeerCertificate(true), which may append a root from its own store; duplicates
 * are removed.
 */
export function fetchPeerChain(host: string, port: number, options: FetchOptions = {}): Promise<Uint8Array[]> {
  const timeoutMs = options.timeoutMs ?? FETCH_LIMITS.defaultTimeoutMs;
  const servername = options.servername ?? (isIP(host) ? undefined : host);
  if (options.starttls) return fetchAfterStartTls(host, port, options.starttls, servername, timeoutMs);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
    readChain(socket, host, port, timeoutMs, resolve, reject);
  });
}

/** The plain-text STARTTLS dialogue, then the handshake on the same socket (RFC 3207 §4 and its siblings). */
async function fetchAfterStartTls(host: string, port: number, proto: StartTlsProtocol, servername: string | undefined, timeoutMs: number): Promise<Uint8Array[]> {
  const plain = connectTcp({ host, port });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => (plain.destroy(), fail(new MitmError('MG_ERR_TIMEOUT', `${host}:${port}: no connection within ${timeoutMs} ms`))), timeoutMs);
    plain.once('connect', () => (clearTimeout(timer), ok()));
    plain.once('error', (err) => (clearTimeout(timer), fail(fetchError(err, host, port))));
  });
  try {
    await upgradeToTls(plain, proto, { host: servername ?? host, timeoutMs });
  } catch (err) {
    plain.destroy();
    throw err;
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ socket: plain, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
    readChain(socket, host, port, timeoutMs, resolve, reject);
  });
}

/** Wait for the handshake and collect the presented chain, leaf first, without duplicates. */
function readChain(socket: TLSSocket, host: string, port: number, timeoutMs: number, resolve: (v: Uint8Array[]) => void, reject: (e: MitmError) => void): void {
  const timer = setTimeout(() => {
    socket.destroy();
    reject(new MitmError('MG_ERR_TIMEOUT', `no TLS handshake with ${host}:${port} within ${timeoutMs} ms`));
  }, timeoutMs);
  socket.once('secureConnect', () => {
    clearTimeout(timer);
    const out: Uint8Array[] = [];
    const seen = new Set<string>();
    let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
    while (cert && cert.raw && out.length < FETCH_LIMITS.maxChain) {
      const key = cert.fingerprint256;
      if (seen.has(key)) break;
      seen.add(key);
      out.push(new Uint8Array(cert.raw));
      cert = (cert as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
    }
    socket.end();
    if (out.length === 0) reject(new MitmError('MG_ERR_HANDSHAKE', `${host}:${port} presented no certificate`));
    else resolve(out);
  });
  socket.once('error', (err) => {
    clearTimeout(timer);
    socket.destroy();
    reject(fetchError(err, host, port));
  });
}
