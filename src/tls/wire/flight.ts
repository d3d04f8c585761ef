/**
 * The server's first flight, sans-IO: push the bytes a server sends in answer to a ClientHello, get events out —
 * ServerHello (or HelloRetryRequest), Certificate, ServerKeyExchange, CertificateStatus, CertificateRequest,
 * ServerHelloDone, or an alert. Handshake messages are reassembled across records (RFC 8446 §5.1 allows fragmentation
 * and coalescing). All sizes are capped (./limits.ts).
 *
 * Everything after a TLS 1.3 ServerHello is encrypted. By default the reader stops there; given the ClientHello it sent
 * (`{ tls13ClientHello }`, records as written, with key shares from ./key-shares.ts), it derives the server's handshake
 * key (./tls13.ts) and goes on to EncryptedExtensions, CertificateRequest, Certificate (with a stapled OCSP response)
 * and the server's Finished, where it stops. The key is derived only if an encrypted record arrives, so a probe that
 * stops at the ServerHello pays nothing for it.
 */
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { parseAlert, type Alert } from './alert.js';
import { parseCertificateList } from './certificate.js';
import { sharedSecretFor } from './key-shares.js';
import { LIMITS } from './limits.js';
import { RecordSplitter, type TlsRecord } from './record.js';
import { CONTENT_TYPE, EXTENSION_TYPE, HANDSHAKE_TYPE, VERSIONS } from './registry.js';
import { parseServerHello, type ServerHello } from './server-hello.js';
import {
  parseEncryptedExtensions, parseTls13Certificate, parseTls13CertificateRequest, serverHandshakeKeys, Tls13RecordDecrypter,
} from './tls13.js';

export type FlightEvent =
  | { type: 'serverHello'; hello: ServerHello }
  | { type: 'encryptedExtensions'; alpn: string | null }
  | { type: 'certificate'; chain: Uint8Array[] }
  | { type: 'serverKeyExchange'; body: Uint8Array }
  | { type: 'certificateStatus'; body: Uint8Array }
  /** `tls13`: the body is a TLS 1.3 CertificateRequest (RFC 8446 §4.3.2), else a TLS ≤ 1.2 one (RFC 5246 §7.4.4). */
  | { type: 'certificateRequest'; body: Uint8Array; tls13: boolean }
  | { type: 'serverHelloDone' }
  /** TLS 1.3: the server's Finished arrived; its flight is complete. */
  | { type: 'serverFinished' }
  | { type: 'alert'; alert: Alert };

/** Handshake messages we turn into events after a TLS ≤ 1.2 ServerHello; others are skipped. */
const MESSAGE_EVENTS: Record<number, (body: Uint8Array) => FlightEvent> = {
  [HANDSHAKE_TYPE.certificate]: (body) => ({ type: 'certificate', chain: parseCertificateList(body) }),
  [HANDSHAKE_TYPE.serverKeyExchange]: (body) => ({ type: 'serverKeyExchange', body }),
  [HANDSHAKE_TYPE.certificateStatus]: (body) => ({ type: 'certificateStatus', body }),
  [HANDSHAKE_TYPE.certificateRequest]: (body) => ({ type: 'certificateRequest', body, tls13: false }),
  [HANDSHAKE_TYPE.serverHelloDone]: () => ({ type: 'serverHelloDone' }),
};

/** The encrypted TLS 1.3 messages, in the order RFC 8446 §4.4 allows; CertificateVerify carries nothing we report. */
const TLS13_MESSAGE_EVENTS: Record<number, (body: Uint8Array) => FlightEvent[]> = {
  [HANDSHAKE_TYPE.encryptedExtensions]: (body) => [{ type: 'encryptedExtensions', alpn: parseEncryptedExtensions(body).alpn }],
  [HANDSHAKE_TYPE.certificateRequest]: (body) => {
    parseTls13CertificateRequest(body);
    return [{ type: 'certificateRequest', body, tls13: true }];
  },
  [HANDSHAKE_TYPE.certificate]: (body) => {
    const { entries } = parseTls13Certificate(body);
    // RFC 8446 §4.4.2.1: a stapled OCSP response is the leaf entry's status_request extension, a CertificateStatus.
    const status = entries[0]?.extensions.get(EXTENSION_TYPE.statusRequest);
    return [{ type: 'certificate', chain: entries.map((e) => e.der) }, ...(status ? [{ type: 'certificateStatus' as const, body: status }] : [])];
  },
  [HANDSHAKE_TYPE.certificateVerify]: () => [],
  [HANDSHAKE_TYPE.finished]: () => [{ type: 'serverFinished' }],
};

export interface FlightReaderOptions {
  /** The ClientHello records as sent: with it, a TLS 1.3 server's encrypted flight is read too. */
  tls13ClientHello?: Uint8Array;
}

