/**
 * MRT (RFC 6396) as a sans-IO codec: a splitter that cuts a byte stream into records whatever the chunking, and a
 * decoder that turns each record into typed data — TABLE_DUMP_V2 (PEER_INDEX_TABLE, RIB_IPV4/IPV6_UNICAST and the
 * RFC 8050 ADD-PATH variants) and BGP4MP / BGP4MP_ET (MESSAGE, MESSAGE_AS4, the LOCAL and ADD-PATH variants,
 * STATE_CHANGE and STATE_CHANGE_AS4). Records of other types are reported as skipped, never guessed at.
 */
import { MitmError } from '../errors.js';
import { BGP_LIMITS } from './limits.js';
import { AFI_IPV4, AFI_IPV6, afiOf, decodeAttributes, type PathAttributes } from './attributes.js';
import { decodeMessage, type BgpMessage } from './message.js';
import { formatAddress, formatIpv4, readNlriPrefix, type Prefix } from './prefix.js';

/** RFC 6396 §4 types (and RFC 8050 subtypes). */
export const MRT_TYPE = { TABLE_DUMP: 12, TABLE_DUMP_V2: 13, BGP4MP: 16, BGP4MP_ET: 17 } as const;
export const TABLE_DUMP_V2_SUBTYPE = {
  PEER_INDEX_TABLE: 1, RIB_IPV4_UNICAST: 2, RIB_IPV4_MULTICAST: 3, RIB_IPV6_UNICAST: 4, RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6, RIB_IPV4_UNICAST_ADDPATH: 8, RIB_IPV4_MULTICAST_ADDPATH: 9, RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11, RIB_GENERIC_ADDPATH: 12,
} as const;
export const BGP4MP_SUBTYPE = {
  STATE_CHANGE: 0, MESSAGE: 1, MESSAGE_AS4: 4, STATE_CHANGE_AS4: 5, MESSAGE_LOCAL: 6, MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8, MESSAGE_AS4_ADDPATH: 9, MESSAGE_LOCAL_ADDPATH: 10, MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const;

/** RFC 6396 §4.4.1 BGP FSM states (RFC 4271 §8.2.2). */
export const BGP_STATES = ['', 'Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const;

/** RFC 6396 §2: timestamp, type, subtype, length. */
export const MRT_HEADER_LENGTH = 12;

export interface MrtHeader {
  /** Seconds since the epoch. */
  timestamp: number;
  /** Microseconds, from the _ET types (RFC 6396 §3); 0 otherwise. */
  microseconds: number;
  type: number;
  subtype: number;
  length: number;
}

export interface PeerEntry {
  bgpId: string;
  address: string;
  asn: number;
}

export interface PeerIndexTable {
  kind: 'peer-index-table';
  collectorId: string;
  viewName: string;
  peers: PeerEntry[];
}

export interface RibEntry {
  peerIndex: number;
  /** The peer, looked up in the PEER_INDEX_TABLE. */
  peer: PeerEntry;
  originatedTime: number;
  pathId?: number;
  attributes: PathAttributes;
}

export interface RibRecord {
  kind: 'rib';
  sequence: number;
  prefix: Prefix;
  addPath: boolean;
  entries: RibEntry[];
}

export interface Bgp4mpMessageRecord {
  kind: 'bgp4mp-message';
  peerAs: number;
  localAs: number;
  interfaceIndex: number;
  peerAddress: string;
  localAddress: string;
  as4: boolean;
  addPath: boolean;
  /** MESSAGE_LOCAL: a message the local speaker sent, not one it received. */
  local: boolean;
  message: BgpMessage;
}

export interface Bgp4mpStateRecord {
  kind: 'bgp4mp-state';
  peerAs: number;
  localAs: number;
  interfaceIndex: number;
  peerAddress: string;
  localAddress: string;
  oldState: number;
  newState: number;
}

export interface SkippedRecord {
  kind: 'skipped';
  reason: string;
}

export type MrtBody = PeerIndexTable | RibRecord | Bgp4mpMessageRecord | Bgp4mpStateRecord | SkippedRecord;
export interface MrtRecord {
  header: MrtHeader;
  body: MrtBody;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

/**
 * Cuts a stream of MRT bytes into whole records, whatever the chunk boundaries. Holds at most one record (bounded by
 * BGP_LIMITS.maxMrtRecord) plus a chunk. `push` returns the complete records; `end` fails when bytes are left over.
 */
export class MrtSplitter {
  private buf: Uint8Array = new Uint8Array(0);
  private offset = 0;
  /** Bytes consumed before the current buffer: where a record starts in the file, for error messages. */
  private consumed = 0;

  constructor(private readonly maxRecord: number = BGP_LIMITS.maxMrtRecord) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const left = this.buf.length - this.offset;
    if (left === 0) this.buf = chunk;
    else {
      const merged = new Uint8Array(left + chunk.length);
      merged.set(this.buf.subarray(this.offset), 0);
      merged.set(chunk, left);
      this.buf = merged;
    }
    this.consumed += this.offset;
    this.offset = 0;
    const out: Uint8Array[] = [];
    const b = this.buf;
    while (b.length - this.offset >= MRT_HEADER_LENGTH) {
      const type = u16(b, this.offset + 4);
      const len = u32(b, this.offset + 8);
      if (len > this.maxRecord) {
        throw new MitmError('MG_ERR_TOO_LARGE', `MRT record at byte ${this.consumed + this.offset} declares ${len} bytes, above the limit of ${this.maxRecord}`, {
          details: { offset: this.consumed + this.offset, length: len, limit: this.maxRecord, type },
        });
      }
      const total = MRT_HEADER_LENGTH + len;
      if (b.length - this.offset < total) break;
      out.push(b.subarray(this.offset, this.offset + total));
      this.offset += total;
    }
    return out;
  }

  /** The offset in the stream of the next record (after everything returned so far). */
  get position(): number {
    return this.consumed + this.offset;
  }

  end(): void {
    const left = this.buf.length - this.offset;
    if (left > 0) {
      throw new MitmError('MG_ERR_TRUNCATED', `MRT input ends inside a record: ${left} bytes after offset ${this.position}`, {
        details: { offset: this.position, trailing: left },
      });
    }
  }
}

/** What decoding needs from earlier records: the PEER_INDEX_TABLE a RIB entry's peer index points into. */
export interface MrtContext {
  peerIndex?: PeerIndexTable;
}

export function decodeMrtHeader(b: Uint8Array): MrtHeader {
  if (b.length < MRT_HEADER_LENGTH) throw new MitmError('MG_ERR_TRUNCATED', `MRT header of ${b.length} bytes`);
  const length = u32(b, 8);
  if (length !== b.length - MRT_HEADER_LENGTH) {
    throw new MitmError('MG_ERR_MALFORMED', `MRT record length ${length} but ${b.length - MRT_HEADER_LENGTH} bytes given`);
  }
  const type = u16(b, 4);
  let microseconds = 0;
  if (type === MRT_TYPE.BGP4MP_ET) {
    if (length < 4) throw new MitmError('MG_ERR_TRUNCATED', 'BGP4MP_ET record without its microsecond field');
    microseconds = u32(b, 12);
    if (microseconds > 999_999) throw new MitmError('MG_ERR_MALFORMED', `BGP4MP_ET microseconds ${microseconds} out of range`);
  }
  return { timestamp: u32(b, 0), microseconds, type, subtype: u16(b, 6), length };
}

/** Decode one whole MRT record (as MrtSplitter returns it). Updates `ctx.peerIndex` on a PEER_INDEX_TABLE. */
export function decodeMrtRecord(b: Uint8Array, ctx: MrtContext): MrtRecord {
  const header = decodeMrtHeader(b);
  const start = MRT_HEADER_LENGTH + (header.type === MRT_TYPE.BGP4MP_ET ? 4 : 0);
  const decoder = TYPE_DECODERS[header.type];
  const body = decoder ? decoder(b, start, header, ctx) : { kind: 'skipped' as const, reason: `MRT type ${header.type}` };
  return { header, body };
}

type BodyDecoder = (b: Uint8Array, off: number, h: MrtHeader, ctx: MrtContext) => MrtBody;

function truncated(what: string): MitmError {
  return new MitmError('MG_ERR_TRUNCATED', `MRT ${what} cut short`);
}

function decodePeerIndexTable(b: Uint8Array, off: number): PeerIndexTable {
  // RFC 6396 §4.3.1: Collector BGP ID, View Name Length, View Name, Peer Count, Peer Entries.
  const end = b.length;
  if (off + 6 > end) throw truncated('PEER_INDEX_TABLE');
  const collectorId = formatIpv4(b, off);
  const nameLen = u16(b, off + 4);
  let p = off + 6;
  if (p + nameLen + 2 > end) throw truncated('PEER_INDEX_TABLE view name');
  const viewName = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(p, p + nameLen));
  p += nameLen;
  const count = u16(b, p);
  p += 2;
  const peers: PeerEntry[] = [];
  for (let i = 0; i < count; i++) {
    // Peer Type bit 0: IPv6 address; bit 1: 4-byte AS (RFC 6396 §4.3.1).
    if (p + 1 > end) throw truncated('PEER_INDEX_TABLE peer entry');
    const type = b[p]!;
    const addrLen = type & 1 ? 16 : 4;
    const asLen = type & 2 ? 4 : 2;
    if (p + 1 + 4 + addrLen + asLen > end) throw truncated('PEER_INDEX_TABLE peer entry');
    const bgpId = formatIpv4(b, p + 1);
    const address = formatAddress(b.subarray(p + 5, p + 5 + addrLen));
    const asn = asLen === 4 ? u32(b, p + 5 + addrLen) : u16(b, p + 5 + addrLen);
    peers.push({ bgpId, address, asn });
    p += 1 + 4 + addrLen + asLen;
  }
  if (p !== end) throw new MitmError('MG_ERR_MALFORMED', `PEER_INDEX_TABLE has ${end - p} trailing bytes`);
  return { kind: 'peer-index-table', collectorId, viewName, peers };
}

const RIB_SUBTYPES: Record<number, { afi: 4 | 6; addPath: boolean }> = {
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST]: { afi: 4, addPath: false },
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_MULTICAST]: { afi: 4, addPath: false },
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST]: { afi: 6, addPath: false },
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_MULTICAST]: { afi: 6, addPath: false },
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST_ADDPATH]: { afi: 4, addPath: true },
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_MULTICAST_ADDPATH]: { afi: 4, addPath: true },
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST_ADDPATH]: { afi: 6, addPath: true },
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_MULTICAST_ADDPATH]: { afi: 6, addPath: true },
};

