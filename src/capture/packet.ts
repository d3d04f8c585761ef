/**
 * Network and transport headers: ARP (RFC 826), IPv4 (RFC 791) with fragment reassembly (RFC 815), IPv6 (RFC 8200)
 * with its extension headers, ICMP (RFC 792), ICMPv6 and Neighbor Discovery (RFC 4443, RFC 4861, RFC 8106), UDP
 * (RFC 768) and TCP (RFC 9293). Every decoder reads only what the headers declare and fails with a MitmError.
 */
import { MitmError } from '../errors.js';
import { CAPTURE_LIMITS, type CaptureLimits } from './limits.js';
import { macAt } from './link.js';

export const IP_PROTOCOL = { ICMP: 1, TCP: 6, UDP: 17, IPV6_ICMP: 58, ESP: 50, AH: 51, GRE: 47 } as const;

function truncated(what: string, need: number, have: number): MitmError {
  return new MitmError('MG_ERR_TRUNCATED', `${what}: needs ${need} bytes, has ${have}`, { details: { needed: need, length: have } });
}

export function ipv4At(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** Sixteen bytes at `off` in RFC 5952 text form (longest run of zero groups compressed, lower case). */
export function ipv6At(b: Uint8Array, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // RFC 5952 §5: IPv4-mapped addresses keep their dotted tail.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return `::ffff:${ipv4At(b, off + 12)}`;
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export interface ArpPacket {
  operation: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

/** RFC 826 for Ethernet/IPv4 (htype 1, ptype 0x0800, 6/4-byte addresses); other ARP kinds are unsupported. */
export function decodeArp(d: Uint8Array): ArpPacket {
  if (d.length < 28) throw truncated('ARP packet', 28, d.length);
  const htype = (d[0]! << 8) | d[1]!;
  const ptype = (d[2]! << 8) | d[3]!;
  if (htype !== 1 || ptype !== 0x0800 || d[4] !== 6 || d[5] !== 4) {
    throw new MitmError('MG_ERR_UNSUPPORTED', `ARP for hardware ${htype} / protocol 0x${ptype.toString(16)}`, { details: { htype, ptype } });
  }
  return { operation: (d[6]! << 8) | d[7]!, senderMac: macAt(d, 8), senderIp: ipv4At(d, 14), targetMac: macAt(d, 18), targetIp: ipv4At(d, 24) };
}

export interface IpPacket {
  version: 4 | 6;
  src: string;
  dst: string;
  /** The upper-layer protocol after any IPv6 extension headers. */
  protocol: number;
  ttl: number;
  payload: Uint8Array;
  /** Set when this packet is one fragment of a larger datagram (offset in bytes). */
  fragment: { id: number; offset: number; more: boolean } | null;
}

/** RFC 791 §3.1. The payload is cut at the total length (Ethernet padding dropped). */
export function decodeIpv4(d: Uint8Array): IpPacket {
  if (d.length < 20) throw truncated('IPv4 header', 20, d.length);
  const version = d[0]! >> 4;
  const ihl = (d[0]! & 0x0f) * 4;
  if (version !== 4) throw new MitmError('MG_ERR_MALFORMED', `IPv4 header with version ${version}`, { details: { version } });
  if (ihl < 20) throw new MitmError('MG_ERR_MALFORMED', `IPv4 header length ${ihl}`, { details: { ihl } });
  const total = (d[2]! << 8) | d[3]!;
  if (total < ihl) throw new MitmError('MG_ERR_MALFORMED', `IPv4 total length ${total} below header length ${ihl}`, { details: { total, ihl } });
  // A TSO/GRO capture may carry total length 0 with a larger frame; otherwise the frame must hold what is declared.
  const end = total === 0 ? d.length : total;
  if (d.length < end) throw truncated('IPv4 datagram', end, d.length);
  const flags = (d[6]! << 8) | d[7]!;
  const offset = (flags & 0x1fff) * 8;
  const more = (flags & 0x2000) !== 0;
  return {
    version: 4,
    src: ipv4At(d, 12),
    dst: ipv4At(d, 16),
    protocol: d[9]!,
    ttl: d[8]!,
    payload: d.subarray(ihl, end),
    fragment: offset !== 0 || more ? { id: (d[4]! << 8) | d[5]!, offset, more } : null,
  };
}

/** Extension headers with the generic (next header, length in 8-octet units) layout (RFC 8200 §4). */
const EXTENSION_HEADERS = new Set([0, 43, 60, 135, 139, 140]);

/** RFC 8200 §3–4: the fixed header, then extension headers walked to the upper layer (bounded). */
export function decodeIpv6(d: Uint8Array): IpPacket {
  if (d.length < 40) throw truncated('IPv6 header', 40, d.length);
  const version = d[0]! >> 4;
  if (version !== 6) throw new MitmError('MG_ERR_MALFORMED', `IPv6 header with version ${version}`, { details: { version } });
  const payloadLength = (d[4]! << 8) | d[5]!;
  // Jumbograms (payload length 0, RFC 2675) take the rest of the frame.
  const end = payloadLength === 0 ? d.length : 40 + payloadLength;
  if (d.length < end) throw truncated('IPv6 packet', end, d.length);
  let next = d[6]!;
  let off = 40;
  let fragment: IpPacket['fragment'] = null;
  for (let n = 0; ; n++) {
    if (n > CAPTURE_LIMITS.maxIpv6ExtensionHeaders) {
      throw new MitmError('MG_ERR_TOO_LARGE', `more than ${CAPTURE_LIMITS.maxIpv6ExtensionHeaders} IPv6 extension headers`, { details: { limit: CAPTURE_LIMITS.maxIpv6ExtensionHeaders } });
    }
    if (EXTENSION_HEADERS.has(next)) {
      if (end - off < 8) throw truncated('IPv6 extension header', 8, end - off);
      const len = (d[off + 1]! + 1) * 8;
      if (end - off < len) throw truncated('IPv6 extension header', len, end - off);
      next = d[off]!;
      off += len;
    } else if (next === 44) {
      // §4.5 Fragment header: next header, reserved, offset/flags, identification.
      if (end - off < 8) throw truncated('IPv6 fragment header', 8, end - off);
      const fo = (d[off + 2]! << 8) | d[off + 3]!;
      fragment = { id: ((d[off + 4]! << 24) >>> 0) + ((d[off + 5]! << 16) | (d[off + 6]! << 8) | d[off + 7]!), offset: fo & 0xfff8, more: (fo & 1) !== 0 };
      next = d[off]!;
      off += 8;
      if (fragment.offset !== 0) break;
    } else if (next === IP_PROTOCOL.AH) {
      // RFC 4302 §2.2: AH length is in 4-octet units, minus 2.
      if (end - off < 8) throw truncated('IPv6 AH header', 8, end - off);
      const len = (d[off + 1]! + 2) * 4;
      next = d[off]!;
      off += len;
    } else break;
  }
  if (off > end) throw truncated('IPv6 extension headers', off, end);
  return { version: 6, src: ipv6At(d, 8), dst: ipv6At(d, 24), protocol: next, ttl: d[7]!, payload: d.subarray(off, end), fragment };
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

export function decodeUdp(d: Uint8Array): UdpDatagram {
  if (d.length < 8) throw truncated('UDP header', 8, d.length);
  const length = (d[4]! << 8) | d[5]!;
  if (length !== 0 && length < 8) throw new MitmError('MG_ERR_MALFORMED', `UDP length ${length}`, { details: { length } });
  const end = length === 0 ? d.length : Math.min(length, d.length);
  return { srcPort: (d[0]! << 8) | d[1]!, dstPort: (d[2]! << 8) | d[3]!, payload: d.subarray(8, end) };
}

export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}

/** RFC 9293 §3.1. */
export function decodeTcp(d: Uint8Array): TcpSegment {
  if (d.length < 20) throw truncated('TCP header', 20, d.length);
  const dataOffset = (d[12]! >> 4) * 4;
  if (dataOffset < 20) throw new MitmError('MG_ERR_MALFORMED', `TCP data offset ${dataOffset}`, { details: { dataOffset } });
  if (d.length < dataOffset) throw truncated('TCP header with options', dataOffset, d.length);
  return {
    srcPort: (d[0]! << 8) | d[1]!,
    dstPort: (d[2]! << 8) | d[3]!,
    seq: ((d[4]! << 24) >>> 0) + ((d[5]! << 16) | (d[6]! << 8) | d[7]!),
    ack: ((d[8]! << 24) >>> 0) + ((d[9]! << 16) | (d[10]! << 8) | d[11]!),
    flags: d[13]!,
    payload: d.subarray(dataOffset),
  };
}

export interface IcmpRedirect {
  /** The router the sender is told to use instead. */
  gateway: string;
  /** The destination the redirect is about. */
  destination: string;
}

/** RFC 792: ICMP type 5 (redirect) carries the new gateway and the start of the original datagram. */
export function decodeIcmpRedirect(d: Uint8Array): IcmpRedirect | null {
  if (d.length < 8 || d[0] !== 5) return null;
  if (d.length < 28) throw truncated('ICMP redirect', 28, d.length);
  return { gateway: ipv4At(d, 4), destination: ipv4At(d, 8 + 16) };
}

export type NdMessage =
  | {
      type: 'router-advertisement';
      hopLimit: number;
      managed: boolean;
      other: boolean;
      /** Router lifetime in seconds; 0 says "not a default router". */
      lifetime: number;
      sourceMac: string | null;
      prefixes: string[];
      rdnss: string[];
      dnssl: string[];
    }
  | { type: 'router-solicitation' }
  | { type: 'neighbor-solicitation'; target: string; sourceMac: string | null }
  | { type: 'neighbor-advertisement'; target: string; router: boolean; solicited: boolean; override: boolean; targetMac: string | null }
  | { type: 'redirect'; target: string; destination: string };

/** RFC 4861 §4.6: options are type, length in 8-octet units (never 0), value. */
function ndOptions(d: Uint8Array, start: number, each: (type: number, body: Uint8Array) => void): void {
  let off = start;
  while (off + 2 <= d.length) {
    const len = d[off + 1]! * 8;
    if (len === 0) throw new MitmError('MG_ERR_MALFORMED', 'ND option of length 0 (RFC 4861 §4.6)', { details: { offset: off } });
    if (off + len > d.length) throw truncated('ND option', len, d.length - off);
    each(d[off]!, d.subarray(off, off + len));
    off += len;
  }
}

/** DNSSL (RFC 8106 §5.2) domain names: uncompressed labels, padded with zeros. */
function dnsslNames(b: Uint8Array): string[] {
  const names: string[] = [];
  let off = 8;
  let labels: string[] = [];
  while (off < b.length) {
    const len = b[off]!;
    off++;
    if (len === 0) {
      if (labels.length) names.push(labels.join('.'));
      labels = [];
      continue;
    }
    if (len > 63 || off + len > b.length) throw new MitmError('MG_ERR_MALFORMED', 'DNSSL label runs past its option', { details: { length: len } });
    labels.push(String.fromCharCode(...b.subarray(off, off + len)));
    off += len;
  }
  return names;
}

/** ICMPv6 Neighbor Discovery messages (RFC 4861 §4); other ICMPv6 types give null. */
export function decodeNd(d: Uint8Array): NdMessage | null {
  if (d.length < 4) throw truncated('ICMPv6 header', 4, d.length);
  const type = d[0]!;
  const need = (n: number, what: string) => {
    if (d.length < n) throw truncated(what, n, d.length);
  };
  switch (type) {
    case 133:
      return { type: 'router-solicitation' };
    case 134: {
      need(16, 'router advertisement');
      const ra: Extract<NdMessage, { type: 'router-advertisement' }> = {
        type: 'router-advertisement',
        hopLimit: d[4]!,
        managed: (d[5]! & 0x80) !== 0,
        other: (d[5]! & 0x40) !== 0,
        lifetime: (d[6]! << 8) | d[7]!,
        sourceMac: null,
        prefixes: [],
        rdnss: [],
        dnssl: [],
      };
      ndOptions(d, 16, (t, b) => {
        if (t === 1 && b.length >= 8) ra.sourceMac = macAt(b, 2);
        // §4.6.2 Prefix Information: prefix length at 2, prefix at 16.
        if (t === 3 && b.length >= 32) ra.prefixes.push(`${ipv6At(b, 16)}/${b[2]}`);
        // RFC 8106 §5.1 RDNSS: addresses from offset 8.
        if (t === 25) for (let o = 8; o + 16 <= b.length; o += 16) ra.rdnss.push(ipv6At(b, o));
        if (t === 31) ra.dnssl.push(...dnsslNames(b));
      });
      return ra;
    }
    case 135: {
      need(24, 'neighbor solicitation');
      let sourceMac: string | null = null;
      ndOptions(d, 24, (t, b) => {
        if (t === 1 && b.length >= 8) sourceMac = macAt(b, 2);
      });
      return { type: 'neighbor-solicitation', target: ipv6At(d, 8), sourceMac };
    }
    case 136: {
      need(24, 'neighbor advertisement');
      let targetMac: string | null = null;
      ndOptions(d, 24, (t, b) => {
        if (t === 2 && b.length >= 8) targetMac = macAt(b, 2);
      });
      const f = d[4]!;
      return { type: 'neighbor-advertisement', target: ipv6At(d, 8), router: (f & 0x80) !== 0, solicited: (f & 0x40) !== 0, override: (f & 0x20) !== 0, targetMac };
    }
    case 137:
      need(40, 'redirect');
      return { type: 'redirect', target: ipv6At(d, 8), destination: ipv6At(d, 24) };
    default:
      return null;
  }
}

interface FragmentSet {
  firstUs: number;
  pieces: Array<{ offset: number; data: Uint8Array }>;
  /** Total length, known once the last fragment (more = false) arrived. */
  total: number | null;
  held: number;
}

/**
 * Fragment reassembly, bounded (RFC 815 in spirit): datagrams keyed by (src, dst, protocol, id), at most
 * `maxFragmentSets` at once, `maxFragmentsPerDatagram` pieces each, dropped `fragmentTimeoutUs` after their first
 * fragment (packet time). Overlapping pieces are rejected — the classic IDS evasion — with MG_ERR_MALFORMED.
 */
export class FragmentReassembler {
  private readonly sets = new Map<string, FragmentSet>();
  /** Datagrams given up (timeout or table full). */
  expired = 0;

  constructor(private readonly limits: CaptureLimits = { ...CAPTURE_LIMITS }) {}

  get pending(): number {
    return this.sets.size;
  }

  /** Add a fragment; returns the whole datagram's payload once every piece is in, else null. */
  add(p: IpPacket, timestampUs: number): Uint8Array | null {
    const f = p.fragment!;
    this.expire(timestampUs);
    const key = `${p.version}|${p.src}|${p.dst}|${p.protocol}|${f.id}`;
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= this.limits.maxFragmentSets) {
        const oldest = this.sets.keys().next().value as string;
        this.sets.delete(oldest);
        this.expired++;
      }
      set = { firstUs: timestampUs, pieces: [], total: null, held: 0 };
      this.sets.set(key, set);
    }
    if (set.pieces.length >= this.limits.maxFragmentsPerDatagram) {
      this.sets.delete(key);
      throw new MitmError('MG_ERR_TOO_LARGE', `more than ${this.limits.maxFragmentsPerDatagram} fragments for one datagram`, { details: { limit: this.limits.maxFragmentsPerDatagram } });
    }
    const end = f.offset + p.payload.length;
    if (end > 65_535) throw new MitmError('MG_ERR_TOO_LARGE', `fragment ends at ${end}, past the 65535-byte datagram limit`, { details: { end } });
    for (const piece of set.pieces) {
      if (f.offset < piece.offset + piece.data.length && piece.offset < end) {
        this.sets.delete(key);
        throw new MitmError('MG_ERR_MALFORMED', `overlapping IP fragments at offset ${f.offset}`, { details: { offset: f.offset } });
      }
    }
    set.pieces.push({ offset: f.offset, data: p.payload.slice() });
    set.held += p.payload.length;
    if (!f.more) set.total = end;
    if (set.total === null || set.held !== set.total) return null;
    const out = new Uint8Array(set.total);
    for (const piece of set.pieces) out.set(piece.data, piece.offset);
    this.sets.delete(key);
    return out;
  }

  private expire(nowUs: number): void {
    for (const [key, set] of this.sets) {
      if (nowUs - set.firstUs <= this.limits.fragmentTimeoutUs) break;
      this.sets.delete(key);
      this.expired++;
    }
  }
}
