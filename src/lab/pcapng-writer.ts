/**
 * A pcapng writer for the lab's socket-level recording (issue 12), sans-IO: TCP byte streams a relay of ours saw in,
 * an IPv4 capture out that src/capture reads like tcpdump's. Without root there is no packet capture, so the IPv4 and
 * TCP headers are written here, from the real addresses, ports and bytes of each connection (sequence numbers count
 * the bytes relayed); the section and interface comments say so, and every reader of the file can see it.
 *
 * Layouts: pcapng (draft-ietf-opsawg-pcapng) §4.1 Section Header Block, §4.2 Interface Description Block, §4.3
 * Enhanced Packet Block, §3.5 options; IPv4 RFC 791 §3.1; TCP RFC 9293 §3.1; checksums RFC 1071.
 */
import { MitmError } from '../errors.js';

/** LINKTYPE_RAW: each packet starts with its IPv4 header. */
export const LINKTYPE_RAW = 101;
/** Payload bytes per synthesised TCP segment (an IPv4 packet is at most 65,535 octets). */
export const MAX_SEGMENT_PAYLOAD = 16_384;
/** Frames one recording keeps; past it, frames are counted in `dropped`, not stored. */
export const MAX_RECORDED_FRAMES = 20_000;

export interface RecordedFrame {
  timestampUs: number;
  data: Uint8Array;
}

const FLAG = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 } as const;

function ipv4Bytes(text: string): number[] {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new MitmError('MG_ERR_USAGE', `not an IPv4 address: ${text}`);
  return parts;
}

/** RFC 1071 one's-complement sum of 16-bit words. */
function checksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** One IPv4 packet carrying one TCP segment, checksums filled in. */
export function tcpPacket(src: string, srcPort: number, dst: string, dstPort: number, seq: number, ack: number, flags: number, payload: Uint8Array, ipId: number): Uint8Array {
  const total = 20 + 20 + payload.length;
  if (total > 0xffff) throw new MitmError('MG_ERR_TOO_LARGE', `a ${payload.length}-byte segment does not fit an IPv4 packet`);
  const p = new Uint8Array(total);
  const v = new DataView(p.buffer);
  const s = ipv4Bytes(src);
  const d = ipv4Bytes(dst);
  // RFC 791 §3.1: version 4, IHL 5; total length; identification; DF; TTL 64; protocol 6 (TCP); checksum; addresses.
  p[0] = 0x45;
  v.setUint16(2, total);
  v.setUint16(4, ipId & 0xffff);
  v.setUint16(6, 0x4000);
  p[8] = 64;
  p[9] = 6;
  p.set(s, 12);
  p.set(d, 16);
  v.setUint16(10, ~checksum(p.subarray(0, 20)) & 0xffff);
  // RFC 9293 §3.1: ports, sequence, acknowledgment, data offset 5, flags, window, checksum, urgent pointer.
  v.setUint16(20, srcPort);
  v.setUint16(22, dstPort);
  v.setUint32(24, seq >>> 0);
  v.setUint32(28, ack >>> 0);
  p[32] = 5 << 4;
  p[33] = flags;
  v.setUint16(34, 65535);
  p.set(payload, 40);
  // The TCP checksum covers a pseudo-header: addresses, zero, protocol, TCP length (RFC 9293 §3.1).
  const pseudo = new Uint8Array([...s, ...d, 0, 6, (total - 20) >> 8, (total - 20) & 0xff]);
  v.setUint16(36, ~checksum(p.subarray(20), checksum(pseudo)) & 0xffff);
  return p;
}

/** The frames of one TCP connection, written as the bytes flow: handshake, data both ways, FIN exchange. */
export class TcpStreamFrames {
  private clientSeq: number;
  private serverSeq: number;
  private ipId = 1;
  private finished = false;

  constructor(
    private readonly out: FrameSink,
    private readonly client: { address: string; port: number },
    private readonly server: { address: string; port: number },
    isn: { client: number; server: number } = { client: 1_000, server: 5_000 },
  ) {
    this.clientSeq = isn.client;
    this.serverSeq = isn.server;
  }

  private emit(fromClient: boolean, flags: number, payload: Uint8Array, tsUs: number): void {
    const [a, b] = fromClient ? [this.client, this.server] : [this.server, this.client];
    const seq = fromClient ? this.clientSeq : this.serverSeq;
    const ack = fromClient ? this.serverSeq : this.clientSeq;
    this.out.push({ timestampUs: tsUs, data: tcpPacket(a.address, a.port, b.address, b.port, seq, flags & FLAG.ACK ? ack : 0, flags, payload, this.ipId++) });
    const advance = payload.length + (flags & (FLAG.SYN | FLAG.FIN) ? 1 : 0);
    if (fromClient) this.clientSeq = (this.clientSeq + advance) >>> 0;
    else this.serverSeq = (this.serverSeq + advance) >>> 0;
  }