function decodeRib(b: Uint8Array, off: number, subtype: number, ctx: MrtContext): RibRecord {
  const shape = RIB_SUBTYPES[subtype]!;
  const table = ctx.peerIndex;
  if (!table) throw new MitmError('MG_ERR_MALFORMED', 'MRT RIB record before any PEER_INDEX_TABLE');
  // RFC 6396 §4.3.2: Sequence Number, Prefix Length, Prefix, Entry Count, RIB Entries.
  const end = b.length;
  if (off + 5 > end) throw truncated('RIB record');
  const sequence = u32(b, off);
  const { prefix, next } = readNlriPrefix(b, off + 4, end, shape.afi, 'MRT RIB prefix');
  let p = next;
  if (p + 2 > end) throw truncated('RIB entry count');
  const count = u16(b, p);
  p += 2;
  const entries: RibEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    // RFC 6396 §4.3.4: Peer Index, Originated Time, [Path Identifier, RFC 8050 §4], Attribute Length, Attributes.
    const hdr = shape.addPath ? 12 : 8;
    if (p + hdr > end) throw truncated('RIB entry');
    const peerIndex = u16(b, p);
    const peer = table.peers[peerIndex];
    if (!peer) throw new MitmError('MG_ERR_MALFORMED', `RIB entry names peer ${peerIndex} of ${table.peers.length}`, { details: { peerIndex } });
    const originatedTime = u32(b, p + 2);
    const pathId = shape.addPath ? u32(b, p + 6) : undefined;
    const alen = u16(b, p + hdr - 2);
    p += hdr;
    if (p + alen > end) throw truncated('RIB entry attributes');
    const attributes = decodeAttributes(b, p, p + alen, { as4: true, ribEntry: true, context: 'MRT RIB entry' });
    p += alen;
    entries[i] = pathId === undefined ? { peerIndex, peer, originatedTime, attributes } : { peerIndex, peer, originatedTime, pathId, attributes };
  }
  if (p !== end) throw new MitmError('MG_ERR_MALFORMED', `RIB record has ${end - p} trailing bytes`);
  return { kind: 'rib', sequence, prefix, addPath: shape.addPath, entries };
}

