/**
 * One probe on the wire: send a ClientHello, feed the answer to the sans-IO flight reader, stop as soon as the
 * caller has what it needs, and close. Bounded in bytes (the reader's limit) and in time (the probe deadline).
 */
import type { Socket } from 'node:net';
import { MitmError, toMitmError } from '../../errors.js';
import type { Alert } from '../wire/alert.js';
import { encodeClientHello, type ClientHelloOptions } from '../wire/client-hello.js';
import { ServerFlightReader, type FlightEvent } from '../wire/flight.js';
import { checkServerHello, detectDowngrade, retryClientHello, type DowngradeSignal, type KeyShareSource } from '../wire/hello-rules.js';
import { parseServerKeyExchange } from '../wire/server-key-exchange.js';
import type { ServerHello } from '../wire/server-hello.js';
import { suiteByCode } from '../wire/suites.js';
import { parseSslv2ServerHello, sslv2RecordLength, type Sslv2ServerHello } from '../wire/sslv2.js';
import { LIMITS } from '../wire/limits.js';

/** What the server's plaintext flight told us, as far as we read it. */
export interface HelloAnswer {
  kind: 'hello';
  hello: ServerHello;
  chain: Uint8Array[] | null;
  serverKeyExchange: Uint8Array | null;
  certificateStatus: Uint8Array | null;
  certificateRequested: boolean;
  /** The CertificateRequest body when one came; `tls13` says which structure it is. */
  certificateRequest: { body: Uint8Array; tls13: boolean } | null;
  /** TLS 1.3, read from EncryptedExtensions when the encrypted flight was read (`decryptTls13`). */
  encryptedAlpn: string | null;
  /** TLS 1.3: the server's Finished arrived, so everything above is the whole flight. */
  serverFinished: boolean;
  /** The ServerHello's random carried a downgrade sentinel for what we offered (RFC 8446 §4.1.3); reading stopped there. */
  downgrade: DowngradeSignal | null;
  /** The ServerHello answered our second ClientHello, after a HelloRetryRequest. */
  retried: boolean;
}

/**
 * The offer behind a probe's ClientHello bytes: with it, the answer is checked as a client must (./hello-rules.ts) and
 * a HelloRetryRequest gets its one retry on the same connection, with key shares from `share`.
 */
export interface HelloOffer {
  options: ClientHelloOptions;
  share: KeyShareSource;
}

/** The server declined: a fatal alert, or it closed the connection without a word. */
export interface Refusal {
  kind: 'refused';
  alert: Alert | null;
  /** The refusal was a TCP reset rather than an alert or an orderly close. */
  reset?: boolean;
}

export type ProbeAnswer = HelloAnswer | Refusal;

/** Decides, after each event, whether we have read enough. */
export type StopRule = (answer: HelloAnswer) => boolean;

export const STOP_AT_HELLO: StopRule = () => true;
export const STOP_AT_DONE: StopRule = () => false;

interface Waiter<T> {
  onData(chunk: Buffer): T | undefined;
  /** Called when the peer closes (`reset`: with a TCP reset); returns the answer, or throws. */
  onClose(reset: boolean): T;
}

/** Drive `socket` with `waiter` until it yields a value, the peer closes, the deadline passes or the signal aborts. */
function converse<T>(socket: Socket, payload: Uint8Array, waiter: Waiter<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (err: unknown, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('data');
      socket.destroy();
      if (err) reject(toMitmError(err, 'MG_ERR_PROTOCOL'));
      else resolve(value as T);
    };
    const timer = setTimeout(() => finish(new MitmError('MG_ERR_TIMEOUT', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => finish(new MitmError('MG_ERR_ABORTED', 'scan aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => {
      try {
        const v = waiter.onData(chunk);
        if (v !== undefined) finish(null, v);
      } catch (err) {
        finish(err);
      }
    });
    let reset = false;
    const onEnd = () => {
      try {
        finish(null, waiter.onClose(reset));
      } catch (err) {
        finish(err);
      }
    };
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset right after our hello is how many servers say no; treat it like a close.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
        reset = true;
        onEnd();
      }
      else finish(err);
    });
    socket.write(payload);
  });
}

/**
 * Send a TLS ClientHello and read the answer until `stop` says enough (or ServerHelloDone / TLS 1.3 hello). With
 * `decryptTls13`, a TLS 1.3 server's encrypted flight is read up to its Finished (src/tls/wire/tls13.ts).
 */
