/**
 * BGP-4 messages (RFC 4271 §4): header, OPEN with capabilities (RFC 5492), UPDATE, NOTIFICATION, KEEPALIVE and
 * ROUTE-REFRESH (RFC 2918), decoded from bytes and encoded to bytes. Sans-IO: the session (session.ts) and the MRT
 * reader (mrt.ts) both call these.
 */
import { MitmError } from '../errors.js';
import { BGP_LIMITS } from './limits.js';
import {
  afiOf, AFI_IPV4, decodeAttributes, decodeNlri, encodeAttributes, encodeNlriList, pushU16, pushU32, SAFI_UNICAST,
  type AttributeContext, type Nlri, type PathAttributes,
} from './attributes.js';
import { formatIpv4 } from './prefix.js';

/** RFC 4271 §4.1 message types, RFC 2918 §3 ROUTE-REFRESH. */
export const MESSAGE_TYPE = { OPEN: 1, UPDATE: 2, NOTIFICATION: 3, KEEPALIVE: 4, ROUTE_REFRESH: 5 } as const;
const TYPE_NAME: Record<number, BgpMessage['type']> = { 1: 'open', 2: 'update', 3: 'notification', 4: 'keepalive', 5: 'route-refresh' };

/** RFC 4271 §4.1: 16-byte marker, 2-byte length, 1-byte type. */
export const HEADER_LENGTH = 19;

/** Capability codes (IANA "Capability Codes"). */
export const CAPABILITY = {
  MULTIPROTOCOL: 1, // RFC 4760 §8
  ROUTE_REFRESH: 2, // RFC 2918
  EXTENDED_MESSAGE: 6, // RFC 8654
  GRACEFUL_RESTART: 64, // RFC 4724
  FOUR_OCTET_AS: 65, // RFC 6793
  ADD_PATH: 69, // RFC 7911 §4
  ENHANCED_ROUTE_REFRESH: 70, // RFC 7313
} as const;

export interface Capabilities {
  multiprotocol: Array<{ afi: number; safi: number }>;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  extendedMessage: boolean;
  /** The 4-byte AS number from the capability (RFC 6793 §3), or undefined when not offered. */
  fourOctetAs?: number;
  /** RFC 7911 §4: send/receive per AFI/SAFI (1 receive, 2 send, 3 both). */
  addPath: Array<{ afi: number; safi: number; sendReceive: number }>;
  gracefulRestart: boolean;
  other: Array<{ code: number; length: number }>;
}

export interface OpenMessage {
  type: 'open';
  version: number;
  /** The 2-byte My Autonomous System field (AS_TRANS 23456 when the speaker's AS needs 4 bytes). */
  myAs: number;
  holdTime: number;
  bgpId: string;
  capabilities: Capabilities;
}
export interface UpdateMessage {
  type: 'update';
  withdrawn: Nlri[];
  attributes: PathAttributes;
  nlri: Nlri[];
}
export interface NotificationMessage {
  type: 'notification';
  code: number;
  subcode: number;
  data: Uint8Array;
}
export interface KeepaliveMessage { type: 'keepalive' }
export interface RouteRefreshMessage { type: 'route-refresh'; afi: number; safi: number; subtype: number }
export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/** RFC 4271 §4.5 error codes, and the subcodes the collector sends (§6). */
export const NOTIFY = {
  MESSAGE_HEADER: 1, OPEN: 2, UPDATE: 3, HOLD_TIMER_EXPIRED: 4, FSM: 5, CEASE: 6,
  // header subcodes (§6.1)
  CONNECTION_NOT_SYNCHRONIZED: 1, BAD_MESSAGE_LENGTH: 2, BAD_MESSAGE_TYPE: 3,
  // OPEN subcodes (§6.2)
  UNSUPPORTED_VERSION: 1, BAD_PEER_AS: 2, UNACCEPTABLE_HOLD_TIME: 6,
  // UPDATE subcodes (§6.3)
  MALFORMED_ATTRIBUTE_LIST: 1, MALFORMED_AS_PATH: 11,
} as const;

