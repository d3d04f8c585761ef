/**
 * Mutation test of the 802.11 decoders: seeded mutants of real frame layouts (radiotap with extended bitmaps and a
 * vendor namespace, PPI, beacons with RSN/WPA/WPS/RSNXE, EAPOL-Key with a PMKID, deauthentication, a classic pcap
 * file). Every mutant either decodes or is refused with a MitmError; the decoded ones also go through the detector.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { decodeDot11, LINKTYPE_IEEE802_11, LINKTYPE_PPI, LINKTYPE_RADIOTAP } from './frame.js';
import { WifiIntrusionDetector } from './detect.js';
import { CaptureFileDecoder } from '../capture/file-format.js';

const ROUNDS = 3000;
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

function mutate(b: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  const c = Uint8Array.from(b);
  switch (pick(6)) {
    case 0:
      if (c.length) c[pick(c.length)]! ^= 1 << pick(8);
      return c;
    case 1:
      if (c.length) c[pick(c.length)] = [0x00, 0xff, 0x80, 0x7f, 0x01][pick(5)]!;
      return c;
    case 2:
      return c.subarray(0, pick(c.length + 1));
    case 3: {
      const at = pick(c.length + 1);
      return new Uint8Array([...c.subarray(0, at), ...Array.from({ length: 1 + pick(8) }, () => pick(256)), ...c.subarray(at)]);
    }
    case 4: {
      const at = pick(c.length + 1);
      const n = pick(40);
      return new Uint8Array([...c.subarray(0, at), ...c.subarray(at, at + n), ...c.subarray(at)]);
    }
    default:
      for (let i = 0; i < 4 && c.length; i++) c[pick(c.length)] = pick(256);
      return c;
  }
}

const BSSID = '020000000006';
const ELEMENTS =
  '0007436f7270536165 010482848b96 030124 30180100000fac040100000fac040200000fac02000fac088000 ' +
  'f40120 dd160050f201 0100 0050f202 0100 0050f202 0100 0050f202 dd180050f204 104a000110 1044000102 10110006546573744150 dd05506f9a1c00';
const BEACON = `8000 0000 ffffffffffff ${BSSID} ${BSSID} 0000 0000000000000000 6400 1104 ${ELEMENTS}`;
const EAPOL = `8802 0000 0200000000aa ${BSSID} ${BSSID} 0000 0600 aaaa03000000888e 0203 0075 02 008a 0010 0000000000000001 ${'11'.repeat(32)} ${'00'.repeat(32)} ${'00'.repeat(16)} 0016 dd14000fac04${'ab'.repeat(16)}`;
const SEEDS: [number, string][] = [
  [LINKTYPE_RADIOTAP, `00 00 1a00 2a0000c0 00000000 10 00 3c14 4001 d3 00 001122 00 0000 ${BEACON} deadbeef`],
  [LINKTYPE_RADIOTAP, `00 00 1900 21000080 00000000 00000000 0102030405060708 c4 ${BEACON}`],
  [LINKTYPE_PPI, `00 00 2000 69000000 0200 1400 0000000000000000 0100 0200 6c09 a000 00 00 ce a0 ${BEACON} deadbeef`],
  [LINKTYPE_IEEE802_11, EAPOL],
  [LINKTYPE_IEEE802_11, `c000 0000 ffffffffffff ${BSSID} ${BSSID} 0000 0700`],
  [LINKTYPE_IEEE802_11, `4000 0000 ffffffffffff 0200000000aa ffffffffffff 0000 0007436f7270536165`],
  [LINKTYPE_IEEE802_11, `0000 0000 ${BSSID} 0200000000aa ${BSSID} 0000 1104 0a00 0007436f7270536165 30140100000fac040100000fac040100000fac080000`],
  [LINKTYPE_IEEE802_11, `b000 0000 ${BSSID} 0200000000aa ${BSSID} 0000 0000 0100 0000`],
];

describe('802.11 decoder robustness', () => {
  it('every seed decodes as it is', () => {
    for (const [lt, h] of SEEDS) decodeDot11({ linkType: lt, data: hex(h), timestampUs: 0, originalLength: 0, interfaceId: 0, frameNumber: 1 });
  });

  it(`${ROUNDS} mutants per seed: each decodes or is refused with a MitmError, and the detector takes what decodes`, () => {
    const rnd = prng(0x80211);
    const detector = new WifiIntrusionDetector({ target: 'mutants' });
    let refused = 0;
    let decoded = 0;
    for (const [lt, h] of SEEDS) {
      const seed = hex(h);
      for (let i = 0; i < ROUNDS; i++) {
        const data = mutate(seed, rnd);
        try {
          const e = decodeDot11({ linkType: lt, data, timestampUs: i * 1000, originalLength: data.length, interfaceId: 0, frameNumber: i + 1 });
          decoded++;
          detector.observe(e);
        } catch (err) {
          if (!isMitmError(err)) assert.fail(`seed ${lt}/${h.slice(0, 24)}… mutant ${Buffer.from(data).toString('hex')} threw ${String(err)}`);
          refused++;
        }
      }
    }
    detector.finish();
    assert.ok(refused > 0 && decoded > 0, `refused ${refused}, decoded ${decoded}`);
  });

  it('the classic pcap reader refuses mutants of a file with a MitmError', () => {
    const record = hex(`${'00'.repeat(4)}${'00'.repeat(4)}0a0000000a000000${'00'.repeat(10)}`);
    const file = new Uint8Array([...hex('d4c3b2a1 0200 0400 00000000 00000000 ffff0000 7f000000'), ...record, ...record]);
    const rnd = prng(7);
    for (let i = 0; i < ROUNDS; i++) {
      const m = mutate(file, rnd);
      try {
        const r = new CaptureFileDecoder();
        r.push(m.subarray(0, 13));
        r.push(m.subarray(13));
        r.end();
      } catch (err) {
        if (!isMitmError(err)) assert.fail(`pcap mutant ${Buffer.from(m).toString('hex')} threw ${String(err)}`);
      }
    }
  });
});
