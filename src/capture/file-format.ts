/**
 * Sans-IO capture file decoder: bytes in (any chunking), `CapturedFrame`s out. Reads classic pcap in both byte orders
 * with microsecond or nanosecond time, and pcapng (draft-ietf-opsawg-pcapng) with several sections and interfaces,
 * Enhanced, Simple and obsolete Packet Blocks, Interface Statistics Blocks and comments.
 *
 * The container is trusted only as far as its declared lengths fit the named limits: a wrong magic, a block that
 * declares more than `maxBlockBytes` or a length that does not match its trailer fail with a MitmError; a file that
 * ends in the middle of a record (tcpdump killed) is not an error — `truncatedTail` says so.
 */
import { MitmError } from '../errors.js';
import type { CapturedFrame } from '../model/index.js';
import { CAPTURE_LIMITS } from './limits.js';

export type CaptureFormat = 'pcap' | 'pcapng';

/** pcap magic numbers (tcpdump.org pcap-savefile(5)): microsecond and nanosecond time. */
const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
/** pcapng block types (draft-ietf-opsawg-pcapng §4.1, §11.1). */
const BLOCK = { SHB: 0x0a0d0d0a, IDB: 1, OPB: 2, SPB: 3, NRB: 4, ISB: 5, EPB: 6 } as const;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Option codes: opt_endofopt, opt_comment (§3.5), if_tsresol (§4.2), isb_ifrecv / isb_ifdrop (§4.6). */
const OPT = { end: 0, comment: 1, ifTsresol: 9, isbIfrecv: 4, isbIfdrop: 5 } as const;

export interface CaptureInterface {
  id: number;
  linkType: number;
  snapLength: number;
  /** Ticks per second of this interface's timestamps (if_tsresol; 10^6 by default). */
  ticksPerSecond: number;
  /** From the last Interface Statistics Block: packets received and dropped by the capture, null when not told. */
  received: number | null;
  dropped: number | null;
}

export interface CaptureComment {
  /** 0 for a section header's comment, else the frame it belongs to. */
  frameNumber: number;
  text: string;
}

interface PcapState {
  kind: 'pcap';
  little: boolean;
  ticksPerSecond: number;
  linkType: number;
}
interface PcapngState {
  kind: 'pcapng';
  little: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Push bytes, take frames. Frames' `data` are views into the pushed chunks (no copy): consumers that keep them past
 * the next `push` copy what they keep.
 *
 * @example
 * const d = new CaptureFileDecoder();
 * for await (const chunk of stream) for (const f of d.push(chunk)) analyse(f);
 * d.end();
 */
export class CaptureFileDecoder {
  private pending: Uint8Array = new Uint8Array(0);
  private state: PcapState | PcapngState | null = null;
  private frames = 0;
  private consumed = 0;
  /** Interfaces of the current pcapng section (a pcap file has one). */
  readonly interfaces: CaptureInterface[] = [];
  readonly comments: CaptureComment[] = [];
  /** Interfaces of earlier pcapng sections, kept for the report. */
  readonly closedInterfaces: CaptureInterface[] = [];
  truncatedTail = false;

  constructor(private readonly limits: { maxFrameBytes: number; maxBlockBytes: number; maxInterfaces: number; maxComments: number } = CAPTURE_LIMITS) {}

  get format(): CaptureFormat | null {
    return this.state?.kind ?? null;
  }

  /** Frames handed on so far. */
  get frameCount(): number {
    return this.frames;
  }

  push(chunk: Uint8Array): CapturedFrame[] {
    let buf: Uint8Array;
    if (this.pending.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending, 0);
      buf.set(chunk, this.pending.length);
    }
    const out: CapturedFrame[] = [];
    let off = 0;
    for (;;) {
      const used = this.state === null ? this.header(buf, off) : this.state.kind === 'pcap' ? this.pcapRecord(buf, off, this.state, out) : this.block(buf, off, this.state, out);
      if (used === 0) break;
      off += used;
      this.consumed += used;
    }
    // Keep the unread tail; copy it so the caller's chunk can be reused.
    this.pending = off === buf.length ? new Uint8Array(0) : buf.slice(off);
    return out;
  }

