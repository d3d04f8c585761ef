/**
 * 802.11 frames from captured link-layer bytes (sans-IO): radiotap (127), PPI (192) or bare 802.11 (105) in, one
 * decoded event out. MAC header layout: IEEE 802.11-2020 §9.2.3 (Frame Control §9.2.4.1, little-endian), management
 * frame bodies §9.3.3, data frames §9.3.2. Only what the inventory and the detectors need is decoded; everything else
 * comes back as `other` with its type and subtype.
 */
import { MitmError } from '../errors.js';
import type { CapturedFrame } from '../model/index.js';
import { parseEapolKey, llcEtherType, ETHERTYPE_EAPOL, type EapolKey } from './eapol.js';
import { parseElements, summariseElements, ELEMENT_IDS, type ElementSummary } from './elements.js';
import { MAX_FRAME_BYTES } from './limits.js';
import { parsePpi } from './ppi.js';
import { parseRadiotap, type RadioInfo } from './radiotap.js';

export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_RADIOTAP = 127;
export const LINKTYPE_PPI = 192;
export const WIFI_LINK_TYPES: readonly number[] = [LINKTYPE_IEEE802_11, LINKTYPE_RADIOTAP, LINKTYPE_PPI];

/** Management subtypes (§9.2.4.1.3 Table 9-1) by the event kind they decode to. */
const MANAGEMENT_SUBTYPES: Record<number, ManagementKind> = {
  0: 'association-request',
  1: 'association-response',
  2: 'reassociation-request',
  3: 'reassociation-response',
  4: 'probe-request',
  5: 'probe-response',
  8: 'beacon',
  10: 'disassociation',
  11: 'authentication',
  12: 'deauthentication',
};
type ManagementKind =
  | 'association-request' | 'association-response' | 'reassociation-request' | 'reassociation-response'
  | 'probe-request' | 'probe-response' | 'beacon' | 'disassociation' | 'authentication' | 'deauthentication';

const NO_RADIO: RadioInfo = { frequencyMhz: null, channel: null, signalDbm: null, fcsAtEnd: false, badFcs: false };

/** What every decoded frame carries. Addresses are lower-case `aa:bb:cc:dd:ee:ff`. */
export interface Dot11Common {
  frameNumber: number;
  timestampUs: number;
  radio: RadioInfo;
  /** Receiver address (addr1). */
  receiver: string;
  /** Transmitter address (addr2), null for control frames that carry only addr1. */
  transmitter: string | null;
  /** The BSS the frame belongs to (addr3 for management frames; per To/From DS for data frames). */
  bssid: string | null;
  protected: boolean;
  retry: boolean;
}

export interface BeaconLike extends Dot11Common {
  kind: 'beacon' | 'probe-response';
  beaconIntervalTu: number;
  capability: number;
  /** Capability bit 4: the BSS requires confidentiality (WEP when neither RSN nor WPA element is present). */
  privacy: boolean;
  elements: ElementSummary;
}
export interface ProbeRequest extends Dot11Common {
  kind: 'probe-request';
  /** null or '' for a wildcard probe. */
  ssid: string | null;
}
export interface Authentication extends Dot11Common {
  kind: 'authentication';
  /** 0 open system, 1 shared key, 2 FT, 3 SAE, 4–6 FILS (§9.4.1.1). */
  algorithm: number;
  sequence: number;
  status: number;
}
export interface AssociationRequest extends Dot11Common {
  kind: 'association-request' | 'reassociation-request';
  elements: ElementSummary;
}
export interface AssociationResponse extends Dot11Common {
  kind: 'association-response' | 'reassociation-response';
  status: number;
}
export interface Deauthentication extends Dot11Common {
  kind: 'deauthentication' | 'disassociation';
  /** §9.4.1.7 reason code; null when the body is encrypted (protected management frame). */
  reason: number | null;
}
export interface EapolKeyFrame extends Dot11Common {
  kind: 'eapol-key';
  key: EapolKey;
}
export interface OtherFrame extends Dot11Common {
  kind: 'other';
  type: number;
  subtype: number;
}

export type Dot11Event =
  | BeaconLike | ProbeRequest | Authentication | AssociationRequest | AssociationResponse | Deauthentication | EapolKeyFrame | OtherFrame;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function mac(b: Uint8Array, at: number): string {
  return `${HEX[b[at]!]}:${HEX[b[at + 1]!]}:${HEX[b[at + 2]!]}:${HEX[b[at + 3]!]}:${HEX[b[at + 4]!]}:${HEX[b[at + 5]!]}`;
}

