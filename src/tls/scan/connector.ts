/**
 * The one place a probe opens a connection: TCP connect with a deadline, then — for a STARTTLS target — the plain-text
 * upgrade dialogue from src/starttls, so every probe (raw ClientHello or node:tls) starts on a socket ready for TLS.
 */
import { connect, type Socket } from 'node:net';
import { MitmError, toMitmError } from '../../errors.js';
import { upgradeToTls, type StartTlsProtocol } from '../../starttls/index.js';

export interface Endpoint {
  host: string;
  port: number;
  starttls: StartTlsProtocol | null;
  /** The name used in STARTTLS dialogues and SNI. */
  name: string | null;
}

export interface ConnectOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Open a TCP connection with a deadline: the one connect of every probe (the TLS probes, posture, mTLS, FTP). Rejects
 * with MG_ERR_CONNECT, MG_ERR_TIMEOUT or MG_ERR_ABORTED; the socket is destroyed on failure.
 */
export function connectTcp(host: string, port: number, options: ConnectOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new MitmError('MG_ERR_ABORTED', 'probe aborted'));
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => done(new MitmError('MG_ERR_TIMEOUT', `connect to ${host}:${port} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = () => done(new MitmError('MG_ERR_ABORTED', 'probe aborted'));
    const done = (err: MitmError | null) => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(socket);
    };
    const onConnect = () => done(null);
    const onError = (e: Error) => done(toMitmError(e, 'MG_ERR_CONNECT'));
    socket.once('connect', onConnect);
    socket.once('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Open a TCP connection to `endpoint` and, for STARTTLS targets, upgrade it. Resolves with a socket ready for a
 * ClientHello; rejects with a MitmError (MG_ERR_CONNECT, MG_ERR_TIMEOUT, MG_ERR_STARTTLS, MG_ERR_ABORTED, …).
 * The socket is destroyed on failure.
 */
export async function openConnection(endpoint: Endpoint, options: ConnectOptions): Promise<Socket> {
  const socket = await connectTcp(endpoint.host, endpoint.port, options);
  try {
    if (endpoint.starttls) {
      await upgradeToTls(socket, endpoint.starttls, {
        host: endpoint.name ?? endpoint.host,
        timeoutMs: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    return socket;
  } catch (err) {
    socket.destroy();
    throw toMitmError(err, 'MG_ERR_CONNECT');
  }
}
