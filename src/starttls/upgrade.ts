import type { Socket } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import { DIALOGUES } from './dialogues.js';
import type { DialogueOutput, StartTlsDialogue, StartTlsObservation, StartTlsProtocol } from './types.js';

export interface UpgradeOptions {
  /** The server's name: sent where the protocol names it (XMPP `to`), recorded otherwise. */
  host: string;
  /** Limit for the whole plain-text dialogue, from the first byte to the go-ahead. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Name the client introduces itself with (SMTP EHLO). */
  clientName?: string;
}

/** Build the sans-IO dialogue for a protocol; MG_ERR_UNSUPPORTED for one not implemented. */
export function createDialogue(proto: StartTlsProtocol, options: { host: string; clientName?: string }): StartTlsDialogue {
  const make = DIALOGUES[proto];
  if (!make) throw new MitmError('MG_ERR_UNSUPPORTED', `STARTTLS for ${proto} is not implemented`);
  return make(options);
}

/**
 * Run the plain-text dialogue of `proto` on an already connected socket and resolve when the socket is ready for the
 * TLS ClientHello: nothing has been read past the server's go-ahead, and the socket is left flowing with no listeners
 * of ours, so the caller may pass it to `tls.connect({ socket })` or write a raw ClientHello and listen for `data`.
 *
 * Rejects with a MitmError: MG_ERR_STARTTLS (refused or not offered), MG_ERR_TIMEOUT, MG_ERR_PROTOCOL (the server
 * does not speak `proto`, or spoke after its go-ahead), MG_ERR_TOO_LARGE (endless lines), MG_ERR_CONNECTION_RESET,
 * MG_ERR_ABORTED. Errors from the dialogue carry `details.observation` with what was advertised before the failure.
 * The socket is not destroyed on failure: the caller owns it.
 *
 * @example
 * const socket = net.connect(25, '127.0.0.1');
 * await once(socket, 'connect');
 * const seen = await upgradeToTls(socket, 'smtp', { host: 'mail.example', timeoutMs: 10_000 });
 * const tlsSocket = tls.connect({ socket, servername: 'mail.example' });
 */
export function upgradeToTls(socket: Socket, proto: StartTlsProtocol, options: UpgradeOptions): Promise<StartTlsObservation> {
  return new Promise<StartTlsObservation>((resolve, reject) => {
    let dialogue: StartTlsDialogue;
    try {
      dialogue = createDialogue(proto, options);
    } catch (err) {
      reject(toMitmError(err));
      return;
    }
    let settled = false;
    const withObservation = (err: MitmError): MitmError => {
      if (err.details?.observation === undefined) {
        return new MitmError(err.code, err.message, { cause: err.cause, details: { ...err.details, observation: dialogue.observation() } });
      }
      return err;
    };
    const finish = (err: MitmError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(withObservation(err));
      else resolve(dialogue.observation());
    };
    const apply = (out: DialogueOutput): void => {
      for (const chunk of out.send) socket.write(chunk);
      if (out.trailing > 0) {
        finish(new MitmError('MG_ERR_PROTOCOL', `${proto}: server sent ${out.trailing} bytes after its go-ahead, before any ClientHello`, {
          details: { trailing: out.trailing },
        }));
      } else if (out.ready) {
        finish(null);
      }
    };
    const onData = (chunk: Buffer): void => {
      try {
        apply(dialogue.receive(chunk));
      } catch (err) {
        finish(toMitmError(err, 'MG_ERR_PROTOCOL'));
      }
    };
    const onError = (err: Error): void => finish(toMitmError(err, 'MG_ERR_CONNECTION_RESET'));
    const onEnd = (): void => finish(new MitmError('MG_ERR_CONNECTION_RESET', `${proto}: server closed the connection during the STARTTLS dialogue`));
    const onAbort = (): void => finish(new MitmError('MG_ERR_ABORTED', `${proto}: STARTTLS dialogue aborted`));
    const timer = setTimeout(
      () => finish(new MitmError('MG_ERR_TIMEOUT', `${proto}: no go-ahead within ${options.timeoutMs} ms`, { details: { timeoutMs: options.timeoutMs } })),
      options.timeoutMs,
    );
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    try {
      apply(dialogue.start());
    } catch (err) {
      finish(toMitmError(err, 'MG_ERR_PROTOCOL'));
    }
  });
}
