/**
 * Writes MRT records (RFC 6396): a PEER_INDEX_TABLE and RIB records (TABLE_DUMP_V2), BGP4MP messages and state
 * changes. Used by the tests to build inputs with known content and by the benchmark to generate a full-sized table;
 * the real routers' files (BIRD, GoBGP) are what the decoder is proven against.
 */
import { AFI_IPV4, AFI_IPV6, encodeAttributes, pushU16, pushU32, addressBytes, type PathAttributes } from './attributes.js';
import { writeNlriPrefix, type Prefix } from './prefix.js';
import { BGP4MP_SUBTYPE, MRT_TYPE, TABLE_DUMP_V2_SUBTYPE, type PeerEntry } from './mrt.js';

function record(timestamp: number, type: number, subtype: number, body: number[] | Uint8Array, microseconds?: number): Uint8Array {
  const et = microseconds !== undefined;
  const len = body.length + (et ? 4 : 0);
  const out = new Uint8Array(12 + len);
  const h: number[] = [];
  pushU32(h, timestamp);
  pushU16(h, type);
  pushU16(h, subtype);
  pushU32(h, len);
  if (et) pushU32(h, microseconds);
  out.set(h, 0);
  out.set(body, h.length);
  return out;
}

export function encodePeerIndexTable(timestamp: number, collectorId: string, viewName: string, peers: PeerEntry[]): Uint8Array {
  const b: number[] = [...addressBytes(collectorId)];
  const name = new TextEncoder().encode(viewName);
  pushU16(b, name.length);
  b.push(...name);
  pushU16(b, peers.length);
  for (const p of peers) {
    const v6 = p.address.includes(':');
    // RFC 6396 §4.3.1 peer type: bit 0 IPv6, bit 1 4-byte AS (always written 4-byte here).
    b.push((v6 ? 1 : 0) | 2, ...addressBytes(p.bgpId), ...addressBytes(p.address));
    pushU32(b, p.asn);
  }
  return record(timestamp, MRT_TYPE.TABLE_DUMP_V2, TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE, b);
}

export interface RibEntryInput {
  peerIndex: number;
  originatedTime: number;
  pathId?: number;
  attributes: PathAttributes;
}

export function encodeRibRecord(timestamp: number, sequence: number, prefix: Prefix, entries: RibEntryInput[], addPath = false): Uint8Array {
  const subtype = prefix.afi === 4
    ? (addPath ? TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST_ADDPATH : TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST)
    : (addPath ? TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST_ADDPATH : TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST);
  const b: number[] = [];
  pushU32(b, sequence);
  writeNlriPrefix(prefix, b);
  pushU16(b, entries.length);
  for (const e of entries) {
    pushU16(b, e.peerIndex);
    pushU32(b, e.originatedTime);
    if (addPath) pushU32(b, e.pathId ?? 0);
    const attrs = encodeAttributes(e.attributes, { as4: true, ribEntry: true });
    pushU16(b, attrs.length);
    for (const x of attrs) b.push(x);
  }
  return record(timestamp, MRT_TYPE.TABLE_DUMP_V2, subtype, b);
}

export interface Bgp4mpInput {
  timestamp: number;
  microseconds?: number;
  peerAs: number;
  localAs: number;
  peerAddress: string;
  localAddress: string;
  as4?: boolean;
}

function bgp4mpHeader(i: Bgp4mpInput, as4: boolean): number[] {
  const b: number[] = [];
  (as4 ? pushU32 : pushU16)(b, i.peerAs);
  (as4 ? pushU32 : pushU16)(b, i.localAs);
  pushU16(b, 0);
  pushU16(b, i.peerAddress.includes(':') ? AFI_IPV6 : AFI_IPV4);
  b.push(...addressBytes(i.peerAddress), ...addressBytes(i.localAddress));
  return b;
}

/** A BGP4MP (or BGP4MP_ET when microseconds are given) MESSAGE / MESSAGE_AS4 record around a whole BGP message. */
export function encodeBgp4mpMessage(i: Bgp4mpInput, message: Uint8Array): Uint8Array {
  const as4 = i.as4 ?? true;
  const b = bgp4mpHeader(i, as4);
  for (const x of message) b.push(x);
  const type = i.microseconds !== undefined ? MRT_TYPE.BGP4MP_ET : MRT_TYPE.BGP4MP;
  return record(i.timestamp, type, as4 ? BGP4MP_SUBTYPE.MESSAGE_AS4 : BGP4MP_SUBTYPE.MESSAGE, b, i.microseconds);
}

export function encodeBgp4mpStateChange(i: Bgp4mpInput, oldState: number, newState: number): Uint8Array {
  const as4 = i.as4 ?? true;
  const b = bgp4mpHeader(i, as4);
  pushU16(b, oldState);
  pushU16(b, newState);
  const type = i.microseconds !== undefined ? MRT_TYPE.BGP4MP_ET : MRT_TYPE.BGP4MP;
  return record(i.timestamp, type, as4 ? BGP4MP_SUBTYPE.STATE_CHANGE_AS4 : BGP4MP_SUBTYPE.STATE_CHANGE, b, i.microseconds);
}
