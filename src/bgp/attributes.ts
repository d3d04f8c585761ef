/**
 * BGP path attributes (RFC 4271 §4.3, §5): decoding and encoding. One table maps each type code to its decoder, so a
 * new attribute is a row, not a branch. Unknown attributes are kept as type, flags and length (never their bytes).
 *
 * The same decoder reads an UPDATE on a session (2- or 4-byte AS_PATH per the negotiated capability, RFC 6793 §4) and
 * a TABLE_DUMP_V2 RIB entry (always 4-byte AS_PATH, and an abbreviated MP_REACH_NLRI, RFC 6396 §4.3.4).
 */
import { MitmError } from '../errors.js';
import { BGP_LIMITS } from './limits.js';
import { formatAddress, readNlriPrefix, writeNlriPrefix, type Afi, type Prefix } from './prefix.js';

/** RFC 4271 §4.3 type codes, plus the ones this wing reads from later RFCs. */
export const ATTR = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8, // RFC 1997
  ORIGINATOR_ID: 9, // RFC 4456
  CLUSTER_LIST: 10, // RFC 4456
  MP_REACH_NLRI: 14, // RFC 4760 §3
  MP_UNREACH_NLRI: 15, // RFC 4760 §4
  AS4_PATH: 17, // RFC 6793 §3
  AS4_AGGREGATOR: 18, // RFC 6793 §3
  LARGE_COMMUNITIES: 32, // RFC 8092
} as const;

/** RFC 4271 §4.3 attribute flags. */
export const FLAG = { OPTIONAL: 0x80, TRANSITIVE: 0x40, PARTIAL: 0x20, EXTENDED_LENGTH: 0x10 } as const;

export const ORIGINS = ['IGP', 'EGP', 'INCOMPLETE'] as const;
export type Origin = (typeof ORIGINS)[number];

/** AS_PATH segment types: RFC 4271 §4.3 (1 set, 2 sequence), RFC 5065 §3 (3 confed sequence, 4 confed set). */
export const SEGMENT_TYPES = { 1: 'set', 2: 'sequence', 3: 'confed-sequence', 4: 'confed-set' } as const;
export type SegmentType = (typeof SEGMENT_TYPES)[keyof typeof SEGMENT_TYPES];
const SEGMENT_CODE: Record<SegmentType, number> = { set: 1, sequence: 2, 'confed-sequence': 3, 'confed-set': 4 };

export interface AsPathSegment {
  type: SegmentType;
  asns: number[];
}

/** RFC 4760 address family and subsequent family numbers this wing decodes NLRI for. */
export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const SAFI_UNICAST = 1;
export const SAFI_MULTICAST = 2;

export function afiOf(afiNumber: number, context: string): Afi {
  if (afiNumber === AFI_IPV4) return 4;
  if (afiNumber === AFI_IPV6) return 6;
  throw new MitmError('MG_ERR_UNSUPPORTED', `${context}: address family ${afiNumber} is not IPv4 or IPv6`, { details: { afi: afiNumber } });
}

/** One NLRI: a prefix and, with ADD-PATH (RFC 7911 §3), its path identifier. */
export interface Nlri {
  prefix: Prefix;
  pathId?: number;
}

export interface MpReach {
  afi: number;
  safi: number;
  /** One global next hop, or global then link-local for IPv6 (RFC 2545 §3). */
  nextHops: string[];
  nlri: Nlri[];
}

export interface MpUnreach {
  afi: number;
  safi: number;
  withdrawn: Nlri[];
}

export interface PathAttributes {
  origin?: Origin;
  /** The AS_PATH, with 2-byte paths merged with AS4_PATH (RFC 6793 §4.2.3) when one was sent. */
  asPath?: AsPathSegment[];
  as4Path?: AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: { asn: number; address: string };
  as4Aggregator?: { asn: number; address: string };
  /** RFC 1997 communities as 32-bit values (high 16 bits the AS). */
  communities?: number[];
  /** RFC 8092 large communities: global administrator, local data 1, local data 2. */
  largeCommunities?: Array<[number, number, number]>;
  originatorId?: string;
  clusterList?: string[];
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  /** Attributes this wing does not decode: kept by code, flags and length only. */
  unknown?: Array<{ type: number; flags: number; length: number }>;
}

