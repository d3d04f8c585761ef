import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import type { CapturedFrame } from '../model/index.js';
import { decodeDot11, LINKTYPE_IEEE802_11, LINKTYPE_PPI, LINKTYPE_RADIOTAP } from './frame.js';
import { parseRadiotap } from './radiotap.js';
import { parseRsn, parseElements, summariseElements } from './elements.js';
import { parseEapolKey } from './eapol.js';
import { classifySecurity } from './security.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const frame = (linkType: number, data: Uint8Array, n = 1): CapturedFrame => ({ linkType, data, timestampUs: 1_000_000 * n, originalLength: data.length, interfaceId: 0, frameNumber: n });

const BSSID = '020000000006';
/** A beacon MPDU (802.11-2020 §9.3.3.2): FC 80 00, duration, DA broadcast, SA, BSSID, seq, timestamp, interval, capability, elements. */
function beaconMpdu(elements: string, capability = '1104'): Uint8Array {
  return hex(`8000 0000 ffffffffffff ${BSSID} ${BSSID} 0000 0000000000000000 6400 ${capability} ${elements}`);
}
const SSID = '0007 436f7270536165'; // "CorpSae"
const RSN_SAE = '30 14 0100 000fac04 0100 000fac04 0100 000fac08 c000'; // SAE, MFPC|MFPR
const RSNXE_H2E = 'f4 01 20';