/** The handshake messages inside ClientHello records (the transcript starts with them). */
function handshakeBytes(records: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const r = new ByteReader(records, 'ClientHello records');
  while (!r.done) {
    r.skip(3, 'record type and version');
    parts.push(r.vector(2, 'record fragment').rest());
  }
  return Uint8Array.from(Buffer.concat(parts));
}

/** RFC 8446 §4.2.8: the server's key_share extension, group and key_exchange. */
function serverKeyShare(hello: ServerHello): Uint8Array {
  const ext = hello.extensions.get(EXTENSION_TYPE.keyShare);
  if (!ext) throw new MitmError('MG_ERR_PROTOCOL', 'TLS 1.3 ServerHello without key_share (PSK-only handshakes are not offered)');
  const r = new ByteReader(ext, 'key_share');
  r.u16('group');
  const key = r.vector(2, 'key_exchange').rest();
  if (!r.done) throw new MitmError('MG_ERR_PROTOCOL', 'key_share: bytes after the key');
  return key;
}

interface Tls13State {
  hello: ServerHello;
  /** ClientHello‖ServerHello handshake messages. */
  clientHello: Uint8Array;
  serverHello: Uint8Array;
  decrypter: Tls13RecordDecrypter | null;
  handshake: Uint8Array;
}

export class ServerFlightReader {
  private readonly records: RecordSplitter;
  private handshake: Uint8Array = new Uint8Array(0);
  private sawHello = false;
  private warnings = 0;
  private tls13: Tls13State | null = null;
  /** A HelloRetryRequest came; records that followed it wait for `resume()`. */
  private awaitingRetry = false;
  private retried = false;
  private pending: TlsRecord[] = [];
  /**
   * True once nothing more can be learned: an alert, ServerHelloDone, a TLS 1.3 ServerHello (or, when reading the
   * encrypted flight, the server's Finished), a HelloRetryRequest.
   */
  finished = false;

  constructor(
    maxBytes: number = LIMITS.MAX_FLIGHT_BYTES,
    private readonly options: FlightReaderOptions = {},
  ) {
    this.records = new RecordSplitter(maxBytes);
  }

  push(chunk: Uint8Array): FlightEvent[] {
    if (this.finished && !this.awaitingRetry) return [];
    const records = this.records.push(chunk);
    if (this.awaitingRetry) {
      this.pending.push(...records);
      return [];
    }
    return this.consume(records);
  }

  /**
   * After a HelloRetryRequest, once the second ClientHello is sent (RFC 8446 §4.1.4): read its answer, starting with
   * any records that arrived in between. Only for readers that do not decrypt (the transcript after a retry is not
   * kept). A second HelloRetryRequest is refused with MG_ERR_PROTOCOL.
   */
  resume(): FlightEvent[] {
    if (!this.awaitingRetry || this.options.tls13ClientHello) throw new MitmError('MG_ERR_INTERNAL', 'resume() without a HelloRetryRequest to answer');
    if (this.handshake.length > 0) throw new MitmError('MG_ERR_PROTOCOL', 'handshake data after a HelloRetryRequest, before the second ClientHello');
    this.awaitingRetry = false;
    this.finished = false;
    this.sawHello = false;
    this.retried = true;
    const records = this.pending;
    this.pending = [];
    return this.consume(records);
  }

  private consume(records: readonly TlsRecord[]): FlightEvent[] {
    const events: FlightEvent[] = [];
    for (const [i, record] of records.entries()) {
      if (this.finished) {
        if (this.awaitingRetry) this.pending.push(...records.slice(i));
        break;
      }
      if (record.type === CONTENT_TYPE.alert) {
        const alert = parseAlert(record.fragment);
        // RFC 5246 §7.2.2: warnings do not end the handshake, except close_notify; a flood of them is hostile.
        if (alert.level === 1 && alert.description !== 0) {
          if (++this.warnings > LIMITS.MAX_WARNING_ALERTS) {
            throw new MitmError('MG_ERR_PROTOCOL', `more than ${LIMITS.MAX_WARNING_ALERTS} warning alerts (alert storm)`);
          }
          continue;
        }
        this.finished = true;
        events.push({ type: 'alert', alert });
        break;
      }
      if (this.tls13) {
        this.onTls13Record(record.type, record.version, record.fragment, events);
        continue;
      }
      if (record.type !== CONTENT_TYPE.handshake) {
        if (this.sawHello) continue; // ChangeCipherSpec / encrypted records after the hello: not ours to read.
        // RFC 8446 §D.4: a middlebox-compatible server sends ChangeCipherSpec right after its HelloRetryRequest.
        if (this.retried && record.type === CONTENT_TYPE.changeCipherSpec) continue;
        throw new MitmError('MG_ERR_PROTOCOL', `unexpected record type ${record.type} before ServerHello`);
      }
      this.handshake = append(this.handshake, record.fragment);
      this.handshake = drainMessages(this.handshake, () => this.finished || this.tls13 !== null, (type, body) => this.onMessage(type, body, events));
    }
    return events;
  }