export function exchangeHello(
  socket: Socket,
  clientHello: Uint8Array,
  stop: StopRule,
  timeoutMs: number,
  signal?: AbortSignal,
  decryptTls13 = false,
  offer?: HelloOffer,
): Promise<ProbeAnswer> {
  const reader = new ServerFlightReader(LIMITS.MAX_FLIGHT_BYTES, decryptTls13 ? { tls13ClientHello: clientHello } : {});
  let answer: HelloAnswer | null = null;
  let bytes = 0;
  let current = offer?.options;
  let retried = false;
  /** RFC 8446 §4.1.4: answer a HelloRetryRequest with the second ClientHello; returns the events already buffered. */
  const retry = (hrr: ServerHello): FlightEvent[] => {
    current = retryClientHello(current!, hrr, offer!.share);
    retried = true;
    socket.write(encodeClientHello(current));
    return reader.resume();
  };
  const apply = (e: FlightEvent): ProbeAnswer | undefined => {
    if (e.type === 'alert') return answer ?? { kind: 'refused', alert: e.alert };
    if (e.type === 'serverHello') {
      if (current) checkServerHello(current, e.hello);
      answer = {
        kind: 'hello', hello: e.hello, chain: null, serverKeyExchange: null, certificateStatus: null, certificateRequested: false,
        certificateRequest: null, encryptedAlpn: null, serverFinished: false, downgrade: current ? detectDowngrade(current, e.hello) : null, retried,
      };
      // A downgrade is the finding; the rest of a flight someone has tampered with tells us nothing we would report.
      if (answer.downgrade) return answer;
      if (e.hello.helloRetryRequest && current && !decryptTls13) {
        answer = null;
        for (const next of retry(e.hello)) {
          const out = apply(next);
          if (out) return out;
        }
        return undefined;
      }
    } else if (answer) {
      if (e.type === 'certificate') answer.chain = e.chain;
      else if (e.type === 'serverKeyExchange') {
        // Parsed on arrival, so a ServerKeyExchange whose inner lengths lie is refused now (decode_error), not later.
        const kx = suiteByCode(answer.hello.cipherSuite)?.kx;
        if (kx === 'DHE' || kx === 'ECDHE') {
          try {
            parseServerKeyExchange(e.body, kx);
          } catch (err) {
            // Explicit curves are unsupported, not hostile; the probes that need the group report it themselves.
            if (!(err instanceof MitmError && err.code === 'MG_ERR_UNSUPPORTED')) throw err;
          }
        }
        answer.serverKeyExchange = e.body;
      }
      else if (e.type === 'certificateStatus') answer.certificateStatus = e.body;
      else if (e.type === 'certificateRequest') {
        answer.certificateRequested = true;
        answer.certificateRequest = { body: e.body, tls13: e.tls13 };
      } else if (e.type === 'encryptedExtensions') answer.encryptedAlpn = e.alpn;
      else if (e.type === 'serverFinished') answer.serverFinished = true;
    }
    // Events of one push are applied in order; the reader's own end (`finished`) is checked after the whole batch.
    if (answer && stop(answer)) return answer;
    return undefined;
  };
  return converse<ProbeAnswer>(
    socket,
    clientHello,
    {
      onData(chunk) {
        bytes += chunk.length;
        for (const e of reader.push(chunk)) {
          const out = apply(e);
          if (out) return out;
        }
        return reader.finished && answer ? answer : undefined;
      },
      onClose(wasReset) {
        if (answer) return answer;
        if (bytes > 0) throw new MitmError('MG_ERR_TRUNCATED', `connection closed after ${bytes} bytes, before a complete ${retried ? 'answer to the retried ClientHello' : 'ServerHello'}`);
        return wasReset ? { kind: 'refused', alert: null, reset: true } : { kind: 'refused', alert: null };
      },
    },
    timeoutMs,
    signal,
  );
}

export type Sslv2Answer = { kind: 'hello'; hello: Sslv2ServerHello } | Refusal;

/** Send an SSLv2 CLIENT-HELLO and read one SSLv2 record. A TLS-framed answer (an alert) or a close means no SSLv2. */
export function exchangeSslv2(socket: Socket, clientHello: Uint8Array, timeoutMs: number, signal?: AbortSignal): Promise<Sslv2Answer> {
  let buf = Buffer.alloc(0);
  return converse<Sslv2Answer>(
    socket,
    clientHello,
    {
      onData(chunk) {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length > LIMITS.MAX_FLIGHT_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', 'SSLv2 answer exceeds the flight limit');
        // A TLS record (alert 0x15 / handshake 0x16, major version 3) is a server that does not speak SSLv2.
        if (buf.length >= 1 && (buf[0]! & 0x80) === 0) return { kind: 'refused', alert: null };
        const need = sslv2RecordLength(buf);
        if (need === 0 || buf.length < need) return undefined;
        try {
          return { kind: 'hello', hello: parseSslv2ServerHello(buf) };
        } catch (err) {
          // SSLv2 MSG-ERROR or another message: a refusal, not a hostile answer.
          if (err instanceof MitmError && err.code === 'MG_ERR_PROTOCOL') return { kind: 'refused', alert: null };
          throw err;
        }
      },
      onClose() {
        return { kind: 'refused', alert: null };
      },
    },
    timeoutMs,
    signal,
  );
}