const TABLE_DUMP_V2_DECODERS: Record<number, (b: Uint8Array, off: number, subtype: number, ctx: MrtContext) => MrtBody> = {
  [TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE]: (b, off, _s, ctx) => {
    const t = decodePeerIndexTable(b, off);
    ctx.peerIndex = t;
    return t;
  },
};
for (const s of Object.keys(RIB_SUBTYPES)) TABLE_DUMP_V2_DECODERS[Number(s)] = decodeRib;

const BGP4MP_SHAPES: Record<number, { as4: boolean; state: boolean; local: boolean; addPath: boolean }> = {
  [BGP4MP_SUBTYPE.STATE_CHANGE]: { as4: false, state: true, local: false, addPath: false },
  [BGP4MP_SUBTYPE.STATE_CHANGE_AS4]: { as4: true, state: true, local: false, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE]: { as4: false, state: false, local: false, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_AS4]: { as4: true, state: false, local: false, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_LOCAL]: { as4: false, state: false, local: true, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_AS4_LOCAL]: { as4: true, state: false, local: true, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_ADDPATH]: { as4: false, state: false, local: false, addPath: true },
  [BGP4MP_SUBTYPE.MESSAGE_AS4_ADDPATH]: { as4: true, state: false, local: false, addPath: true },
  [BGP4MP_SUBTYPE.MESSAGE_LOCAL_ADDPATH]: { as4: false, state: false, local: true, addPath: true },
  [BGP4MP_SUBTYPE.MESSAGE_AS4_LOCAL_ADDPATH]: { as4: true, state: false, local: true, addPath: true },
};