  /** The input ended. A partial record is remembered as `truncatedTail`; no header at all is an error. */
  end(): void {
    if (this.state === null) {
      throw new MitmError(this.pending.length === 0 ? 'MG_ERR_TRUNCATED' : 'MG_ERR_MALFORMED', this.pending.length === 0 ? 'empty capture file' : 'not a pcap or pcapng file (too short for a header)', {
        details: { bytes: this.pending.length },
      });
    }
    if (this.pending.length > 0) this.truncatedTail = true;
  }

  private header(buf: Uint8Array, off: number): number {
    if (buf.length - off < 4) return 0;
    const dv = view(buf);
    const be = dv.getUint32(off, false);
    const le = dv.getUint32(off, true);
    if (be === BLOCK.SHB) {
      // pcapng: the Section Header Block is read by the block reader once we know the byte order (§4.1).
      if (buf.length - off < 12) return 0;
      const magic = dv.getUint32(off + 8, false);
      const little = magic === BYTE_ORDER_MAGIC ? false : dv.getUint32(off + 8, true) === BYTE_ORDER_MAGIC ? true : null;
      if (little === null) throw new MitmError('MG_ERR_MALFORMED', 'pcapng: section header has no valid byte-order magic', { details: { offset: this.consumed } });
      this.state = { kind: 'pcapng', little };
      return 0 + this.block(buf, off, this.state, []);
    }
    const pcap = [PCAP_MAGIC_US, PCAP_MAGIC_NS];
    const little = pcap.includes(le) ? true : pcap.includes(be) ? false : null;
    if (little === null) {
      throw new MitmError('MG_ERR_MALFORMED', `not a pcap or pcapng file (magic 0x${be.toString(16).padStart(8, '0')})`, { details: { magic: be } });
    }
    // pcap-savefile(5): magic, version 2.4, thiszone, sigfigs, snaplen, linktype (the low 28 bits; FCS bits above).
    if (buf.length - off < 24) return 0;
    const magic = dv.getUint32(off, little);
    const major = dv.getUint16(off + 4, little);
    if (major !== 2) throw new MitmError('MG_ERR_UNSUPPORTED', `pcap version ${major} (only 2.x exists)`, { details: { major } });
    const snapLength = dv.getUint32(off + 16, little);
    const linkType = dv.getUint32(off + 20, little) & 0x0fffffff;
    const ticksPerSecond = magic === PCAP_MAGIC_NS ? 1e9 : 1e6;
    this.state = { kind: 'pcap', little, ticksPerSecond, linkType };
    this.interfaces.push({ id: 0, linkType, snapLength, ticksPerSecond, received: null, dropped: null });
    return 24;
  }

  private pcapRecord(buf: Uint8Array, off: number, s: PcapState, out: CapturedFrame[]): number {
    if (buf.length - off < 16) return 0;
    const dv = view(buf);
    const sec = dv.getUint32(off, s.little);
    const frac = dv.getUint32(off + 4, s.little);
    const incl = dv.getUint32(off + 8, s.little);
    const orig = dv.getUint32(off + 12, s.little);
    if (incl > this.limits.maxFrameBytes) {
      throw new MitmError('MG_ERR_TOO_LARGE', `pcap record ${this.frames + 1} declares ${incl} bytes (limit ${this.limits.maxFrameBytes})`, {
        details: { frame: this.frames + 1, length: incl, limit: this.limits.maxFrameBytes, offset: this.consumed },
      });
    }
    if (buf.length - off < 16 + incl) return 0;
    const fracUs = s.ticksPerSecond === 1e6 ? frac : Math.floor(frac / 1000);
    out.push({
      linkType: s.linkType,
      timestampUs: sec * 1e6 + fracUs,
      data: buf.subarray(off + 16, off + 16 + incl),
      originalLength: orig,
      interfaceId: 0,
      frameNumber: ++this.frames,
    });
    return 16 + incl;
  }