export interface AttributeContext {
  /** AS numbers in AS_PATH and AGGREGATOR are 4 bytes (RFC 6793: both sides have the capability, or an MRT RIB entry). */
  as4: boolean;
  /** ADD-PATH receive negotiated for this AFI/SAFI (RFC 7911): NLRI carry a 4-byte path id. */
  addPath?: (afi: number, safi: number) => boolean;
  /** TABLE_DUMP_V2 RIB entry: MP_REACH_NLRI holds only the next-hop length and next hop (RFC 6396 §4.3.4). */
  ribEntry?: boolean;
  context?: string;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

function malformed(ctx: AttributeContext, what: string, details?: Record<string, unknown>): MitmError {
  return new MitmError('MG_ERR_MALFORMED', `${ctx.context ?? 'path attributes'}: ${what}`, details ? { details } : {});
}

/** Decode NLRI from b[off, end) (RFC 4271 §4.3; with ADD-PATH, RFC 7911 §3: a 4-byte path id before each). */
export function decodeNlri(b: Uint8Array, off: number, end: number, afi: Afi, addPath: boolean, out: Nlri[], context: string): void {
  while (off < end) {
    if (out.length >= BGP_LIMITS.maxNlri) throw new MitmError('MG_ERR_TOO_LARGE', `${context}: more than ${BGP_LIMITS.maxNlri} NLRI`);
    let pathId: number | undefined;
    if (addPath) {
      if (off + 4 > end) throw new MitmError('MG_ERR_TRUNCATED', `${context}: path identifier cut short`);
      pathId = u32(b, off);
      off += 4;
    }
    const { prefix, next } = readNlriPrefix(b, off, end, afi, context);
    out.push(pathId === undefined ? { prefix } : { prefix, pathId });
    off = next;
  }
}

function decodePath(b: Uint8Array, off: number, end: number, asnBytes: 2 | 4, ctx: AttributeContext): AsPathSegment[] {
  const segments: AsPathSegment[] = [];
  let total = 0;
  while (off < end) {
    if (off + 2 > end) throw malformed(ctx, 'AS_PATH segment header cut short');
    const type = SEGMENT_TYPES[b[off] as keyof typeof SEGMENT_TYPES];
    if (!type) throw malformed(ctx, `AS_PATH segment type ${b[off]} unknown`, { segmentType: b[off] });
    const count = b[off + 1]!;
    off += 2;
    if (count === 0) throw malformed(ctx, 'AS_PATH segment of zero ASes');
    if (off + count * asnBytes > end) throw malformed(ctx, `AS_PATH segment of ${count} ASes overruns the attribute`);
    total += count;
    if (total > BGP_LIMITS.maxPathLength) throw new MitmError('MG_ERR_TOO_LARGE', `AS_PATH longer than ${BGP_LIMITS.maxPathLength} ASes`);
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++, off += asnBytes) asns[i] = asnBytes === 4 ? u32(b, off) : u16(b, off);
    segments.push({ type, asns });
  }
  return segments;
}

type Decoder = (a: PathAttributes, b: Uint8Array, off: number, len: number, ctx: AttributeContext) => void;

function fixedLength(n: number, name: string, f: Decoder): Decoder {
  return (a, b, off, len, ctx) => {
    if (len !== n) throw malformed(ctx, `${name} has length ${len}, expected ${n}`, { attribute: name, length: len });
    f(a, b, off, len, ctx);
  };
}

function decodeAggregator(b: Uint8Array, off: number, len: number, as4: boolean, ctx: AttributeContext): { asn: number; address: string } {
  const want = as4 ? 8 : 6;
  if (len !== want) throw malformed(ctx, `AGGREGATOR has length ${len}, expected ${want}`);
  return { asn: as4 ? u32(b, off) : u16(b, off), address: formatAddress(b.subarray(off + want - 4, off + want)) };
}

function decodeNextHops(b: Uint8Array, off: number, len: number, afi: number, ctx: AttributeContext): string[] {
  // RFC 4760 §3 next hop; RFC 2545 §3: IPv6 global (16) or global + link-local (32); RFC 5549 §3 IPv6 next hop for IPv4.
  if (len === 4 || len === 16) return [formatAddress(b.subarray(off, off + len))];
  if (len === 32) return [formatAddress(b.subarray(off, off + 16)), formatAddress(b.subarray(off + 16, off + 32))];
  if (len === 0) return [];
  throw malformed(ctx, `MP_REACH_NLRI next hop of ${len} bytes for AFI ${afi}`);
}

