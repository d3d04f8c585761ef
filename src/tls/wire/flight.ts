/**
 * The server's first flight, sans-IO: push the bytes a server sends in answer to a ClientHello, get events out —
 * ServerHello (or HelloRetryRequest), Certificate, ServerKeyExchange, CertificateStatus, ServerHelloDone, or an alert.
 * Handshake messages are reassembled across records (RFC 8446 §5.1 allows fragmentation and coalescing). Everything
 * after a TLS 1.3 ServerHello is encrypted, so the reader stops there. All sizes are capped (./limits.ts).
 */
import { MitmError } from '../../errors.js';
import { parseAlert, type Alert } from './alert.js';
import { parseCertificateList } from './certificate.js';
import { LIMITS } from './limits.js';
import { RecordSplitter } from './record.js';
import { CONTENT_TYPE, HANDSHAKE_TYPE, VERSIONS } from './registry.js';
import { parseServerHello, type ServerHello } from './server-hello.js';

export type FlightEvent =
  | { type: 'serverHello'; hello: ServerHello }
  | { type: 'certificate'; chain: Uint8Array[] }
  | { type: 'serverKeyExchange'; body: Uint8Array }
  | { type: 'certificateStatus'; body: Uint8Array }
  | { type: 'certificateRequest' }
  | { type: 'serverHelloDone' }
  | { type: 'alert'; alert: Alert };

/** Handshake messages we turn into events after the ServerHello; others are skipped. */
const MESSAGE_EVENTS: Record<number, (body: Uint8Array) => FlightEvent> = {
  [HANDSHAKE_TYPE.certificate]: (body) => ({ type: 'certificate', chain: parseCertificateList(body) }),
  [HANDSHAKE_TYPE.serverKeyExchange]: (body) => ({ type: 'serverKeyExchange', body }),
  [HANDSHAKE_TYPE.certificateStatus]: (body) => ({ type: 'certificateStatus', body }),
  [HANDSHAKE_TYPE.certificateRequest]: () => ({ type: 'certificateRequest' }),
  [HANDSHAKE_TYPE.serverHelloDone]: () => ({ type: 'serverHelloDone' }),
};

export class ServerFlightReader {
  private readonly records: RecordSplitter;
  private handshake: Uint8Array = new Uint8Array(0);
  private sawHello = false;
  private warnings = 0;
  /** True once nothing more can be learned from plaintext (alert, TLS 1.3 hello, ServerHelloDone). */
  finished = false;

  constructor(maxBytes: number = LIMITS.MAX_FLIGHT_BYTES) {
    this.records = new RecordSplitter(maxBytes);
  }

  push(chunk: Uint8Array): FlightEvent[] {
    const events: FlightEvent[] = [];
    if (this.finished) return events;
    for (const record of this.records.push(chunk)) {
      if (this.finished) break;
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
      if (record.type !== CONTENT_TYPE.handshake) {
        if (this.sawHello) continue; // ChangeCipherSpec / encrypted records after the hello: not ours to read.
        throw new MitmError('MG_ERR_PROTOCOL', `unexpected record type ${record.type} before ServerHello`);
      }
      this.appendHandshake(record.fragment);
      this.drainMessages(events);
    }
    return events;
  }

  private appendHandshake(fragment: Uint8Array): void {
    const joined = new Uint8Array(this.handshake.length + fragment.length);
    joined.set(this.handshake, 0);
    joined.set(fragment, this.handshake.length);
    this.handshake = joined;
  }

  private drainMessages(events: FlightEvent[]): void {
    let off = 0;
    const buf = this.handshake;
    while (!this.finished && buf.length - off >= 4) {
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
      this.onMessage(type, body, events);
    }
    this.handshake = buf.slice(off);
  }

  private onMessage(type: number, body: Uint8Array, events: FlightEvent[]): void {
    if (!this.sawHello) {
      if (type !== HANDSHAKE_TYPE.serverHello) {
        throw new MitmError('MG_ERR_PROTOCOL', `expected ServerHello, got handshake message ${type}`);
      }
      const hello = parseServerHello(body);
      this.sawHello = true;
      events.push({ type: 'serverHello', hello });
      // RFC 8446 §2: everything after the ServerHello of TLS 1.3 is encrypted; an HRR waits for a second ClientHello.
      if (hello.helloRetryRequest || hello.version === VERSIONS['TLSv1.3']) this.finished = true;
      return;
    }
    const make = MESSAGE_EVENTS[type];
    if (!make) return;
    const event = make(body);
    events.push(event);
    if (event.type === 'serverHelloDone') this.finished = true;
  }
}
