/**
 * The BGP Monitoring Protocol (RFC 7854; Loc-RIB peers of RFC 9069) as a sans-IO receiver: a splitter that cuts BMP
 * messages out of the router's TCP stream, and a decoder for Initiation, Termination, Peer Up, Peer Down, Route
 * Monitoring (the UPDATEs the router received, or its own Loc-RIB) and Statistics. Route Monitoring becomes route
 * events for the monitors, stamped with the time the router put in the per-peer header.
 */
import { MitmError } from '../errors.js';
import { updateEvents, type PeerRef, type RouteEvent } from './events.js';
import { decodeMessage, type OpenMessage, type UpdateMessage } from './message.js';
import { formatAddress, formatIpv4 } from './prefix.js';

/** RFC 7854 §4.1 message types. */
export const BMP_TYPE = { ROUTE_MONITORING: 0, STATISTICS: 1, PEER_DOWN: 2, PEER_UP: 3, INITIATION: 4, TERMINATION: 5, ROUTE_MIRRORING: 6 } as const;
const TYPE_NAME = ['route-monitoring', 'statistics', 'peer-down', 'peer-up', 'initiation', 'termination', 'route-mirroring'] as const;

/** A BMP message carries at most one BGP message (65535 with RFC 8654) plus headers; anything larger is refused. */
export const MAX_BMP_MESSAGE = 70_000;
/** RFC 7854 §4.1: version 3, length u32, type u8. */
const COMMON = 6;
/** RFC 7854 §4.2: type, flags, distinguisher, address, AS, BGP id, timestamp seconds, microseconds. */
const PER_PEER = 42;

export interface BmpPeer {
  /** 0 global, 1 RD instance, 2 local instance, 3 Loc-RIB (RFC 9069). */
  peerType: number;
  flags: number;
  address: string;
  asn: number;
  bgpId: string;
  timestampUs: number;
  /** L flag: post-policy Adj-RIB-In. */
  postPolicy: boolean;
}

export type BmpMessage =
  | { type: 'route-monitoring'; peer: BmpPeer; update: UpdateMessage }
  | { type: 'peer-up'; peer: BmpPeer; localAddress: string; localPort: number; remotePort: number; sentOpen: OpenMessage; receivedOpen: OpenMessage }
  | { type: 'peer-down'; peer: BmpPeer; reason: number }
  | { type: 'initiation' | 'termination'; info: Array<{ type: number; value: string }> }
  | { type: 'statistics'; peer: BmpPeer; count: number }
  | { type: 'route-mirroring'; peer: BmpPeer };

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

/** Cuts BMP messages out of a stream; refuses a version other than 3 and lengths outside the named bound. */
export class BmpSplitter {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf, 0);
    merged.set(chunk, this.buf.length);
    const out: Uint8Array[] = [];
    let off = 0;
    while (merged.length - off >= COMMON) {
      if (merged[off] !== 3) throw new MitmError('MG_ERR_UNSUPPORTED', `BMP version ${merged[off]} (only 3, RFC 7854)`);
      const len = u32(merged, off + 1);
      if (len < COMMON || len > MAX_BMP_MESSAGE) throw new MitmError(len < COMMON ? 'MG_ERR_MALFORMED' : 'MG_ERR_TOO_LARGE', `BMP message length ${len}`, { details: { length: len, limit: MAX_BMP_MESSAGE } });
      if (merged.length - off < len) break;
      out.push(merged.slice(off, off + len));
      off += len;
    }
    this.buf = merged.slice(off);
    return out;
  }
}

function perPeer(b: Uint8Array): BmpPeer {
  if (b.length < COMMON + PER_PEER) throw new MitmError('MG_ERR_TRUNCATED', 'BMP per-peer header cut short');
  const o = COMMON;
  const flags = b[o + 1]!;
  // RFC 7854 §4.2: V flag (0x80) IPv6; otherwise the IPv4 address is in the last 4 of the 16 bytes.
  const address = flags & 0x80 ? formatAddress(b.subarray(o + 10, o + 26)) : formatIpv4(b, o + 22);
  return {
    peerType: b[o]!, flags, address, asn: u32(b, o + 26), bgpId: formatIpv4(b, o + 30),
    timestampUs: u32(b, o + 34) * 1_000_000 + Math.min(u32(b, o + 38), 999_999), postPolicy: (flags & 0x40) !== 0,
  };
}