const DECODERS: Record<number, Decoder> = {
  [ATTR.ORIGIN]: fixedLength(1, 'ORIGIN', (a, b, off, _l, ctx) => {
    const o = ORIGINS[b[off]!];
    if (!o) throw malformed(ctx, `ORIGIN value ${b[off]} unknown`);
    a.origin = o;
  }),
  [ATTR.AS_PATH]: (a, b, off, len, ctx) => {
    a.asPath = decodePath(b, off, off + len, ctx.as4 ? 4 : 2, ctx);
  },
  [ATTR.AS4_PATH]: (a, b, off, len, ctx) => {
    a.as4Path = decodePath(b, off, off + len, 4, ctx);
  },
  [ATTR.NEXT_HOP]: fixedLength(4, 'NEXT_HOP', (a, b, off) => {
    a.nextHop = formatAddress(b.subarray(off, off + 4));
  }),
  [ATTR.MULTI_EXIT_DISC]: fixedLength(4, 'MULTI_EXIT_DISC', (a, b, off) => {
    a.med = u32(b, off);
  }),
  [ATTR.LOCAL_PREF]: fixedLength(4, 'LOCAL_PREF', (a, b, off) => {
    a.localPref = u32(b, off);
  }),
  [ATTR.ATOMIC_AGGREGATE]: fixedLength(0, 'ATOMIC_AGGREGATE', (a) => {
    a.atomicAggregate = true;
  }),
  [ATTR.AGGREGATOR]: (a, b, off, len, ctx) => {
    a.aggregator = decodeAggregator(b, off, len, ctx.as4, ctx);
  },
  [ATTR.AS4_AGGREGATOR]: (a, b, off, len, ctx) => {
    a.as4Aggregator = decodeAggregator(b, off, len, true, ctx);
  },
  [ATTR.COMMUNITIES]: (a, b, off, len, ctx) => {
    if (len % 4) throw malformed(ctx, `COMMUNITIES length ${len} is not a multiple of 4`);
    if (len / 4 > BGP_LIMITS.maxCommunities) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${BGP_LIMITS.maxCommunities} communities`);
    const c = new Array<number>(len / 4);
    for (let i = 0; i < c.length; i++) c[i] = u32(b, off + 4 * i);
    a.communities = c;
  },
  [ATTR.LARGE_COMMUNITIES]: (a, b, off, len, ctx) => {
    if (len % 12) throw malformed(ctx, `LARGE_COMMUNITY length ${len} is not a multiple of 12`);
    if (len / 12 > BGP_LIMITS.maxCommunities) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${BGP_LIMITS.maxCommunities} large communities`);
    const c: Array<[number, number, number]> = [];
    for (let o = off; o < off + len; o += 12) c.push([u32(b, o), u32(b, o + 4), u32(b, o + 8)]);
    a.largeCommunities = c;
  },
  [ATTR.ORIGINATOR_ID]: fixedLength(4, 'ORIGINATOR_ID', (a, b, off) => {
    a.originatorId = formatAddress(b.subarray(off, off + 4));
  }),
  [ATTR.CLUSTER_LIST]: (a, b, off, len, ctx) => {
    if (len % 4) throw malformed(ctx, `CLUSTER_LIST length ${len} is not a multiple of 4`);
    const ids: string[] = [];
    for (let o = off; o < off + len; o += 4) ids.push(formatAddress(b.subarray(o, o + 4)));
    a.clusterList = ids;
  },
  [ATTR.MP_REACH_NLRI]: (a, b, off, len, ctx) => {
    const end = off + len;
    if (ctx.ribEntry) {
      // RFC 6396 §4.3.4: only the next-hop length and the next hop; AFI/SAFI and NLRI are the RIB record's.
      if (len < 1 || 1 + b[off]! > len) throw malformed(ctx, 'abbreviated MP_REACH_NLRI next hop overruns the attribute');
      const nhLen = b[off]!;
      a.mpReach = { afi: nhLen === 4 ? AFI_IPV4 : AFI_IPV6, safi: SAFI_UNICAST, nextHops: decodeNextHops(b, off + 1, nhLen, 0, ctx), nlri: [] };
      return;
    }
    if (len < 5) throw malformed(ctx, `MP_REACH_NLRI of ${len} bytes`);
    const afiNum = u16(b, off);
    const safi = b[off + 2]!;
    const nhLen = b[off + 3]!;
    if (off + 4 + nhLen + 1 > end) throw malformed(ctx, 'MP_REACH_NLRI next hop overruns the attribute');
    const nextHops = decodeNextHops(b, off + 4, nhLen, afiNum, ctx);
    // RFC 4760 §3: one reserved octet follows the next hop.
    const nlriStart = off + 4 + nhLen + 1;
    const nlri: Nlri[] = [];
    if (safi === SAFI_UNICAST || safi === SAFI_MULTICAST) {
      decodeNlri(b, nlriStart, end, afiOf(afiNum, 'MP_REACH_NLRI'), ctx.addPath?.(afiNum, safi) ?? false, nlri, 'MP_REACH_NLRI');
    }
    a.mpReach = { afi: afiNum, safi, nextHops, nlri };
  },
  [ATTR.MP_UNREACH_NLRI]: (a, b, off, len, ctx) => {
    if (len < 3) throw malformed(ctx, `MP_UNREACH_NLRI of ${len} bytes`);
    const afiNum = u16(b, off);
    const safi = b[off + 2]!;
    const withdrawn: Nlri[] = [];
    if (safi === SAFI_UNICAST || safi === SAFI_MULTICAST) {
      decodeNlri(b, off + 3, off + len, afiOf(afiNum, 'MP_UNREACH_NLRI'), ctx.addPath?.(afiNum, safi) ?? false, withdrawn, 'MP_UNREACH_NLRI');
    }
    a.mpUnreach = { afi: afiNum, safi, withdrawn };
  },
};

