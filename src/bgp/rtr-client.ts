/**
 * The I/O side of RTR (RFC 8210): connect to a cache over TCP, send a Reset Query, read the whole VRP set, close.
 * A version-1 query first; a cache that only speaks version 0 (RFC 6810) answers with an Error Report 4
 * (Unsupported Protocol Version) and is asked again in version 0.
 */
import { connect } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import { encodeResetQuery, RtrPduSplitter, RtrResetExchange, type RtrResult } from './rtr.js';

export interface RtrOptions {
  signal?: AbortSignal;
  /** The whole exchange must finish within this (ms). */
  timeoutMs?: number;
}

function exchange(host: string, port: number, version: number, options: RtrOptions): Promise<RtrResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const splitter = new RtrPduSplitter();
    const ex = new RtrResetExchange();
    const timeoutMs = options.timeoutMs ?? 60_000;
    let settled = false;
    const done = (err: unknown, r?: RtrResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(r!);
    };
    const timer = setTimeout(() => done(new MitmError('MG_ERR_TIMEOUT', `RTR cache ${host}:${port} did not finish within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => done(new MitmError('MG_ERR_ABORTED', 'RTR fetch cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => socket.write(encodeResetQuery(version)));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const pdu of splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
          ex.feed(pdu);
          if (ex.result) return done(null, ex.result);
        }
      } catch (err) {
        done(err);
      }
    });
    socket.on('error', (e) => done(toMitmError(e, 'MG_ERR_CONNECT')));
    socket.on('close', () => done(new MitmError('MG_ERR_CONNECTION_RESET', `RTR cache ${host}:${port} closed before End of Data`)));
  });
}

/** Fetch the full VRP set from an RTR cache. */
export async function fetchRtrVrps(host: string, port: number, options: RtrOptions = {}): Promise<RtrResult & { version: number }> {
  try {
    return { ...(await exchange(host, port, 1, options)), version: 1 };
  } catch (err) {
    if (err instanceof MitmError && err.details?.errorCode === 4) return { ...(await exchange(host, port, 0, options)), version: 0 };
    throw err;
  }
}
