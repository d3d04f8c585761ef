/**
 * Route events: what the monitors see, whatever the source — a TABLE_DUMP_V2 RIB entry, a BGP4MP UPDATE in an MRT
 * file, or an UPDATE received live by the collector. Time comes from the data (the MRT timestamp, or the time the
 * collector stamped the message), never from the clock here.
 */
import { flatPath, originAs, type AsPathSegment, type Nlri, type PathAttributes } from './attributes.js';
import type { UpdateMessage } from './message.js';
import type { MrtRecord } from './mrt.js';
import type { Prefix } from './prefix.js';

export interface PeerRef {
  address: string;
  asn: number;
}

export type RouteSource = 'rib' | 'update';

export interface RouteAnnouncement {
  type: 'announce';
  /** Microseconds since the epoch. */
  timestampUs: number;
  peer: PeerRef;
  prefix: Prefix;
  pathId?: number;
  path: AsPathSegment[];
  /** The ASes of the path in order (sets flattened). */
  asns: number[];
  /** RFC 6811 origin: the last AS of the final AS_SEQUENCE; undefined when the path ends in a set or is empty. */
  origin: number | undefined;
  attributes: PathAttributes;
  source: RouteSource;
}

export interface RouteWithdrawal {
  type: 'withdraw';
  timestampUs: number;
  peer: PeerRef;
  prefix: Prefix;
  pathId?: number;
  source: RouteSource;
}

/** A peer's session went down (BGP4MP STATE_CHANGE out of Established, or the collector's session ended). */
export interface PeerDown {
  type: 'peer-down';
  timestampUs: number;
  peer: PeerRef;
}

/** A TABLE_DUMP_V2 dump ended (the next record is not part of it) — the monitors' cue to judge visibility. */
export interface RibDumpEnd {
  type: 'rib-end';
  timestampUs: number;
  peers: PeerRef[];
}

export type RouteEvent = RouteAnnouncement | RouteWithdrawal | PeerDown;

function announcement(timestampUs: number, peer: PeerRef, n: Nlri, attributes: PathAttributes, source: RouteSource): RouteAnnouncement {
  const path = attributes.asPath ?? [];
  const a: RouteAnnouncement = { type: 'announce', timestampUs, peer, prefix: n.prefix, path, asns: flatPath(path), origin: originAs(path), attributes, source };
  if (n.pathId !== undefined) a.pathId = n.pathId;
  return a;
}

function withdrawal(timestampUs: number, peer: PeerRef, n: Nlri, source: RouteSource): RouteWithdrawal {
  const w: RouteWithdrawal = { type: 'withdraw', timestampUs, peer, prefix: n.prefix, source };
  if (n.pathId !== undefined) w.pathId = n.pathId;
  return w;
}

/** The route events of one UPDATE from `peer` (RFC 4271 §4.3 withdrawn and NLRI; RFC 4760 MP_REACH / MP_UNREACH). */
export function updateEvents(update: UpdateMessage, peer: PeerRef, timestampUs: number, source: RouteSource = 'update'): RouteEvent[] {
  const out: RouteEvent[] = [];
  const a = update.attributes;
  for (const n of update.withdrawn) out.push(withdrawal(timestampUs, peer, n, source));
  for (const n of a.mpUnreach?.withdrawn ?? []) out.push(withdrawal(timestampUs, peer, n, source));
  for (const n of update.nlri) out.push(announcement(timestampUs, peer, n, a, source));
  for (const n of a.mpReach?.nlri ?? []) out.push(announcement(timestampUs, peer, n, a, source));
  return out;
}

const ESTABLISHED = 6;

/** The route events an MRT record carries: one per RIB entry, one per NLRI of a received UPDATE, peer-down on a state change. */
export function mrtEvents(record: MrtRecord): RouteEvent[] {
  const h = record.header;
  const ts = h.timestamp * 1_000_000 + h.microseconds;
  const body = record.body;
  switch (body.kind) {
    case 'rib':
      return body.entries.map((e) => announcement(ts, { address: e.peer.address, asn: e.peer.asn }, e.pathId === undefined ? { prefix: body.prefix } : { prefix: body.prefix, pathId: e.pathId }, e.attributes, 'rib'));
    case 'bgp4mp-message':
      if (body.local || body.message.type !== 'update') return [];
      return updateEvents(body.message, { address: body.peerAddress, asn: body.peerAs }, ts);
    case 'bgp4mp-state':
      return body.oldState === ESTABLISHED && body.newState !== ESTABLISHED ? [{ type: 'peer-down', timestampUs: ts, peer: { address: body.peerAddress, asn: body.peerAs } }] : [];
    default:
      return [];
  }
}