/** Bound of the element memo: distinct element lists remembered (a BSS repeats the same beacon elements). */
export const MAX_ELEMENT_MEMO = 1024;

/**
 * A memo of decoded element lists, keyed by their bytes: a network sends the same beacon ten times a second, and a
 * capture holds millions. Decoded summaries are shared and must not be mutated. Optional; decoding is the same without.
 */
export class ElementMemo {
  private readonly entries = new Map<number, { bytes: Uint8Array; summary: ElementSummary }[]>();
  private size = 0;

  decode(bytes: Uint8Array): ElementSummary {
    // FNV-1a over the bytes, then a full comparison against the few entries with that hash.
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    h = (h ^ bytes.length) >>> 0;
    const bucket = this.entries.get(h);
    if (bucket) {
      for (const e of bucket) if (equal(e.bytes, bytes)) return e.summary;
    }
    const summary = summariseElements(parseElements(bytes));
    if (this.size >= MAX_ELEMENT_MEMO) {
      this.entries.clear();
      this.size = 0;
    }
    const entry = { bytes: bytes.slice(), summary };
    if (bucket) bucket.push(entry);
    else this.entries.set(h, [entry]);
    this.size++;
    return summary;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function truncated(what: string, have: number, need: number): MitmError {
  return new MitmError('MG_ERR_TRUNCATED', `802.11: ${what} needs ${need} bytes, ${have} present`);
}

/** Strip the radio header for the frame's link type; return the bare 802.11 MPDU (FCS removed) and the radio facts. */
export function unwrapRadio(frame: CapturedFrame): { mpdu: Uint8Array; radio: RadioInfo } {
  const data = frame.data;
  if (data.length > MAX_FRAME_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `802.11: frame of ${data.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  let radio = NO_RADIO;
  let mpdu: Uint8Array;
  switch (frame.linkType) {
    case LINKTYPE_IEEE802_11:
      mpdu = data;
      break;
    case LINKTYPE_RADIOTAP: {
      const h = parseRadiotap(data);
      radio = h;
      mpdu = data.subarray(h.length);
      break;
    }
    case LINKTYPE_PPI: {
      const h = parsePpi(data);
      if (h.dlt !== LINKTYPE_IEEE802_11) throw new MitmError('MG_ERR_UNSUPPORTED', `ppi: inner link type ${h.dlt} is not 802.11`);
      radio = h;
      mpdu = data.subarray(h.length);
      break;
    }
    default:
      throw new MitmError('MG_ERR_UNSUPPORTED', `link type ${frame.linkType} is not 802.11 (105, 127 radiotap, 192 PPI)`);
  }
  if (radio.fcsAtEnd) {
    if (mpdu.length < 4) throw truncated('FCS', mpdu.length, 4);
    mpdu = mpdu.subarray(0, mpdu.length - 4);
  }
  return { mpdu, radio: { frequencyMhz: radio.frequencyMhz, channel: radio.channel, signalDbm: radio.signalDbm, fcsAtEnd: radio.fcsAtEnd, badFcs: radio.badFcs } };
}

/** Decode one captured frame into an 802.11 event. Malformed input raises a MitmError (never a crash). */
export function decodeDot11(frame: CapturedFrame, memo?: ElementMemo): Dot11Event {
  const { mpdu: b, radio } = unwrapRadio(frame);
  if (b.length < 10) throw truncated('MAC header', b.length, 10);
  const fc0 = b[0]!;
  const flags = b[1]!;
  if ((fc0 & 0x03) !== 0) throw new MitmError('MG_ERR_UNSUPPORTED', `802.11: protocol version ${fc0 & 0x03}`);
  const type = (fc0 >> 2) & 0x03;
  const subtype = (fc0 >> 4) & 0x0f;
  const toDs = (flags & 0x01) !== 0;
  const fromDs = (flags & 0x02) !== 0;
  const isProtected = (flags & 0x40) !== 0;
  const order = (flags & 0x80) !== 0;
  // One object per frame, completed in place with the kind's fields (no spread copies: this runs for every frame).
  const common = (receiver: string, transmitter: string | null, bssid: string | null): Dot11Common => ({
    frameNumber: frame.frameNumber, timestampUs: frame.timestampUs, radio, receiver, transmitter, bssid, protected: isProtected, retry: (flags & 0x08) !== 0,
  });

  if (type === 1) {
    // Control frames: addr1 always, addr2 for most; nothing else is read.
    const transmitter = b.length >= 16 ? mac(b, 10) : null;
    return Object.assign(common(mac(b, 4), transmitter, null), { kind: 'other' as const, type, subtype });
  }
  if (type === 3) throw new MitmError('MG_ERR_UNSUPPORTED', '802.11: extension frames (type 3) are not decoded');
  if (b.length < 24) throw truncated('MAC header', b.length, 24);
  const a1 = mac(b, 4);
  const a2 = mac(b, 10);
  const a3 = mac(b, 16);

  if (type === 0) {
    // §9.3.3.1: management header is 24 octets, +4 HT Control when the Order bit is set.
    const headerLength = 24 + (order ? 4 : 0);
    if (b.length < headerLength) throw truncated('MAC header', b.length, headerLength);
    const c = common(a1, a2, a3);
    const body = b.subarray(headerLength);
    const kind = MANAGEMENT_SUBTYPES[subtype];
    if (!kind || (isProtected && kind !== 'deauthentication' && kind !== 'disassociation')) return Object.assign(c, { kind: 'other' as const, type, subtype });
    return management(kind, body, c, memo);
  }

  // Data frames (§9.3.2.1): addr4 when both DS bits are set, QoS Control for QoS subtypes, HT Control for QoS+Order.
  const qos = (subtype & 0x08) !== 0;
  const headerLength = 24 + (toDs && fromDs ? 6 : 0) + (qos ? 2 : 0) + (qos && order ? 4 : 0);
  if (b.length < headerLength) throw truncated('data header', b.length, headerLength);
  const bssid = toDs && fromDs ? null : toDs ? a1 : fromDs ? a2 : a3;
  const c = common(a1, a2, bssid);
  const nullData = (subtype & 0x04) !== 0;
  if (!isProtected && !nullData) {
    const body = b.subarray(headerLength);
    if (llcEtherType(body) === ETHERTYPE_EAPOL) {
      const key = parseEapolKey(body.subarray(8));
      if (key) return Object.assign(c, { kind: 'eapol-key' as const, key });
    }
  }
  return Object.assign(c, { kind: 'other' as const, type, subtype });
}

function u16le(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function need(body: Uint8Array, n: number, what: string): void {
  if (body.length < n) throw truncated(what, body.length, n);
}

function management(kind: ManagementKind, body: Uint8Array, common: Dot11Common, memo: ElementMemo | undefined): Dot11Event {
  const elementsOf = (b: Uint8Array) => (memo ? memo.decode(b) : summariseElements(parseElements(b)));
  switch (kind) {
    case 'beacon':
    case 'probe-response': {
      // §9.3.3.2: Timestamp(8) Beacon Interval(2) Capability(2) elements.
      need(body, 12, kind);
      const capability = u16le(body, 10);
      return Object.assign(common, { kind, beaconIntervalTu: u16le(body, 8), capability, privacy: (capability & 0x0010) !== 0, elements: elementsOf(body.subarray(12)) });
    }
    case 'probe-request': {
      const elements = parseElements(body);
      const ssid = elements.find((e) => e.id === ELEMENT_IDS.ssid);
      return Object.assign(common, { kind, ssid: ssid ? summariseElements([ssid]).ssid : null });
    }
    case 'authentication':
      // §9.3.3.11: Algorithm(2) Transaction Sequence(2) Status(2) …
      need(body, 6, kind);
      return Object.assign(common, { kind, algorithm: u16le(body, 0), sequence: u16le(body, 2), status: u16le(body, 4) });
    case 'association-request':
      need(body, 4, kind); // Capability(2) Listen Interval(2)
      return Object.assign(common, { kind, elements: elementsOf(body.subarray(4)) });
    case 'reassociation-request':
      need(body, 10, kind); // Capability(2) Listen Interval(2) Current AP(6)
      return Object.assign(common, { kind, elements: elementsOf(body.subarray(10)) });
    case 'association-response':
    case 'reassociation-response':
      need(body, 6, kind); // Capability(2) Status(2) AID(2)
      return Object.assign(common, { kind, status: u16le(body, 2) });
    case 'deauthentication':
    case 'disassociation':
      if (common.protected) return Object.assign(common, { kind, reason: null });
      need(body, 2, kind);
      return Object.assign(common, { kind, reason: u16le(body, 0) });
  }
}
