/**
 * Mutation test of the 802.11 decoders: seeded mutants of real frame layouts (radiotap with extended bitmaps and a
 * vendor namespace, PPI, beacons with RSN/WPA/WPS/RSNXE, EAPOL-Key with a PMKID, deauthentication, a classic pcap
 * file). Every mutant either decodes or is refused with a MitmError; the decoded ones also go through the detector.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { decodeDot11 } from './frame.js';
import { SEED_FRAMES, SEED_PCAP } from './testdata/frames.js';
import { WifiIntrusionDetector } from './detect.js';
import { CaptureFileDecoder } from '../capture/file-format.js';
import { mutate as mutateWith, prng } from '../../test/fuzz/mutate.js';

const ROUNDS = 3000;
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** The shared mutation engine of every robustness test and the fuzzer (test/fuzz/mutate.ts). */
const mutate = (b: Uint8Array, rnd: () => number): Uint8Array => mutateWith(b, rnd, b);

const SEEDS = SEED_FRAMES.map(([lt, h]) => [lt, h] as const);

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
    const file = hex(SEED_PCAP);
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