  /** One pcapng block (§3.1): type, total length, body, total length again. */
  private block(buf: Uint8Array, off: number, s: PcapngState, out: CapturedFrame[]): number {
    if (buf.length - off < 8) return 0;
    const dv = view(buf);
    const type = dv.getUint32(off, s.little);
    if (type === BLOCK.SHB) {
      if (buf.length - off < 12) return 0;
      // A new section may switch byte order (§4.1).
      const magic = dv.getUint32(off + 8, false);
      const little = magic === BYTE_ORDER_MAGIC ? false : dv.getUint32(off + 8, true) === BYTE_ORDER_MAGIC ? true : null;
      if (little === null) throw new MitmError('MG_ERR_MALFORMED', 'pcapng: section header has no valid byte-order magic', { details: { offset: this.consumed } });
      s.little = little;
    }
    const total = dv.getUint32(off + 4, s.little);
    if (total > this.limits.maxBlockBytes) {
      throw new MitmError('MG_ERR_TOO_LARGE', `pcapng block of type ${type} declares ${total} bytes (limit ${this.limits.maxBlockBytes})`, {
        details: { type, length: total, limit: this.limits.maxBlockBytes, offset: this.consumed },
      });
    }
    if (total < 12 || total % 4 !== 0) {
      throw new MitmError('MG_ERR_MALFORMED', `pcapng block of type ${type} has length ${total} (must be a multiple of 4, at least 12)`, {
        details: { type, length: total, offset: this.consumed },
      });
    }
    if (buf.length - off < total) return 0;
    if (dv.getUint32(off + total - 4, s.little) !== total) {
      throw new MitmError('MG_ERR_MALFORMED', `pcapng block of type ${type}: trailing length differs from ${total}`, { details: { type, offset: this.consumed } });
    }
    const body = buf.subarray(off + 8, off + total - 4);
    const bdv = view(body);
    const need = (n: number, what: string) => {
      if (body.length < n) throw new MitmError('MG_ERR_MALFORMED', `pcapng ${what} block body of ${body.length} bytes (needs ${n})`, { details: { type, offset: this.consumed } });
    };
    switch (type) {
      case BLOCK.SHB: {
        need(16, 'section header');
        const major = bdv.getUint16(4, s.little);
        if (major !== 1) throw new MitmError('MG_ERR_UNSUPPORTED', `pcapng version ${major} (only 1.x exists)`, { details: { major } });
        this.closedInterfaces.push(...this.interfaces.splice(0));
        this.options(body, 16, s.little, (code, value) => {
          if (code === OPT.comment) this.comment(0, value);
        });
        break;
      }
      case BLOCK.IDB: {
        need(8, 'interface description');
        if (this.interfaces.length >= this.limits.maxInterfaces) {
          throw new MitmError('MG_ERR_TOO_LARGE', `more than ${this.limits.maxInterfaces} interfaces in one section`, { details: { limit: this.limits.maxInterfaces } });
        }
        const iface: CaptureInterface = {
          id: this.interfaces.length,
          linkType: bdv.getUint16(0, s.little),
          snapLength: bdv.getUint32(4, s.little),
          ticksPerSecond: 1e6,
          received: null,
          dropped: null,
        };
        this.options(body, 8, s.little, (code, value) => {
          if (code === OPT.ifTsresol && value.length >= 1) {
            // §4.2 if_tsresol: high bit clear → 10^-n seconds, set → 2^-n seconds.
            const v = value[0]!;
            const n = v & 0x7f;
            iface.ticksPerSecond = v & 0x80 ? 2 ** n : 10 ** n;
            if (!Number.isFinite(iface.ticksPerSecond) || iface.ticksPerSecond < 1 || n > 63) {
              throw new MitmError('MG_ERR_MALFORMED', `pcapng interface ${iface.id}: if_tsresol ${v} is out of range`, { details: { value: v } });
            }
          }
        });
        this.interfaces.push(iface);
        break;
      }
      case BLOCK.EPB: {
        need(20, 'enhanced packet');
        const ifaceId = bdv.getUint32(0, s.little);
        const iface = this.iface(ifaceId);
        const caplen = bdv.getUint32(12, s.little);
        const orig = bdv.getUint32(16, s.little);
        if (caplen > body.length - 20) throw new MitmError('MG_ERR_MALFORMED', `pcapng packet declares ${caplen} captured bytes in a ${total}-byte block`, { details: { offset: this.consumed } });
        if (caplen > this.limits.maxFrameBytes) throw new MitmError('MG_ERR_TOO_LARGE', `pcapng packet of ${caplen} bytes (limit ${this.limits.maxFrameBytes})`, { details: { length: caplen } });
        const frameNumber = ++this.frames;
        out.push({
          linkType: iface.linkType,
          timestampUs: ticksToUs(bdv.getUint32(4, s.little), bdv.getUint32(8, s.little), iface.ticksPerSecond),
          data: body.subarray(20, 20 + caplen),
          originalLength: orig,
          interfaceId: ifaceId,
          frameNumber,
        });
        this.options(body, 20 + pad4(caplen), s.little, (code, value) => {
          if (code === OPT.comment) this.comment(frameNumber, value);
        });
        break;
      }
      case BLOCK.OPB: {
        // §11.1 obsolete Packet Block: interface id u16, drops u16, timestamp, lengths.
        need(20, 'packet');
        const ifaceId = bdv.getUint16(0, s.little);
        const iface = this.iface(ifaceId);
        const caplen = bdv.getUint32(12, s.little);
        if (caplen > body.length - 20 || caplen > this.limits.maxFrameBytes) throw new MitmError('MG_ERR_MALFORMED', `pcapng packet block declares ${caplen} bytes`, { details: { offset: this.consumed } });
        out.push({
          linkType: iface.linkType,
          timestampUs: ticksToUs(bdv.getUint32(4, s.little), bdv.getUint32(8, s.little), iface.ticksPerSecond),
          data: body.subarray(20, 20 + caplen),
          originalLength: bdv.getUint32(16, s.little),
          interfaceId: ifaceId,
          frameNumber: ++this.frames,
        });
        break;
      }
      case BLOCK.SPB: {
        // §4.4 Simple Packet Block: interface 0, no timestamp; captured length is min(original, snaplen, body).
        need(4, 'simple packet');
        const iface = this.iface(0);
        const orig = bdv.getUint32(0, s.little);
        let caplen = Math.min(orig, body.length - 4);
        if (iface.snapLength > 0) caplen = Math.min(caplen, iface.snapLength);
        if (caplen > this.limits.maxFrameBytes) throw new MitmError('MG_ERR_TOO_LARGE', `pcapng simple packet of ${caplen} bytes`, { details: { length: caplen } });
        out.push({ linkType: iface.linkType, timestampUs: 0, data: body.subarray(4, 4 + caplen), originalLength: orig, interfaceId: 0, frameNumber: ++this.frames });
        break;
      }
      case BLOCK.ISB: {
        need(12, 'interface statistics');
        const iface = this.iface(bdv.getUint32(0, s.little));
        this.options(body, 12, s.little, (code, value) => {
          if (value.length !== 8) return;
          const v = view(value);
          const n = v.getUint32(s.little ? 4 : 0, s.little) * 2 ** 32 + v.getUint32(s.little ? 0 : 4, s.little);
          if (code === OPT.isbIfrecv) iface.received = n;
          if (code === OPT.isbIfdrop) iface.dropped = n;
        });
        break;
      }
      default:
        // Name Resolution, Decryption Secrets, custom blocks: skipped whole (their length was checked).
        break;
    }
    return total;
  }

