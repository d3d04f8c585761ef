/**
 * Link layers (tcpdump.org link-layer header types): Ethernet with 802.1Q / 802.1ad tags, Linux cooked SLL and SLL2,
 * raw IPv4/IPv6 and BSD loopback. Radiotap and 802.11 frames are not decoded here: `WIFI_LINK_TYPES` names them so
 * the analyser hands them to the Wi-Fi wing untouched.
 */
import { MitmError } from '../errors.js';
import { CAPTURE_LIMITS } from './limits.js';

export const LINK_TYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  IEEE802_11: 105,
  LOOP: 108,
  LINUX_SLL: 113,
  IEEE802_11_PRISM: 119,
  IEEE802_11_RADIOTAP: 127,
  IEEE802_11_AVS: 163,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** 802.11 link types the Wi-Fi wing decodes (radiotap, plain 802.11, Prism, AVS). */
export const WIFI_LINK_TYPES: ReadonlySet<number> = new Set([LINK_TYPE.IEEE802_11, LINK_TYPE.IEEE802_11_RADIOTAP, LINK_TYPE.IEEE802_11_PRISM, LINK_TYPE.IEEE802_11_AVS]);

export const ETHER_TYPE = { IPV4: 0x0800, ARP: 0x0806, IPV6: 0x86dd, VLAN: 0x8100, QINQ: 0x88a8, QINQ_OLD: 0x9100 } as const;

export interface LinkFrame {
  /** Ethernet (or SLL) source and destination MAC, lower-case with colons; null where the link has none. */
  readonly srcMac: string | null;
  readonly dstMac: string | null;
  /** 802.1Q VLAN ids, outermost first. */
  vlans: number[];
  /** EtherType of the payload (for raw and loopback links, derived from the IP version / address family). */
  etherType: number;
  payload: Uint8Array;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Six bytes at `off` as `aa:bb:cc:dd:ee:ff`. */
export function macAt(b: Uint8Array, off: number): string {
  return `${HEX[b[off]!]}:${HEX[b[off + 1]!]}:${HEX[b[off + 2]!]}:${HEX[b[off + 3]!]}:${HEX[b[off + 4]!]}:${HEX[b[off + 5]!]}`;
}

function short(what: string, need: number, have: number): MitmError {
  return new MitmError('MG_ERR_TRUNCATED', `${what}: needs ${need} bytes, frame has ${have}`, { details: { needed: need, length: have } });
}

/** IEEE 802.3 / 802.1Q: destination, source, then EtherType, each VLAN tag inserting TPID+TCI before the real type. */
function ethernet(d: Uint8Array): LinkFrame {
  if (d.length < 14) throw short('Ethernet header', 14, d.length);
  let off = 12;
  let type = (d[off]! << 8) | d[off + 1]!;
  const vlans: number[] = [];
  while (type === ETHER_TYPE.VLAN || type === ETHER_TYPE.QINQ || type === ETHER_TYPE.QINQ_OLD) {
    if (vlans.length >= CAPTURE_LIMITS.maxVlanTags) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${CAPTURE_LIMITS.maxVlanTags} VLAN tags`, { details: { limit: CAPTURE_LIMITS.maxVlanTags } });
    if (d.length < off + 6) throw short('802.1Q tag', off + 6, d.length);
    vlans.push(((d[off + 2]! << 8) | d[off + 3]!) & 0x0fff);
    off += 4;
    type = (d[off]! << 8) | d[off + 1]!;
  }
  if (type < 0x0600) throw new MitmError('MG_ERR_UNSUPPORTED', `IEEE 802.3 length field ${type} (LLC/SNAP frames are not decoded)`, { details: { etherType: type } });
  return new EthernetFrame(d, vlans, type, d.subarray(off + 2));
}

/** MAC addresses are formatted only when a detector reads them (most frames never need them). */
class EthernetFrame implements LinkFrame {
  private src: string | undefined;
  private dst: string | undefined;
  constructor(
    private readonly d: Uint8Array,
    readonly vlans: number[],
    readonly etherType: number,
    readonly payload: Uint8Array,
  ) {}
  get srcMac(): string {
    return (this.src ??= macAt(this.d, 6));
  }
  get dstMac(): string {
    return (this.dst ??= macAt(this.d, 0));
  }
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL): packet type, ARPHRD, address length, 8 address bytes, protocol. */
function sll(d: Uint8Array): LinkFrame {
  if (d.length < 16) throw short('Linux SLL header', 16, d.length);
  const addrLen = (d[4]! << 8) | d[5]!;
  const type = (d[14]! << 8) | d[15]!;
  return { srcMac: addrLen === 6 ? macAt(d, 6) : null, dstMac: null, vlans: [], etherType: type, payload: d.subarray(16) };
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): protocol, reserved, ifindex, ARPHRD, packet type, address length, address. */
function sll2(d: Uint8Array): LinkFrame {
  if (d.length < 20) throw short('Linux SLL2 header', 20, d.length);
  const type = (d[0]! << 8) | d[1]!;
  const addrLen = d[11]!;
  return { srcMac: addrLen === 6 ? macAt(d, 12) : null, dstMac: null, vlans: [], etherType: type, payload: d.subarray(20) };
}

function raw(d: Uint8Array): LinkFrame {
  if (d.length < 1) throw short('raw IP packet', 1, 0);
  const v = d[0]! >> 4;
  if (v !== 4 && v !== 6) throw new MitmError('MG_ERR_MALFORMED', `raw IP packet of version ${v}`, { details: { version: v } });
  return { srcMac: null, dstMac: null, vlans: [], etherType: v === 4 ? ETHER_TYPE.IPV4 : ETHER_TYPE.IPV6, payload: d };
}

/** BSD loopback: a 4-byte address family, host byte order (NULL) or network order (LOOP); IPv6 is 24, 28 or 30. */
function loopback(d: Uint8Array, littleFirst: boolean): LinkFrame {
  if (d.length < 4) throw short('loopback header', 4, d.length);
  const dv = new DataView(d.buffer, d.byteOffset, 4);
  let af = dv.getUint32(0, littleFirst);
  // The NULL header is in the capturing host's order: accept either when the other reading is implausible.
  if (af > 0xffff) af = dv.getUint32(0, !littleFirst);
  const etherType = af === 2 ? ETHER_TYPE.IPV4 : af === 24 || af === 28 || af === 30 ? ETHER_TYPE.IPV6 : -1;
  if (etherType < 0) throw new MitmError('MG_ERR_UNSUPPORTED', `loopback address family ${af}`, { details: { family: af } });
  return { srcMac: null, dstMac: null, vlans: [], etherType, payload: d.subarray(4) };
}

const DECODERS: Readonly<Record<number, (d: Uint8Array) => LinkFrame>> = {
  [LINK_TYPE.ETHERNET]: ethernet,
  [LINK_TYPE.LINUX_SLL]: sll,
  [LINK_TYPE.LINUX_SLL2]: sll2,
  [LINK_TYPE.RAW]: raw,
  [LINK_TYPE.IPV4]: raw,
  [LINK_TYPE.IPV6]: raw,
  [LINK_TYPE.NULL]: (d) => loopback(d, true),
  [LINK_TYPE.LOOP]: (d) => loopback(d, false),
};

/** Decode the link header of a frame of `linkType`. Unknown link types fail with MG_ERR_UNSUPPORTED (a counted skip). */
export function decodeLink(linkType: number, data: Uint8Array): LinkFrame {
  const decode = DECODERS[linkType];
  if (!decode) throw new MitmError('MG_ERR_UNSUPPORTED', `link type ${linkType} is not decoded`, { details: { linkType } });
  return decode(data);
}