  /** A record after a TLS 1.3 ServerHello: ChangeCipherSpec (middlebox compatibility) is skipped, the rest decrypted. */
  private onTls13Record(type: number, version: number, fragment: Uint8Array, events: FlightEvent[]): void {
    const t = this.tls13!;
    if (type === CONTENT_TYPE.changeCipherSpec) return;
    if (type !== CONTENT_TYPE.applicationData) {
      throw new MitmError('MG_ERR_PROTOCOL', `unprotected record of type ${type} after a TLS 1.3 ServerHello`);
    }
    if (!t.decrypter) {
      const secret = sharedSecretFor(t.hello.keyShareGroup ?? -1, serverKeyShare(t.hello));
      t.decrypter = new Tls13RecordDecrypter(t.hello.cipherSuite, serverHandshakeKeys(t.hello.cipherSuite, secret, t.clientHello, t.serverHello));
    }
    const header = Uint8Array.of(type, version >> 8, version & 0xff, fragment.length >> 8, fragment.length & 0xff);
    const inner = t.decrypter.decrypt(header, fragment);
    if (inner.type === CONTENT_TYPE.alert) {
      this.finished = true;
      events.push({ type: 'alert', alert: parseAlert(inner.content) });
      return;
    }
    if (inner.type !== CONTENT_TYPE.handshake) {
      throw new MitmError('MG_ERR_PROTOCOL', `encrypted record of inner type ${inner.type} before the server's Finished`);
    }
    t.handshake = append(t.handshake, inner.content);
    t.handshake = drainMessages(t.handshake, () => this.finished, (mtype, body) => {
      const make = TLS13_MESSAGE_EVENTS[mtype];
      if (!make) throw new MitmError('MG_ERR_PROTOCOL', `unexpected TLS 1.3 handshake message ${mtype} in the server's flight`);
      const out = make(body);
      events.push(...out);
      if (out.some((e) => e.type === 'serverFinished')) this.finished = true;
    });
  }

  private onMessage(type: number, body: Uint8Array, events: FlightEvent[]): void {
    if (!this.sawHello) {
      if (type !== HANDSHAKE_TYPE.serverHello) {
        throw new MitmError('MG_ERR_PROTOCOL', `expected ServerHello, got handshake message ${type}`);
      }
      const hello = parseServerHello(body);
      // RFC 8446 §4.1.4: a client that receives a second HelloRetryRequest in the same connection aborts.
      if (hello.helloRetryRequest && this.retried) {
        throw new MitmError('MG_ERR_PROTOCOL', 'unexpected_message: a second HelloRetryRequest in one connection (RFC 8446 §4.1.4)', { details: { alert: 'unexpected_message' } });
      }
      this.sawHello = true;
      events.push({ type: 'serverHello', hello });
      // RFC 8446 §2: everything after the ServerHello of TLS 1.3 is encrypted; an HRR waits for a second ClientHello.
      if (hello.helloRetryRequest) {
        this.finished = true;
        this.awaitingRetry = !this.options.tls13ClientHello;
      }
      else if (hello.version === VERSIONS['TLSv1.3']) {
        if (!this.options.tls13ClientHello) this.finished = true;
        else {
          const serverHello = Uint8Array.of(type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff, ...body);
          this.tls13 = { hello, clientHello: handshakeBytes(this.options.tls13ClientHello), serverHello, decrypter: null, handshake: new Uint8Array(0) };
          // RFC 8446 §5.1: the ServerHello must end its record; encrypted messages never share a record with it.
          if (this.handshake.length > 4 + body.length) {
            throw new MitmError('MG_ERR_PROTOCOL', 'plaintext handshake data after a TLS 1.3 ServerHello');
          }
        }
      }
      return;
    }
    const make = MESSAGE_EVENTS[type];
    if (!make) return;
    const event = make(body);
    events.push(event);
    if (event.type === 'serverHelloDone') this.finished = true;
  }
}

function append(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

/**
 * Take whole handshake messages (type, 24-bit length, body) off `buf` and hand each to `onMessage` until `stop()` says
 * so; returns what is left. A message longer than LIMITS.MAX_HANDSHAKE_MESSAGE is refused before it is buffered.
 */
function drainMessages(buf: Uint8Array, stop: () => boolean, onMessage: (type: number, body: Uint8Array) => void): Uint8Array {
  let off = 0;
  while (!stop() && buf.length - off >= 4) {
    const type = buf[off]!;
    const length = (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!;
    if (length > LIMITS.MAX_HANDSHAKE_MESSAGE) {
      throw new MitmError('MG_ERR_TOO_LARGE', `handshake message of ${length} bytes exceeds ${LIMITS.MAX_HANDSHAKE_MESSAGE}`, {
        details: { type, length, limit: LIMITS.MAX_HANDSHAKE_MESSAGE },
      });
    }
    if (buf.length - off - 4 < length) break;
    const body = buf.subarray(off + 4, off + 4 + length);
    off += 4 + length;
    onMessage(type, body);
  }
  return buf.slice(off);
}