  private iface(id: number): CaptureInterface {
    const iface = this.interfaces[id];
    if (!iface) throw new MitmError('MG_ERR_MALFORMED', `pcapng packet names interface ${id}, which no Interface Description Block declared`, { details: { interfaceId: id } });
    return iface;
  }

  private comment(frameNumber: number, value: Uint8Array): void {
    if (this.comments.length < this.limits.maxComments) this.comments.push({ frameNumber, text: utf8.decode(value) });
  }

  /** §3.5 options: code u16, length u16, value padded to 4; ends at opt_endofopt or the end of the body. */
  private options(body: Uint8Array, start: number, little: boolean, each: (code: number, value: Uint8Array) => void): void {
    const dv = view(body);
    let off = start;
    while (off + 4 <= body.length) {
      const code = dv.getUint16(off, little);
      const len = dv.getUint16(off + 2, little);
      if (code === OPT.end) return;
      if (off + 4 + len > body.length) throw new MitmError('MG_ERR_MALFORMED', `pcapng option ${code} of ${len} bytes runs past its block`, { details: { code, offset: this.consumed } });
      each(code, body.subarray(off + 4, off + 4 + len));
      off += 4 + pad4(len);
    }
  }
}

const pad4 = (n: number) => (n + 3) & ~3;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A 64-bit tick count (high, low) at `ticksPerSecond` as whole microseconds, exact where it matters. */
export function ticksToUs(high: number, low: number, ticksPerSecond: number): number {
  if (ticksPerSecond === 1e6) return high * 2 ** 32 + low;
  const ticks = (BigInt(high) << 32n) | BigInt(low);
  return Number((ticks * 1_000_000n) / BigInt(ticksPerSecond));
}