function tlvs(b: Uint8Array, off: number): Array<{ type: number; value: string }> {
  const out: Array<{ type: number; value: string }> = [];
  while (off < b.length) {
    if (off + 4 > b.length) throw new MitmError('MG_ERR_TRUNCATED', 'BMP information TLV cut short');
    const len = u16(b, off + 2);
    if (off + 4 + len > b.length) throw new MitmError('MG_ERR_TRUNCATED', 'BMP information TLV overruns the message');
    out.push({ type: u16(b, off), value: new TextDecoder().decode(b.subarray(off + 4, off + 4 + len)) });
    off += 4 + len;
  }
  return out;
}

/** One whole BGP message starting at `off`, decoded with a 4-byte AS_PATH unless the peer's A flag says 2 (RFC 7854 §4.2). */
function bgpAt(b: Uint8Array, off: number, as4: boolean): { end: number; message: ReturnType<typeof decodeMessage> } {
  if (off + 19 > b.length) throw new MitmError('MG_ERR_TRUNCATED', 'BMP: BGP message header cut short');
  const len = u16(b, off + 16);
  if (len < 19 || off + len > b.length) throw new MitmError('MG_ERR_MALFORMED', `BMP: BGP message length ${len} overruns the BMP message`);
  return { end: off + len, message: decodeMessage(b.subarray(off, off + len), { as4, maxLength: 65535 }) };
}

export function decodeBmpMessage(b: Uint8Array): BmpMessage {
  if (b.length < COMMON || b[0] !== 3 || u32(b, 1) !== b.length) throw new MitmError('MG_ERR_MALFORMED', 'BMP message header does not match its length');
  const type = TYPE_NAME[b[5]!];
  if (!type) throw new MitmError('MG_ERR_UNSUPPORTED', `BMP message type ${b[5]}`);
  if (type === 'initiation' || type === 'termination') return { type, info: tlvs(b, COMMON) };
  const peer = perPeer(b);
  const as4 = (peer.flags & 0x20) === 0;
  const body = COMMON + PER_PEER;
  switch (type) {
    case 'route-monitoring': {
      const { end, message } = bgpAt(b, body, as4);
      if (message.type !== 'update') throw new MitmError('MG_ERR_MALFORMED', `BMP Route Monitoring carries a ${message.type.toUpperCase()}, not an UPDATE`);
      if (end !== b.length) throw new MitmError('MG_ERR_MALFORMED', 'BMP Route Monitoring has trailing bytes');
      return { type, peer, update: message };
    }
    case 'peer-up': {
      // RFC 7854 §4.10: local address, local port, remote port, sent OPEN, received OPEN, information TLVs.
      if (b.length < body + 20) throw new MitmError('MG_ERR_TRUNCATED', 'BMP Peer Up cut short');
      const v6 = (peer.flags & 0x80) !== 0;
      const localAddress = v6 ? formatAddress(b.subarray(body, body + 16)) : formatIpv4(b, body + 12);
      const sent = bgpAt(b, body + 20, true);
      const received = bgpAt(b, sent.end, true);
      if (sent.message.type !== 'open' || received.message.type !== 'open') throw new MitmError('MG_ERR_MALFORMED', 'BMP Peer Up without two OPENs');
      tlvs(b, received.end);
      return { type, peer, localAddress, localPort: u16(b, body + 16), remotePort: u16(b, body + 18), sentOpen: sent.message, receivedOpen: received.message };
    }
    case 'peer-down':
      if (b.length < body + 1) throw new MitmError('MG_ERR_TRUNCATED', 'BMP Peer Down cut short');
      return { type, peer, reason: b[body]! };
    case 'statistics':
      if (b.length < body + 4) throw new MitmError('MG_ERR_TRUNCATED', 'BMP Statistics Report cut short');
      return { type, peer, count: u32(b, body) };
    default:
      return { type: 'route-mirroring', peer };
  }
}

/** The route events of a BMP message (Route Monitoring, Peer Down); the peer is the monitored router's neighbour. */
export function bmpEvents(m: BmpMessage): RouteEvent[] {
  if (m.type === 'route-monitoring') {
    // RFC 9069 §4.1: a Loc-RIB "peer" is the router itself (its BGP id, its AS); its own routes have an empty
    // AS_PATH, so their origin is that AS.
    const locRib = m.peer.peerType === 3;
    const peer: PeerRef = { address: locRib ? m.peer.bgpId : m.peer.address, asn: m.peer.asn };
    return updateEvents(m.update, peer, m.peer.timestampUs).map((e) => {
      if (!locRib || e.type !== 'announce' || e.asns.length) return e;
      return { ...e, path: [{ type: 'sequence' as const, asns: [m.peer.asn] }], asns: [m.peer.asn], origin: m.peer.asn };
    });
  }
  if (m.type === 'peer-down') return [{ type: 'peer-down', timestampUs: m.peer.timestampUs, peer: { address: m.peer.address, asn: m.peer.asn } }];
  return [];
}