/** RFC 4271 §5 (and the RFCs of later attributes): 0 well-known, 1 optional. */
const OPTIONAL_BIT: Record<number, 0 | 1> = {
  [ATTR.ORIGIN]: 0, [ATTR.AS_PATH]: 0, [ATTR.NEXT_HOP]: 0, [ATTR.LOCAL_PREF]: 0, [ATTR.ATOMIC_AGGREGATE]: 0,
  [ATTR.MULTI_EXIT_DISC]: 1, [ATTR.AGGREGATOR]: 1, [ATTR.COMMUNITIES]: 1, [ATTR.ORIGINATOR_ID]: 1, [ATTR.CLUSTER_LIST]: 1,
  [ATTR.MP_REACH_NLRI]: 1, [ATTR.MP_UNREACH_NLRI]: 1, [ATTR.AS4_PATH]: 1, [ATTR.AS4_AGGREGATOR]: 1, [ATTR.LARGE_COMMUNITIES]: 1,
};

/** Which attribute types the current decode has seen, stamped with a generation so nothing is cleared per call. */
const SEEN = new Uint32Array(256);
let generationCounter = 0;
function nextGeneration(): number {
  generationCounter = generationCounter >= 0xfffffffe ? 1 : generationCounter + 1;
  if (generationCounter === 1) SEEN.fill(0);
  return generationCounter;
}

/**
 * Decode the path attributes in b[off, end) (RFC 4271 §4.3). A repeated attribute is malformed (RFC 4271 §6.3);
 * lengths must fit; more than BGP_LIMITS.maxAttributes is refused.
 */
