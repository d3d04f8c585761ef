import { MitmError, toMitmError } from '../errors.js';
import { connectTcp } from '../tls/scan/connector.js';

export interface ExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Stop reading (MG_ERR_TOO_LARGE) past this many bytes. */
  maxBytes: number;
}

export interface ExchangeResult<T> {
  /** What `until` returned, or null when the peer closed or went quiet first. */
  value: T | null;
  bytes: Uint8Array;
  /** Why reading stopped without a value. */
  ended: 'value' | 'closed' | 'timeout';
}

/**
 * One request/answer on a fresh connection: write `send` (if any), read until `until` recognises an answer, the peer
 * closes, or the time runs out (a quiet peer is an answer too: "nothing"). Bounded by `maxBytes`. The socket is
 * always destroyed afterwards.
 */
export async function exchange<T>(
  host: string,
  port: number,
  send: Uint8Array | null,
  until: (bytes: Uint8Array) => T | null,
  options: ExchangeOptions,
): Promise<ExchangeResult<T>> {
  const socket = await connectTcp(host, port, options);
  try {
    return await new Promise<ExchangeResult<T>>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const finish = (r: ExchangeResult<T> | MitmError) => {
        clearTimeout(timer);
        socket.removeAllListeners('data');
        options.signal?.removeEventListener('abort', onAbort);
        if (r instanceof MitmError) reject(r);
        else resolve(r);
      };
      const timer = setTimeout(() => finish({ value: null, bytes: buf, ended: 'timeout' }), options.timeoutMs);
      const onAbort = () => finish(new MitmError('MG_ERR_ABORTED', 'probe aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length > options.maxBytes) {
          finish(new MitmError('MG_ERR_TOO_LARGE', `answer from ${host}:${port} exceeds ${options.maxBytes} bytes`));
          return;
        }
        try {
          const v = until(buf);
          if (v !== null) finish({ value: v, bytes: buf, ended: 'value' });
        } catch (err) {
          finish(toMitmError(err, 'MG_ERR_PROTOCOL'));
        }
      });
      socket.on('error', () => finish({ value: null, bytes: buf, ended: 'closed' }));
      socket.on('close', () => finish({ value: null, bytes: buf, ended: 'closed' }));
      if (send) socket.write(send);
    });
  } finally {
    socket.destroy();
  }
}