export const NOTIFICATION_NAMES: Record<number, string> = {
  1: 'Message Header Error', 2: 'OPEN Message Error', 3: 'UPDATE Message Error', 4: 'Hold Timer Expired',
  5: 'Finite State Machine Error', 6: 'Cease',
};

/** A decoding failure that a session answers with this NOTIFICATION (RFC 4271 §6). */
export class BgpProtocolError extends MitmError {
  constructor(message: string, readonly notifyCode: number, readonly notifySubcode: number, code: 'MG_ERR_MALFORMED' | 'MG_ERR_TOO_LARGE' | 'MG_ERR_UNSUPPORTED' = 'MG_ERR_MALFORMED') {
    super(code, message, { details: { notifyCode, notifySubcode } });
  }
}

export interface DecodeOptions {
  /** 4-byte AS numbers in AS_PATH (both sides offered the capability). */
  as4: boolean;
  /** ADD-PATH receive negotiated for this AFI/SAFI. */
  addPath?: (afi: number, safi: number) => boolean;
  /** Largest message accepted: 4096, or 65535 after the extended-message capability (RFC 8654). */
  maxLength?: number;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

/**
 * How many bytes the message at the start of `b` takes, or 0 when the header is not complete yet. Checks the marker
 * and the length bounds (RFC 4271 §4.1, §6.1), so a stream reader never waits for an impossible length.
 */
export function messageLength(b: Uint8Array, off = 0, maxLength: number = BGP_LIMITS.maxMessage): number {
  if (b.length - off < HEADER_LENGTH) return 0;
  for (let i = 0; i < 16; i++) {
    if (b[off + i] !== 0xff) throw new BgpProtocolError('BGP message marker is not all ones', NOTIFY.MESSAGE_HEADER, NOTIFY.CONNECTION_NOT_SYNCHRONIZED);
  }
  const len = u16(b, off + 16);
  if (len < HEADER_LENGTH) throw new BgpProtocolError(`BGP message length ${len} below the header size`, NOTIFY.MESSAGE_HEADER, NOTIFY.BAD_MESSAGE_LENGTH);
  if (len > maxLength) {
    throw new BgpProtocolError(`BGP message length ${len} exceeds ${maxLength}`, NOTIFY.MESSAGE_HEADER, NOTIFY.BAD_MESSAGE_LENGTH, 'MG_ERR_TOO_LARGE');
  }
  return len;
}

/** Decode one whole BGP message (header included). */
export function decodeMessage(b: Uint8Array, opts: DecodeOptions): BgpMessage {
  const len = messageLength(b, 0, opts.maxLength ?? BGP_LIMITS.maxExtendedMessage);
  if (len === 0) throw new MitmError('MG_ERR_TRUNCATED', `BGP message of ${b.length} bytes is shorter than its header`);
  if (len !== b.length) throw new BgpProtocolError(`BGP message length field ${len} but ${b.length} bytes given`, NOTIFY.MESSAGE_HEADER, NOTIFY.BAD_MESSAGE_LENGTH);
  const type = b[18]!;
  const name = TYPE_NAME[type];
  if (!name) throw new BgpProtocolError(`BGP message type ${type} unknown`, NOTIFY.MESSAGE_HEADER, NOTIFY.BAD_MESSAGE_TYPE);
  return BODY_DECODERS[name](b, HEADER_LENGTH, len, opts);
}

type BodyDecoder = (b: Uint8Array, off: number, end: number, opts: DecodeOptions) => BgpMessage;

function headerLengthError(what: string, len: number): BgpProtocolError {
  return new BgpProtocolError(`${what} message of ${len} bytes has the wrong length`, NOTIFY.MESSAGE_HEADER, NOTIFY.BAD_MESSAGE_LENGTH);
}

const BODY_DECODERS: Record<BgpMessage['type'], BodyDecoder> = {
  open: (b, off, end) => decodeOpen(b, off, end),
  update: (b, off, end, opts) => decodeUpdate(b, off, end, opts),
  notification: (b, off, end) => {
    // RFC 4271 §4.5: code, subcode, data.
    if (end - off < 2) throw headerLengthError('NOTIFICATION', end);
    return { type: 'notification', code: b[off]!, subcode: b[off + 1]!, data: b.slice(off + 2, end) };
  },
  keepalive: (_b, off, end) => {
    // RFC 4271 §4.4: a KEEPALIVE is the header only.
    if (end !== off) throw headerLengthError('KEEPALIVE', end);
    return { type: 'keepalive' };
  },
  'route-refresh': (b, off, end) => {
    // RFC 2918 §3, RFC 7313 §3.2: AFI, subtype (was reserved), SAFI.
    if (end - off !== 4) throw headerLengthError('ROUTE-REFRESH', end);
    return { type: 'route-refresh', afi: u16(b, off), subtype: b[off + 2]!, safi: b[off + 3]! };
  },
};

function emptyCapabilities(): Capabilities {
  return { multiprotocol: [], routeRefresh: false, enhancedRouteRefresh: false, extendedMessage: false, addPath: [], gracefulRestart: false, other: [] };
}

type CapabilityDecoder = (c: Capabilities, b: Uint8Array, off: number, len: number) => void;

function capLength(name: string, len: number, ok: boolean): void {
  if (!ok) throw new BgpProtocolError(`${name} capability of ${len} bytes`, NOTIFY.OPEN, 0);
}

/** RFC 5492 §4 capabilities, one decoder per code. */
const CAPABILITY_DECODERS: Record<number, CapabilityDecoder> = {
  [CAPABILITY.MULTIPROTOCOL]: (c, b, off, len) => {
    capLength('multiprotocol', len, len === 4);
    c.multiprotocol.push({ afi: u16(b, off), safi: b[off + 3]! });
  },
  [CAPABILITY.ROUTE_REFRESH]: (c) => { c.routeRefresh = true; },
  [CAPABILITY.ENHANCED_ROUTE_REFRESH]: (c) => { c.enhancedRouteRefresh = true; },
  [CAPABILITY.EXTENDED_MESSAGE]: (c) => { c.extendedMessage = true; },
  [CAPABILITY.GRACEFUL_RESTART]: (c) => { c.gracefulRestart = true; },
  [CAPABILITY.FOUR_OCTET_AS]: (c, b, off, len) => {
    capLength('4-octet AS', len, len === 4);
    c.fourOctetAs = u32(b, off);
  },
  [CAPABILITY.ADD_PATH]: (c, b, off, len) => {
    capLength('ADD-PATH', len, len % 4 === 0 && len > 0);
    for (let o = off; o < off + len; o += 4) c.addPath.push({ afi: u16(b, o), safi: b[o + 2]!, sendReceive: b[o + 3]! });
  },
};

function decodeOpen(b: Uint8Array, off: number, end: number): OpenMessage {
  // RFC 4271 §4.2: version, My AS, Hold Time, BGP Identifier, Opt Parm Len, Optional Parameters.
  if (end - off < 10) throw headerLengthError('OPEN', end);
  const version = b[off]!;
  const myAs = u16(b, off + 1);
  const holdTime = u16(b, off + 3);
  const bgpId = formatIpv4(b, off + 5);
  let optLen = b[off + 9]!;
  let p = off + 10;
  let extended = false;
  // RFC 9072 §2: Opt Parm Len 255 and a first type of 255 mean 2-byte lengths follow.
  if (optLen === 255 && p < end && b[p] === 255) {
    if (p + 3 > end) throw new BgpProtocolError('extended optional parameters length cut short', NOTIFY.OPEN, 0);
    optLen = u16(b, p + 1);
    p += 3;
    extended = true;
  }
  if (p + optLen !== end) throw new BgpProtocolError(`OPEN optional parameters length ${optLen} does not match the message`, NOTIFY.OPEN, 0);
  const capabilities = emptyCapabilities();
  let count = 0;
  while (p < end) {
    const hdr = extended ? 3 : 2;
    if (p + hdr > end) throw new BgpProtocolError('optional parameter header cut short', NOTIFY.OPEN, 0);
    const ptype = b[p]!;
    const plen = extended ? u16(b, p + 1) : b[p + 1]!;
    p += hdr;
    if (p + plen > end) throw new BgpProtocolError('optional parameter overruns the OPEN', NOTIFY.OPEN, 0);
    if (ptype === 2) {
      // RFC 5492 §4: a sequence of (code, length, value).
      let q = p;
      while (q < p + plen) {
        if (++count > BGP_LIMITS.maxCapabilities) throw new BgpProtocolError(`more than ${BGP_LIMITS.maxCapabilities} capabilities`, NOTIFY.OPEN, 0, 'MG_ERR_TOO_LARGE');
        if (q + 2 > p + plen) throw new BgpProtocolError('capability header cut short', NOTIFY.OPEN, 0);
        const code = b[q]!;
        const clen = b[q + 1]!;
        if (q + 2 + clen > p + plen) throw new BgpProtocolError(`capability ${code} overruns its parameter`, NOTIFY.OPEN, 0);
        const dec = CAPABILITY_DECODERS[code];
        if (dec) dec(capabilities, b, q + 2, clen);
        else capabilities.other.push({ code, length: clen });
        q += 2 + clen;
      }
    }
    p += plen;
  }
  return { type: 'open', version, myAs, holdTime, bgpId, capabilities };
}

function decodeUpdate(b: Uint8Array, off: number, end: number, opts: DecodeOptions): UpdateMessage {
  // RFC 4271 §4.3: Withdrawn Routes Length, Withdrawn Routes, Total Path Attribute Length, Path Attributes, NLRI.
  const updateError = (m: string) => new BgpProtocolError(`UPDATE: ${m}`, NOTIFY.UPDATE, NOTIFY.MALFORMED_ATTRIBUTE_LIST);
  if (end - off < 4) throw updateError('shorter than its two length fields');
  const wlen = u16(b, off);
  if (off + 2 + wlen + 2 > end) throw updateError(`withdrawn routes length ${wlen} overruns the message`);
  const withdrawn: Nlri[] = [];
  const nlri: Nlri[] = [];
  const addPath4 = opts.addPath?.(AFI_IPV4, SAFI_UNICAST) ?? false;
  const alen = u16(b, off + 2 + wlen);
  const aStart = off + 4 + wlen;
  if (aStart + alen > end) throw updateError(`path attribute length ${alen} overruns the message`);
  try {
    decodeNlri(b, off + 2, off + 2 + wlen, 4, addPath4, withdrawn, 'UPDATE withdrawn routes');
    const ctx: AttributeContext = { as4: opts.as4, context: 'UPDATE' };
    if (opts.addPath) ctx.addPath = opts.addPath;
    const attributes = decodeAttributes(b, aStart, aStart + alen, ctx);
    decodeNlri(b, aStart + alen, end, 4, addPath4, nlri, 'UPDATE NLRI');
    return { type: 'update', withdrawn, attributes, nlri };
  } catch (err) {
    if (err instanceof BgpProtocolError || !(err instanceof MitmError)) throw err;
    // RFC 4271 §6.3: any malformation of an UPDATE is an UPDATE Message Error.
    const subcode = typeof err.details?.notifySubcode === 'number' ? err.details.notifySubcode : NOTIFY.MALFORMED_ATTRIBUTE_LIST;
    const e = new BgpProtocolError(err.message, NOTIFY.UPDATE, subcode, err.code === 'MG_ERR_TOO_LARGE' ? 'MG_ERR_TOO_LARGE' : 'MG_ERR_MALFORMED');
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

function frame(type: number, body: readonly number[]): Uint8Array {
  const len = HEADER_LENGTH + body.length;
  if (len > BGP_LIMITS.maxExtendedMessage) throw new MitmError('MG_ERR_TOO_LARGE', `BGP message of ${len} bytes`);
  const out = new Uint8Array(len);
  out.fill(0xff, 0, 16);
  out[16] = len >> 8;
  out[17] = len & 0xff;
  out[18] = type;
  out.set(body, HEADER_LENGTH);
  return out;
}

export interface OpenOptions {
  asn: number;
  holdTime: number;
  bgpId: string;
  /** AFI/SAFI pairs to offer (default IPv4 and IPv6 unicast). */
  families?: Array<{ afi: number; safi: number }>;
  /** ADD-PATH to offer (receive = 1). */
  addPath?: Array<{ afi: number; safi: number; sendReceive: number }>;
  routeRefresh?: boolean;
  extendedMessage?: boolean;
}

export function encodeOpen(o: OpenOptions): Uint8Array {
  const caps: number[] = [];
  const cap = (code: number, value: number[]) => caps.push(code, value.length, ...value);
  for (const f of o.families ?? [{ afi: 1, safi: 1 }, { afi: 2, safi: 1 }]) cap(CAPABILITY.MULTIPROTOCOL, [f.afi >> 8, f.afi & 0xff, 0, f.safi]);
  if (o.routeRefresh ?? true) cap(CAPABILITY.ROUTE_REFRESH, []);
  if (o.extendedMessage) cap(CAPABILITY.EXTENDED_MESSAGE, []);
  const as4: number[] = [];
  pushU32(as4, o.asn);
  cap(CAPABILITY.FOUR_OCTET_AS, as4);
  if (o.addPath?.length) cap(CAPABILITY.ADD_PATH, o.addPath.flatMap((a) => [a.afi >> 8, a.afi & 0xff, a.safi, a.sendReceive]));
  const body: number[] = [4];
  pushU16(body, o.asn > 0xffff ? 23456 : o.asn);
  pushU16(body, o.holdTime);
  body.push(...o.bgpId.split('.').map(Number));
  // RFC 5492 §4: one Capabilities optional parameter (type 2) holding them all.
  body.push(caps.length + 2, 2, caps.length, ...caps);
  return frame(MESSAGE_TYPE.OPEN, body);
}

export function encodeKeepalive(): Uint8Array {
  return frame(MESSAGE_TYPE.KEEPALIVE, []);
}

export function encodeNotification(code: number, subcode: number, data: readonly number[] = []): Uint8Array {
  return frame(MESSAGE_TYPE.NOTIFICATION, [code, subcode, ...data]);
}

export function encodeRouteRefresh(afi: number, safi: number): Uint8Array {
  return frame(MESSAGE_TYPE.ROUTE_REFRESH, [afi >> 8, afi & 0xff, 0, safi]);
}

export interface UpdateInput {
  withdrawn?: Nlri[];
  attributes?: PathAttributes;
  nlri?: Nlri[];
}

/** Encode an UPDATE (RFC 4271 §4.3); IPv6 routes go in attributes.mpReach / mpUnreach. */
export function encodeUpdate(u: UpdateInput, opts: { as4: boolean; addPath?: (afi: number, safi: number) => boolean }): Uint8Array {
  const addPath4 = opts.addPath?.(AFI_IPV4, SAFI_UNICAST) ?? false;
  const w: number[] = [];
  encodeNlriList(u.withdrawn ?? [], addPath4, w);
  const a = u.attributes ? encodeAttributes(u.attributes, opts) : [];
  const n: number[] = [];
  encodeNlriList(u.nlri ?? [], addPath4, n);
  const body: number[] = [];
  pushU16(body, w.length);
  body.push(...w);
  pushU16(body, a.length);
  body.push(...a, ...n);
  return frame(MESSAGE_TYPE.UPDATE, body);
}

export { afiOf };