export function decodeAttributes(b: Uint8Array, off: number, end: number, ctx: AttributeContext): PathAttributes {
  const a: PathAttributes = {};
  const generation = nextGeneration();
  let count = 0;
  while (off < end) {
    if (++count > BGP_LIMITS.maxAttributes) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${BGP_LIMITS.maxAttributes} path attributes`);
    if (off + 3 > end) throw malformed(ctx, 'attribute header cut short', { offset: off });
    const flags = b[off]!;
    const type = b[off + 1]!;
    let len: number;
    if (flags & FLAG.EXTENDED_LENGTH) {
      if (off + 4 > end) throw malformed(ctx, 'extended attribute length cut short');
      len = u16(b, off + 2);
      off += 4;
    } else {
      len = b[off + 2]!;
      off += 3;
    }
    if (off + len > end) throw malformed(ctx, `attribute ${type} of ${len} bytes overruns the attributes`, { type, length: len });
    if (SEEN[type] === generation) throw malformed(ctx, `attribute ${type} appears twice`, { type });
    SEEN[type] = generation;
    const decode = DECODERS[type];
    // RFC 4271 §6.3: a known attribute whose Optional bit contradicts its category is an Attribute Flags Error.
    const optional = OPTIONAL_BIT[type];
    if (optional !== undefined && (flags & FLAG.OPTIONAL ? 1 : 0) !== optional) {
      throw new MitmError('MG_ERR_MALFORMED', `${ctx.context ?? 'path attributes'}: attribute ${type} flags 0x${flags.toString(16)} contradict its category`, { details: { type, flags, notifySubcode: 4 } });
    }
    if (decode) decode(a, b, off, len, ctx);
    else (a.unknown ??= []).push({ type, flags, length: len });
    off += len;
  }
  if (a.asPath && a.as4Path && !ctx.as4) a.asPath = mergeAs4Path(a.asPath, a.as4Path);
  if (a.aggregator && a.as4Aggregator && !ctx.as4 && a.aggregator.asn === AS_TRANS) a.aggregator = a.as4Aggregator;
  return a;
}

/** RFC 6793 §9: the 2-byte placeholder for a 4-byte AS. */
export const AS_TRANS = 23456;

function pathCount(segments: AsPathSegment[]): number {
  // RFC 4271 §9.1.2.2: an AS_SET counts as one, confederation segments not at all.
  let n = 0;
  for (const s of segments) n += s.type === 'sequence' ? s.asns.length : s.type === 'set' ? 1 : 0;
  return n;
}

/** RFC 6793 §4.2.3: keep the leading ASes of AS_PATH that AS4_PATH does not cover, then AS4_PATH. */
export function mergeAs4Path(asPath: AsPathSegment[], as4Path: AsPathSegment[]): AsPathSegment[] {
  const n = pathCount(asPath);
  const n4 = pathCount(as4Path);
  if (n < n4) return asPath; // RFC 6793 §4.2.3: ignore AS4_PATH
  let keep = n - n4;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (keep <= 0) break;
    if (s.type === 'sequence') {
      const take = Math.min(keep, s.asns.length);
      out.push({ type: 'sequence', asns: s.asns.slice(0, take) });
      keep -= take;
    } else {
      out.push(s);
      if (s.type === 'set') keep -= 1;
    }
  }
  return [...out, ...as4Path];
}

/** The ASes of a path in order, sets flattened in their order (what `bgpdump -m` prints without braces). */
export function flatPath(segments: readonly AsPathSegment[] | undefined): number[] {
  const out: number[] = [];
  for (const s of segments ?? []) for (const a of s.asns) out.push(a);
  return out;
}

/**
 * RFC 6811 §2: the origin AS is the last AS of the final AS_SEQUENCE; a path ending in an AS_SET (or empty) has no
 * single origin (`undefined`, "NONE"), which can only be NotFound or Invalid.
 */
export function originAs(segments: readonly AsPathSegment[] | undefined): number | undefined {
  if (!segments || segments.length === 0) return undefined;
  const last = segments[segments.length - 1]!;
  return last.type === 'sequence' ? last.asns[last.asns.length - 1] : undefined;
}

/** Text form of a path: sequences space-separated, sets in braces, confederations in parentheses. */
export function formatPath(segments: readonly AsPathSegment[] | undefined): string {
  const BRACKETS: Record<SegmentType, [string, string, string]> = {
    sequence: ['', '', ' '], set: ['{', '}', ','], 'confed-sequence': ['(', ')', ' '], 'confed-set': ['[', ']', ','],
  };
  return (segments ?? []).map((s) => {
    const [open, close, sep] = BRACKETS[s.type];
    return open + s.asns.join(sep) + close;
  }).join(' ');
}

export function formatCommunity(c: number): string {
  return `${c >>> 16}:${c & 0xffff}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding (for the collector's tests, the MRT writer and the benchmark's generated tables).

export interface EncodeOptions {
  as4: boolean;
  addPath?: (afi: number, safi: number) => boolean;
  /** Write MP_REACH_NLRI in the abbreviated RIB-entry form (RFC 6396 §4.3.4). */
  ribEntry?: boolean;
}

function pushU16(out: number[], v: number): void {
  out.push((v >>> 8) & 0xff, v & 0xff);
}
function pushU32(out: number[], v: number): void {
  out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function pushAttr(out: number[], flags: number, type: number, body: number[]): void {
  if (body.length > 255) {
    out.push(flags | FLAG.EXTENDED_LENGTH, type);
    pushU16(out, body.length);
  } else out.push(flags & ~FLAG.EXTENDED_LENGTH, type, body.length);
  for (const x of body) out.push(x);
}

function addressBytes(text: string): number[] {
  const parts = text.includes(':') ? ipv6Bytes(text) : text.split('.').map(Number);
  return parts;
}
function ipv6Bytes(text: string): number[] {
  const [l = '', r] = text.split('::');
  const left = l ? l.split(':') : [];
  const right = r ? r.split(':') : [];
  const groups = r === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out: number[] = [];
  for (const g of groups) pushU16(out, parseInt(g, 16));
  return out;
}

function encodePath(segments: AsPathSegment[], asnBytes: 2 | 4): number[] {
  const out: number[] = [];
  for (const s of segments) {
    out.push(SEGMENT_CODE[s.type], s.asns.length);
    for (const asn of s.asns) (asnBytes === 4 ? pushU32 : pushU16)(out, asnBytes === 2 && asn > 0xffff ? AS_TRANS : asn);
  }
  return out;
}

function encodeNlriList(nlri: Nlri[], addPath: boolean, out: number[]): void {
  for (const n of nlri) {
    if (addPath) pushU32(out, n.pathId ?? 0);
    writeNlriPrefix(n.prefix, out);
  }
}

/** Encode path attributes in type-code order (RFC 4271 §5 recommends ascending order). */
export function encodeAttributes(a: PathAttributes, opts: EncodeOptions): number[] {
  const out: number[] = [];
  const T = FLAG.TRANSITIVE;
  const OT = FLAG.OPTIONAL | FLAG.TRANSITIVE;
  if (a.origin) pushAttr(out, T, ATTR.ORIGIN, [ORIGINS.indexOf(a.origin)]);
  if (a.asPath) pushAttr(out, T, ATTR.AS_PATH, encodePath(a.asPath, opts.as4 ? 4 : 2));
  if (a.nextHop) pushAttr(out, T, ATTR.NEXT_HOP, addressBytes(a.nextHop));
  if (a.med !== undefined) { const b: number[] = []; pushU32(b, a.med); pushAttr(out, FLAG.OPTIONAL, ATTR.MULTI_EXIT_DISC, b); }
  if (a.localPref !== undefined) { const b: number[] = []; pushU32(b, a.localPref); pushAttr(out, T, ATTR.LOCAL_PREF, b); }
  if (a.atomicAggregate) pushAttr(out, T, ATTR.ATOMIC_AGGREGATE, []);
  if (a.aggregator) {
    const b: number[] = [];
    (opts.as4 ? pushU32 : pushU16)(b, a.aggregator.asn);
    b.push(...addressBytes(a.aggregator.address));
    pushAttr(out, OT, ATTR.AGGREGATOR, b);
  }
  if (a.communities) { const b: number[] = []; for (const c of a.communities) pushU32(b, c); pushAttr(out, OT, ATTR.COMMUNITIES, b); }
  if (a.mpReach) {
    const m = a.mpReach;
    const nh = m.nextHops.flatMap(addressBytes);
    const b: number[] = [];
    if (opts.ribEntry) {
      b.push(nh.length, ...nh);
    } else {
      pushU16(b, m.afi);
      b.push(m.safi, nh.length, ...nh, 0);
      encodeNlriList(m.nlri, opts.addPath?.(m.afi, m.safi) ?? false, b);
    }
    pushAttr(out, FLAG.OPTIONAL, ATTR.MP_REACH_NLRI, b);
  }
  if (a.mpUnreach) {
    const b: number[] = [];
    pushU16(b, a.mpUnreach.afi);
    b.push(a.mpUnreach.safi);
    encodeNlriList(a.mpUnreach.withdrawn, opts.addPath?.(a.mpUnreach.afi, a.mpUnreach.safi) ?? false, b);
    pushAttr(out, FLAG.OPTIONAL, ATTR.MP_UNREACH_NLRI, b);
  }
  if (a.as4Path) pushAttr(out, OT, ATTR.AS4_PATH, encodePath(a.as4Path, 4));
  if (a.largeCommunities) {
    const b: number[] = [];
    for (const [g, l1, l2] of a.largeCommunities) { pushU32(b, g); pushU32(b, l1); pushU32(b, l2); }
    pushAttr(out, OT, ATTR.LARGE_COMMUNITIES, b);
  }
  return out;
}

export { encodeNlriList, pushU16, pushU32, addressBytes };
