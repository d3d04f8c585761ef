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
 * Open a TCP connection to `endpoint` and, for STARTTLS targets, upgrade it. Resolves with a socket ready for a
 * ClientHello; rejects with a MitmError (MG_ERR_CONNECT, MG_ERR_TIMEOUT, MG_ERR_STARTTLS, MG_ERR_ABORTED, …).
 * The socket is destroyed on failure.
 */
export async function openConnection(endpoint: Endpoint, options: ConnectOptions): Promise<Socket> {
  if (options.signal?.aborted) throw new MitmError('MG_ERR_ABORTED', 'scan aborted');
  const socket = connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new MitmError('MG_ERR_TIMEOUT', `connect to ${endpoint.host}:${endpoint.port} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      const onAbort = () => reject(new MitmError('MG_ERR_ABORTED', 'scan aborted'));
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('error', onError);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        cleanup();
        reject(toMitmError(err, 'MG_ERR_CONNECT'));
      };
      socket.once('connect', onConnect);
      socket.once('error', onError);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
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
