/**
 * A minimal classic-pcap reader (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html §4–§5), sans-IO:
 * chunks in, CapturedFrame out. It exists only so `mitmguard wifi capture` can read files before the capture wing
 * lands; the lead replaces it by src/capture's reader at merge (the one call site is src/wifi/read-frames.ts).
 */
import { MitmError } from '../errors.js';
import type { CapturedFrame } from '../model/index.js';

/** Record lengths above this are refused (the draft's snap length maximum for 802.11 is far below). */
export const MAX_PCAP_RECORD_BYTES = 262_144;

export class PcapClassicReader {
  private buf: Uint8Array = new Uint8Array(0);
  private little = true;
  private nanos = false;
  private linkType = -1;
  private count = 0;

  /** Feed bytes; returns the frames completed by them. */
  push(chunk: Uint8Array): CapturedFrame[] {
    this.buf = this.buf.length ? concat(this.buf, chunk) : chunk;
    const out: CapturedFrame[] = [];
    let at = 0;
    const view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    if (this.linkType < 0) {
      if (this.buf.length < 24) return out;
      const magicLe = view.getUint32(0, true);
      const magicBe = view.getUint32(0, false);
      if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) this.little = true;
      else if (magicBe === 0xa1b2c3d4 || magicBe === 0xa1b23c4d) this.little = false;
      else if (magicLe === 0x0a0d0d0a) throw new MitmError('MG_ERR_UNSUPPORTED', 'pcap: this is a pcapng file; convert it with `editcap -F pcap` or use the capture wing');
      else throw new MitmError('MG_ERR_MALFORMED', 'pcap: not a pcap file (bad magic number)');
      this.nanos = view.getUint32(0, this.little) === 0xa1b23c4d;
      this.linkType = view.getUint32(20, this.little) & 0x0fffffff;
      at = 24;
    }
    while (this.buf.length - at >= 16) {
      const sec = view.getUint32(at, this.little);
      const frac = view.getUint32(at + 4, this.little);
      const incl = view.getUint32(at + 8, this.little);
      const orig = view.getUint32(at + 12, this.little);
      if (incl > MAX_PCAP_RECORD_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `pcap: record ${this.count + 1} of ${incl} bytes exceeds ${MAX_PCAP_RECORD_BYTES}`);
      if (this.buf.length - at - 16 < incl) break;
      const data = this.buf.subarray(at + 16, at + 16 + incl);
      this.count++;
      out.push({
        linkType: this.linkType,
        timestampUs: sec * 1_000_000 + (this.nanos ? Math.floor(frac / 1000) : frac),
        data,
        originalLength: orig,
        interfaceId: 0,
        frameNumber: this.count,
      });
      at += 16 + incl;
    }
    this.buf = this.buf.subarray(at);
    return out;
  }

  /** The input ended: anything left over is a truncated record. */
  end(): void {
    if (this.linkType < 0) throw new MitmError('MG_ERR_TRUNCATED', 'pcap: file shorter than its global header');
    if (this.buf.length) throw new MitmError('MG_ERR_TRUNCATED', `pcap: ${this.buf.length} bytes of a truncated last record`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}