  /** SYN, SYN/ACK, ACK (RFC 9293 §3.5). */
  open(tsUs: number): void {
    this.emit(true, FLAG.SYN, new Uint8Array(0), tsUs);
    this.emit(false, FLAG.SYN | FLAG.ACK, new Uint8Array(0), tsUs);
    this.emit(true, FLAG.ACK, new Uint8Array(0), tsUs);
  }

  /** Bytes one side sent, as PSH/ACK segments of at most MAX_SEGMENT_PAYLOAD. */
  data(fromClient: boolean, bytes: Uint8Array, tsUs: number): void {
    if (this.finished) return;
    for (let off = 0; off < bytes.length; off += MAX_SEGMENT_PAYLOAD) this.emit(fromClient, FLAG.PSH | FLAG.ACK, bytes.subarray(off, off + MAX_SEGMENT_PAYLOAD), tsUs);
  }

  /** FIN/ACK from the side that closed first, FIN/ACK back, the last ACK. */
  close(fromClient: boolean, tsUs: number): void {
    if (this.finished) return;
    this.finished = true;
    this.emit(fromClient, FLAG.FIN | FLAG.ACK, new Uint8Array(0), tsUs);
    this.emit(!fromClient, FLAG.FIN | FLAG.ACK, new Uint8Array(0), tsUs);
    this.emit(fromClient, FLAG.ACK, new Uint8Array(0), tsUs);
  }
}

/** Where frames go: bounded. */
export class FrameSink {
  readonly frames: RecordedFrame[] = [];
  dropped = 0;
  constructor(private readonly max = MAX_RECORDED_FRAMES) {}
  push(f: RecordedFrame): void {
    if (this.frames.length < this.max) this.frames.push(f);
    else this.dropped++;
  }
}

const utf8 = new TextEncoder();

/** Options (§3.5): code, length, value padded to 32 bits; then opt_endofopt. */
function options(list: Array<[number, Uint8Array]>): number[] {
  const out: number[] = [];
  const u16 = (n: number) => out.push(n & 0xff, n >> 8);
  for (const [code, value] of list) {
    u16(code);
    u16(value.length);
    out.push(...value, ...new Array((4 - (value.length % 4)) % 4).fill(0));
  }
  if (list.length) out.push(0, 0, 0, 0);
  return out;
}

/** One block (§3.1): type, total length, body padded to 32 bits, total length again; little-endian. */
function block(type: number, body: number[]): number[] {
  const padded = [...body, ...new Array((4 - (body.length % 4)) % 4).fill(0)];
  const len = 12 + padded.length;
  const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  return [...u32(type), ...u32(len), ...padded, ...u32(len)];
}

/**
 * The whole file: a Section Header Block with `comment`, one raw-IPv4 interface named `interfaceName`, and an
 * Enhanced Packet Block per frame (microsecond timestamps, the if_tsresol default).
 */
export function encodePcapng(frames: readonly RecordedFrame[], meta: { comment: string; interfaceName: string }): Uint8Array {
  const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  const parts: number[][] = [];
  // §4.1: byte-order magic 0x1A2B3C4D, version 1.0, section length -1 (not given).
  parts.push(block(0x0a0d0d0a, [...u32(0x1a2b3c4d), 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...options([[1, utf8.encode(meta.comment)]])]));
  // §4.2: link type, reserved, snap length 0 (no limit), if_name (2).
  parts.push(block(1, [LINKTYPE_RAW & 0xff, LINKTYPE_RAW >> 8, 0, 0, ...u32(0), ...options([[2, utf8.encode(meta.interfaceName)]])]));
  const chunks: Uint8Array[] = parts.map((p) => Uint8Array.from(p));
  for (const f of frames) {
    const high = Math.floor(f.timestampUs / 2 ** 32);
    const low = f.timestampUs >>> 0;
    // §4.3: interface 0, timestamp high and low, captured and original length, the packet.
    const head = [...u32(0), ...u32(high), ...u32(low), ...u32(f.data.length), ...u32(f.data.length)];
    const pad = (4 - (f.data.length % 4)) % 4;
    const len = 12 + head.length + f.data.length + pad;
    const b = new Uint8Array(len);
    b.set(u32(6), 0);
    b.set(u32(len), 4);
    b.set(head, 8);
    b.set(f.data, 8 + head.length);
    b.set(u32(len), len - 4);
    chunks.push(b);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