function decodeBgp4mp(b: Uint8Array, off: number, h: MrtHeader): MrtBody {
  const shape = BGP4MP_SHAPES[h.subtype];
  if (!shape) return { kind: 'skipped', reason: `BGP4MP subtype ${h.subtype}` };
  // RFC 6396 §4.4.1-4.4.3: Peer AS, Local AS, Interface Index, Address Family, Peer IP, Local IP, then the state
  // pair or the BGP message.
  const asLen = shape.as4 ? 4 : 2;
  const end = b.length;
  if (off + 2 * asLen + 4 > end) throw truncated('BGP4MP header');
  const peerAs = shape.as4 ? u32(b, off) : u16(b, off);
  const localAs = shape.as4 ? u32(b, off + asLen) : u16(b, off + asLen);
  let p = off + 2 * asLen;
  const interfaceIndex = u16(b, p);
  const afiNum = u16(b, p + 2);
  p += 4;
  const addrLen = afiOf(afiNum, 'BGP4MP') === 4 ? 4 : 16;
  if (p + 2 * addrLen > end) throw truncated('BGP4MP addresses');
  const peerAddress = formatAddress(b.subarray(p, p + addrLen));
  const localAddress = formatAddress(b.subarray(p + addrLen, p + 2 * addrLen));
  p += 2 * addrLen;
  if (shape.state) {
    if (p + 4 !== end) throw new MitmError('MG_ERR_MALFORMED', 'BGP4MP STATE_CHANGE of the wrong length');
    return { kind: 'bgp4mp-state', peerAs, localAs, interfaceIndex, peerAddress, localAddress, oldState: u16(b, p), newState: u16(b, p + 2) };
  }
  // RFC 8050 §3: the ADD-PATH variants carry NLRI with path identifiers, for every AFI/SAFI.
  const opts = shape.addPath ? { as4: shape.as4, addPath: () => true } : { as4: shape.as4 };
  const message = decodeMessage(b.subarray(p, end), opts);
  return { kind: 'bgp4mp-message', peerAs, localAs, interfaceIndex, peerAddress, localAddress, as4: shape.as4, addPath: shape.addPath, local: shape.local, message };
}

const TYPE_DECODERS: Record<number, BodyDecoder> = {
  [MRT_TYPE.TABLE_DUMP_V2]: (b, off, h, ctx) => {
    const d = TABLE_DUMP_V2_DECODERS[h.subtype];
    return d ? d(b, off, h.subtype, ctx) : { kind: 'skipped', reason: `TABLE_DUMP_V2 subtype ${h.subtype}` };
  },
  [MRT_TYPE.BGP4MP]: (b, off, h) => decodeBgp4mp(b, off, h),
  [MRT_TYPE.BGP4MP_ET]: (b, off, h) => decodeBgp4mp(b, off, h),
};

export { AFI_IPV4, AFI_IPV6 };
