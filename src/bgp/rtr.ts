/**
 * The RPKI-to-Router protocol (RFC 8210, version 1; version 0 of RFC 6810 understood) as a sans-IO client: the
 * Reset Query to send, a decoder that cuts PDUs out of a byte stream whatever the chunking, and the state that turns
 * Cache Response … IPv4/IPv6 Prefix … End of Data into a VRP set. The socket lives in rtr-client.ts.
 */
import { MitmError } from '../errors.js';
import { BGP_LIMITS } from './limits.js';
import type { Prefix } from './prefix.js';
import type { Vrp } from './vrp.js';

/** RFC 8210 §5 PDU types. */
export const RTR_PDU = {
  SERIAL_NOTIFY: 0, SERIAL_QUERY: 1, RESET_QUERY: 2, CACHE_RESPONSE: 3, IPV4_PREFIX: 4, IPV6_PREFIX: 6,
  END_OF_DATA: 7, CACHE_RESET: 8, ROUTER_KEY: 9, ERROR_REPORT: 10, ASPA: 11,
} as const;

/** The largest PDU accepted (an Error Report carries a PDU and a text; RFC 8210 does not bound it, we do). */
export const MAX_RTR_PDU = 64 * 1024;

export function encodeResetQuery(version = 1): Uint8Array {
  // RFC 8210 §5.4: version, type 2, zero, length 8.
  return Uint8Array.from([version, RTR_PDU.RESET_QUERY, 0, 0, 0, 0, 0, 8]);
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

export interface RtrPdu {
  version: number;
  type: number;
  /** Session id (Cache Response, End of Data, Serial Notify) or error code (Error Report). */
  field: number;
  body: Uint8Array;
}

/** Cuts PDUs from the stream (RFC 8210 §5.1 header: version, type, session/error, length). */
export class RtrPduSplitter {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): RtrPdu[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf, 0);
    merged.set(chunk, this.buf.length);
    const out: RtrPdu[] = [];
    let off = 0;
    while (merged.length - off >= 8) {
      const len = u32(merged, off + 4);
      if (len < 8 || len > MAX_RTR_PDU) throw new MitmError(len < 8 ? 'MG_ERR_MALFORMED' : 'MG_ERR_TOO_LARGE', `RTR PDU length ${len}`, { details: { length: len } });
      if (merged.length - off < len) break;
      out.push({ version: merged[off]!, type: merged[off + 1]!, field: u16(merged, off + 2), body: merged.slice(off + 8, off + len) });
      off += len;
    }
    this.buf = merged.slice(off);
    return out;
  }
}

export interface RtrResult {
  vrps: Vrp[];
  sessionId: number;
  serial: number;
  /** RFC 8210 §6: refresh, retry and expire intervals in seconds, from End of Data (version 1). */
  intervals?: { refresh: number; retry: number; expire: number };
}

/** RFC 8210 §5.6/5.7 prefix PDU bodies: flags, prefix length, max length, zero, prefix, AS. */
function prefixVrp(body: Uint8Array, afi: 4 | 6): { announce: boolean; vrp: Vrp } {
  const n = afi === 4 ? 4 : 16;
  if (body.length !== 8 + n) throw new MitmError('MG_ERR_MALFORMED', `RTR IPv${afi} Prefix PDU of ${body.length + 8} bytes`);
  const length = body[1]!;
  const maxLength = body[2]!;
  const top = afi === 4 ? 32 : 128;
  if (length > top || maxLength > top || maxLength < length) throw new MitmError('MG_ERR_MALFORMED', `RTR prefix /${length} with max length ${maxLength}`);
  const bytes = body.slice(4, 4 + n);
  for (let bit = length; bit < n * 8; bit++) bytes[bit >> 3]! &= ~(1 << (7 - (bit & 7)));
  const prefix: Prefix = { afi, bytes, length };
  return { announce: (body[0]! & 1) === 1, vrp: { prefix, maxLength, asn: u32(body, 4 + n) } };
}

/**
 * The client side of one Reset Query exchange (RFC 8210 §8.1): feed PDUs; `done` once End of Data arrived. A Cache
 * Reset or Error Report from the cache is an error (MG_ERR_PROTOCOL) with its text.
 */
export class RtrResetExchange {
  private readonly vrps = new Map<string, Vrp>();
  private started = false;
  private sessionId = -1;
  result: RtrResult | undefined;

  get done(): boolean {
    return this.result !== undefined;
  }

  feed(pdu: RtrPdu): void {
    if (this.done) return;
    switch (pdu.type) {
      case RTR_PDU.CACHE_RESPONSE:
        this.started = true;
        this.sessionId = pdu.field;
        return;
      case RTR_PDU.IPV4_PREFIX:
      case RTR_PDU.IPV6_PREFIX: {
        if (!this.started) throw new MitmError('MG_ERR_PROTOCOL', 'RTR prefix before Cache Response');
        const { announce, vrp } = prefixVrp(pdu.body, pdu.type === RTR_PDU.IPV4_PREFIX ? 4 : 6);
        const key = `${vrp.prefix.afi}/${vrp.prefix.bytes.join('.')}/${vrp.prefix.length}-${vrp.maxLength}-${vrp.asn}`;
        if (announce) {
          if (this.vrps.size >= BGP_LIMITS.maxVrps) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${BGP_LIMITS.maxVrps} VRPs over RTR`);
          this.vrps.set(key, vrp);
        } else this.vrps.delete(key);
        return;
      }
      case RTR_PDU.END_OF_DATA: {
        if (!this.started) throw new MitmError('MG_ERR_PROTOCOL', 'RTR End of Data before Cache Response');
        // RFC 8210 §5.8: serial; version 1 adds refresh, retry, expire.
        if (pdu.body.length !== 4 && pdu.body.length !== 16) throw new MitmError('MG_ERR_MALFORMED', `RTR End of Data of ${pdu.body.length + 8} bytes`);
        const r: RtrResult = { vrps: [...this.vrps.values()], sessionId: this.sessionId, serial: u32(pdu.body, 0) };
        if (pdu.body.length === 16) r.intervals = { refresh: u32(pdu.body, 4), retry: u32(pdu.body, 8), expire: u32(pdu.body, 12) };
        this.result = r;
        return;
      }
      case RTR_PDU.CACHE_RESET:
        throw new MitmError('MG_ERR_PROTOCOL', 'the RTR cache answered Cache Reset (it has no data yet)');
      case RTR_PDU.ERROR_REPORT: {
        // RFC 8210 §5.11: encapsulated PDU length, PDU, text length, text.
        const b = pdu.body;
        let text = '';
        if (b.length >= 8) {
          const pl = u32(b, 0);
          if (4 + pl + 4 <= b.length) {
            const tl = u32(b, 4 + pl);
            text = new TextDecoder().decode(b.subarray(8 + pl, Math.min(b.length, 8 + pl + tl)));
          }
        }
        throw new MitmError('MG_ERR_PROTOCOL', `the RTR cache reported error ${pdu.field}${text ? `: ${text}` : ''}`, { details: { errorCode: pdu.field } });
      }
      default:
        return; // Serial Notify, Router Key, ASPA: not needed for origin validation
    }
  }
}