describe('radiotap', () => {
  it('walks the present bitmap with alignment: flags, channel, signal', () => {
    // present = Flags(1) | Channel(3) | dBm signal(5) = 0x2a; flags at 8, pad to 10, channel at 10..14, signal at 14
    const h = parseRadiotap(hex('00 00 0f00 2a000000 10 00 8509 a000 d8'));
    assert.equal(h.length, 15);
    assert.equal(h.fcsAtEnd, true);
    assert.equal(h.frequencyMhz, 2437);
    assert.equal(h.channel, 6);
    assert.equal(h.signalDbm, -40);
  });
  it('follows extended present words and aligns the 8-byte TSFT after them', () => {
    // word0 = TSFT(0) | dBm signal(5) | ext(31); word1 = 0 (radiotap namespace, no bits); TSFT aligned to 8 at offset 16
    const h = parseRadiotap(hex('00 00 1900 21000080 00000000 00000000 0102030405060708 c4'));
    assert.equal(h.length, 25);
    assert.equal(h.signalDbm, -60);
    assert.deepEqual(h.present, [0, 5]);
  });
  it('skips a vendor namespace by its skip_length and keeps reading the radiotap words', () => {
    // word0: dBm signal(5) + vendor ns(30) + ext(31); word1: (vendor ns, no fields); signal at 12; vendor hdr aligned to 2 at 14: OUI, subns, skip 2, 2 bytes
    const h = parseRadiotap(hex('00 00 1600 200000c0 00000000 b5 00 001122 00 0200 abcd'));
    assert.equal(h.signalDbm, -75);
    assert.equal(h.length, 22);
  });
  it('refuses lengths that lie', () => {
    assert.throws(() => parseRadiotap(hex('00 00 4000 02000000 10')), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
    assert.throws(() => parseRadiotap(hex('00 00 0400 00000000')), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
    assert.throws(() => parseRadiotap(hex('00 00 0900 08000000 00')), (e) => isMitmError(e, 'MG_ERR_MALFORMED')); // channel runs past it_len
  });
});

describe('802.11 management frames', () => {
  it('decodes a radiotap beacon with FCS: SSID, RSN AKM SAE, MFPR, RSNXE H2E → WPA3-Personal', () => {
    const mpdu = beaconMpdu(`${SSID} 0301 24 ${RSN_SAE} ${RSNXE_H2E}`);
    const data = new Uint8Array([...hex('00 00 0f00 2a000000 10 00 3c14 4001 d3'), ...mpdu, 0xde, 0xad, 0xbe, 0xef]);
    const e = decodeDot11(frame(LINKTYPE_RADIOTAP, data));
    assert.equal(e.kind, 'beacon');
    if (e.kind !== 'beacon') return;
    assert.equal(e.bssid, '02:00:00:00:00:06');
    assert.equal(e.elements.ssid, 'CorpSae');
    assert.equal(e.elements.dsChannel, 36);
    assert.equal(e.radio.channel, 36);
    assert.equal(e.elements.rsn?.akms[0]?.name, 'SAE');
    const s = classifySecurity(e.privacy, e.elements);
    assert.equal(s.label, 'wpa3-personal');
    assert.equal(s.pmf, 'required');
    assert.equal(s.saeH2e, true);
  });
  it('decodes the same beacon inside PPI with an 802.11-Common field', () => {
    // PPI: version 0, flags 0, len 32, dlt 105; field type 2 len 20: TSF, flags, rate, freq 2412, chan flags, hop, pattern, signal -50, noise
    const ppi = hex('00 00 2000 69000000 0200 1400 0000000000000000 0000 0200 6c09 a000 00 00 ce a0');
    const e = decodeDot11(frame(LINKTYPE_PPI, new Uint8Array([...ppi, ...beaconMpdu(`${SSID} ${RSN_SAE}`)])));
    assert.equal(e.kind, 'beacon');
    assert.equal(e.radio.channel, 1);
    assert.equal(e.radio.signalDbm, -50);
  });
  it('tells WPA3 transition (PSK + SAE, MFPC) from WPA2-Personal and open', () => {
    const mixed = summariseElements(parseElements(hex(`${SSID} 30 18 0100 000fac04 0100 000fac04 0200 000fac02 000fac08 8000`)));
    assert.equal(classifySecurity(true, mixed).label, 'wpa3-personal-transition');
    assert.equal(classifySecurity(true, mixed).transition, true);
    const psk = summariseElements(parseElements(hex(`${SSID} 30 14 0100 000fac04 0100 000fac04 0100 000fac02 0000`)));
    assert.equal(classifySecurity(true, psk).label, 'wpa2-personal');
    assert.equal(classifySecurity(true, psk).pmf, 'off');
    assert.equal(classifySecurity(false, summariseElements(parseElements(hex(SSID)))).label, 'open');
    assert.equal(classifySecurity(true, summariseElements(parseElements(hex(SSID)))).label, 'wep');
  });
  it('reads a truncated RSN element only to a field boundary', () => {
    const r = parseRsn(hex('0100 000fac04'));
    assert.equal(r.groupCipher?.name, 'CCMP-128');
    assert.deepEqual(r.akms, []);
    assert.throws(() => parseRsn(hex('0100 000fac04 0500 000fac04')), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  });
  it('refuses an element whose length runs past the body', () => {
    assert.throws(() => decodeDot11(frame(LINKTYPE_IEEE802_11, beaconMpdu('0020 41'))), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  });
  it('decodes deauthentication reasons and treats a protected one as encrypted', () => {
    const deauth = hex(`c000 0000 ffffffffffff ${BSSID} ${BSSID} 0000 0700`);
    const e = decodeDot11(frame(LINKTYPE_IEEE802_11, deauth));
    assert.equal(e.kind, 'deauthentication');
    if (e.kind === 'deauthentication') assert.equal(e.reason, 7);
    const prot = hex(`c040 0000 ffffffffffff ${BSSID} ${BSSID} 0000 112233445566778899`);
    const p = decodeDot11(frame(LINKTYPE_IEEE802_11, prot));
    if (p.kind === 'deauthentication') assert.equal(p.reason, null);
    else assert.fail('not a deauthentication');
  });
  it('refuses other link types', () => {
    assert.throws(() => decodeDot11(frame(1, new Uint8Array(40))), (e) => isMitmError(e, 'MG_ERR_UNSUPPORTED'));
  });
});

describe('EAPOL-Key', () => {
  const key = (info: string, keyData: string, mic = 16) =>
    hex(`02 03 ${((79 + mic + keyData.replace(/\s/g, '').length / 2)).toString(16).padStart(4, '0')} 02 ${info} 0010 0000000000000001 ${'11'.repeat(32)} ${'00'.repeat(32)} ${'00'.repeat(mic)} ${(keyData.replace(/\s/g, '').length / 2).toString(16).padStart(4, '0')} ${keyData}`);
  it('recognises message 1 with a PMKID KDE', () => {
    const k = parseEapolKey(key('008a', `dd14 000fac04 ${'ab'.repeat(16)}`));
    assert.equal(k?.message, 1);
    assert.equal(k?.hasPmkid, true);
    assert.equal(k?.micLength, 16);
  });
  it('finds a 24-octet MIC (Suite B 192) from the key data length, and message 2', () => {
    const k = parseEapolKey(key('010a', '30140100000fac040100000fac040100000fac0c0000', 24));
    assert.equal(k?.micLength, 24);
    assert.equal(k?.message, 2);
    assert.equal(k?.hasPmkid, false);
  });
  it('refuses a key data length that fits no MIC size', () => {
    const b = key('008a', '');
    b[b.length - 1] = 9;
    assert.throws(() => parseEapolKey(b), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });
});

describe('element memo', () => {
  it('decodes exactly as without it, shares repeated element lists, and stays bounded', async () => {
    const { ElementMemo, MAX_ELEMENT_MEMO } = await import('./frame.js');
    const memo = new ElementMemo();
    const a = beaconMpdu(`${SSID} ${RSN_SAE} ${RSNXE_H2E}`);
    const plain = decodeDot11(frame(LINKTYPE_IEEE802_11, a));
    const m1 = decodeDot11(frame(LINKTYPE_IEEE802_11, a, 1), memo);
    const m2 = decodeDot11(frame(LINKTYPE_IEEE802_11, Uint8Array.from(a), 2), memo);
    assert.deepEqual(m1, { ...plain });
    if (m1.kind !== 'beacon' || m2.kind !== 'beacon') return assert.fail('not beacons');
    assert.equal(m1.elements, m2.elements);
    // a different SSID of the same length is a different list, whatever the hash says
    const b = beaconMpdu(`0007 436f7270536166 ${RSN_SAE}`);
    const m3 = decodeDot11(frame(LINKTYPE_IEEE802_11, b, 3), memo);
    if (m3.kind === 'beacon') assert.equal(m3.elements.ssid, 'CorpSaf');
    for (let i = 0; i < MAX_ELEMENT_MEMO + 10; i++) {
      const ssid = Buffer.from(`n${i}`.padEnd(7, 'x')).toString('hex');
      const e = decodeDot11(frame(LINKTYPE_IEEE802_11, beaconMpdu(`0007 ${ssid}`), i), memo);
      if (e.kind === 'beacon') assert.equal(e.elements.ssid, `n${i}`.padEnd(7, 'x'));
    }
  });
});

describe('SSIDs from the air', () => {
  it('control characters, C1 controls and bidi overrides are shown as escapes, never passed to a terminal', () => {
    // "Corp" ESC [2J, then U+009B (C2 9B) and U+202E (E2 80 AE): valid UTF-8 with terminal and bidi controls
    const ssid = Buffer.from('Corp\x1b[2J\u009b\u202e', 'utf8');
    const mpdu = beaconMpdu(`00${ssid.length.toString(16).padStart(2, '0')} ${ssid.toString('hex')}`);
    const e = decodeDot11(frame(LINKTYPE_IEEE802_11, mpdu));
    if (e.kind !== 'beacon') return assert.fail('not a beacon');
    assert.equal(e.elements.ssid, 'Corp\\x1b[2J\\x9b\\u202e');
    // invalid UTF-8 is escaped byte by byte
    const raw = decodeDot11(frame(LINKTYPE_IEEE802_11, beaconMpdu('0003 ff415c')));
    if (raw.kind === 'beacon') assert.equal(raw.elements.ssid, '\\xffA\\x5c');
  });
});
