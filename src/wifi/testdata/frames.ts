/**
 * Seed frames of the 802.11 decoder's robustness test and fuzz targets: radiotap with an extended bitmap and a vendor
 * namespace, radiotap with TSFT after an extension word, PPI with 802.11-Common, a beacon carrying RSN, RSNXE, WPA, WPS
 * and OWE-transition elements, an EAPOL-Key message 1 with a PMKID, a deauthentication, a probe request, an association
 * request and an authentication frame. Byte layouts as the frame.ts comments cite them.
 */
import { LINKTYPE_IEEE802_11, LINKTYPE_PPI, LINKTYPE_RADIOTAP } from '../frame.js';

const BSSID = '020000000006';
const ELEMENTS =
  '0007436f7270536165 010482848b96 030124 30180100000fac040100000fac040200000fac02000fac088000 ' +
  'f40120 dd160050f201 0100 0050f202 0100 0050f202 0100 0050f202 dd180050f204 104a000110 1044000102 10110006546573744150 dd05506f9a1c00';
const BEACON = `8000 0000 ffffffffffff ${BSSID} ${BSSID} 0000 0000000000000000 6400 1104 ${ELEMENTS}`;
const EAPOL = `8802 0000 0200000000aa ${BSSID} ${BSSID} 0000 0600 aaaa03000000888e 0203 0075 02 008a 0010 0000000000000001 ${'11'.repeat(32)} ${'00'.repeat(32)} ${'00'.repeat(16)} 0016 dd14000fac04${'ab'.repeat(16)}`;
/** Frame layouts the decoder must read: [link type, hex]. */
export const SEED_FRAMES: [number, string][] = [
  [LINKTYPE_RADIOTAP, `00 00 1a00 2a0000c0 00000000 10 00 3c14 4001 d3 00 001122 00 0000 ${BEACON} deadbeef`],
  [LINKTYPE_RADIOTAP, `00 00 1900 21000080 00000000 00000000 0102030405060708 c4 ${BEACON}`],
  [LINKTYPE_PPI, `00 00 2000 69000000 0200 1400 0000000000000000 0100 0200 6c09 a000 00 00 ce a0 ${BEACON} deadbeef`],
  [LINKTYPE_IEEE802_11, EAPOL],
  [LINKTYPE_IEEE802_11, `c000 0000 ffffffffffff ${BSSID} ${BSSID} 0000 0700`],
  [LINKTYPE_IEEE802_11, `4000 0000 ffffffffffff 0200000000aa ffffffffffff 0000 0007436f7270536165`],
  [LINKTYPE_IEEE802_11, `0000 0000 ${BSSID} 0200000000aa ${BSSID} 0000 1104 0a00 0007436f7270536165 30140100000fac040100000fac040100000fac080000`],
  [LINKTYPE_IEEE802_11, `b000 0000 ${BSSID} 0200000000aa ${BSSID} 0000 0000 0100 0000`],
];

/** A classic pcap file (radiotap) with two 10-byte records. */
export const SEED_PCAP = `d4c3b2a1 0200 0400 00000000 00000000 ffff0000 7f000000 ${`${'00'.repeat(8)}0a0000000a000000${'00'.repeat(10)}`.repeat(2)}`;
