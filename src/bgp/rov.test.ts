import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMitmError } from '../errors.js';
import { covers, parsePrefix, type Prefix } from './prefix.js';
import { formatVrp, RovTable } from './rov.js';
import { parseVrps, type Vrp } from './vrp.js';
import { prng } from '../../test/fuzz/mutate.js';

const vrp = (p: string, maxLength: number, asn: number): Vrp => ({ prefix: parsePrefix(p), maxLength, asn });

test('RFC 6811 states: valid, invalid by origin AS, invalid by max length, not found, AS_SET origin, AS 0', () => {
  const t = new RovTable([vrp('192.0.2.0/24', 24, 65001), vrp('198.51.100.0/22', 23, 65002), vrp('2001:db8::/32', 48, 65003), vrp('203.0.113.0/24', 24, 0)]);
  const v = (p: string, o: number | undefined) => t.validate(parsePrefix(p), o);
  assert.deepEqual(v('192.0.2.0/24', 65001), { state: 'valid' });
  assert.deepEqual(v('192.0.2.0/24', 65009), { state: 'invalid', reason: 'origin-as' });
  assert.deepEqual(v('192.0.2.0/25', 65001), { state: 'invalid', reason: 'max-length' });
  assert.deepEqual(v('198.51.100.0/23', 65002), { state: 'valid' });
  assert.deepEqual(v('198.51.101.0/24', 65002), { state: 'invalid', reason: 'max-length' });
  assert.deepEqual(v('198.51.96.0/21', 65002), { state: 'not-found' }, 'a less specific is not covered');
  assert.deepEqual(v('2001:db8:1::/48', 65003), { state: 'valid' });
  assert.deepEqual(v('2001:db8:1::/49', 65003), { state: 'invalid', reason: 'max-length' });
  assert.deepEqual(v('2001:db9::/32', 65003), { state: 'not-found' });
  assert.deepEqual(v('192.0.2.0/24', undefined), { state: 'invalid', reason: 'origin-as' }, 'NONE origin (AS_SET) cannot match');
  assert.deepEqual(v('203.0.113.0/24', 0), { state: 'invalid', reason: 'origin-as' }, 'AS0 VRP never matches (RFC 6483 §4)');
  const e = t.explain(parsePrefix('192.0.2.0/25'), 65001);
  assert.deepEqual(e.unmatched?.map(formatVrp), ['192.0.2.0/24-24 AS65001']);
});

function randomPrefix(rnd: () => number, afi: 4 | 6): Prefix {
  const bytes = new Uint8Array(afi === 4 ? 4 : 16);
  // Few distinct leading bits so that random prefixes overlap often.
  bytes[0] = afi === 4 ? 198 : 0x20;
  bytes[1] = Math.floor(rnd() * 4);
  for (let i = 2; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
  const length = afi === 4 ? 8 + Math.floor(rnd() * 25) : 16 + Math.floor(rnd() * 49);
  for (let bit = length; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(1 << (7 - (bit & 7)));
  return { afi, bytes, length };
}

test('the trie agrees with a linear scan of every VRP on 20,000 random routes (IPv4 and IPv6)', () => {
  const rnd = prng(6811);
  const vrps: Vrp[] = [];
  for (let i = 0; i < 3000; i++) {
    const afi = rnd() < 0.7 ? 4 : 6;
    const p = randomPrefix(rnd, afi);
    const top = afi === 4 ? 32 : 128;
    vrps.push({ prefix: p, maxLength: Math.min(top, p.length + Math.floor(rnd() * 4)), asn: 64512 + Math.floor(rnd() * 8) });
  }
  const t = new RovTable(vrps);
  for (let i = 0; i < 20000; i++) {
    const afi = rnd() < 0.7 ? 4 : 6;
    const p = i % 3 === 0 ? vrps[Math.floor(rnd() * vrps.length)]!.prefix : randomPrefix(rnd, afi);
    const origin = 64512 + Math.floor(rnd() * 8);
    const cov = vrps.filter((v) => covers(v.prefix, p));
    const expected = cov.length === 0 ? 'not-found' : cov.some((v) => v.asn === origin && p.length <= v.maxLength) ? 'valid' : 'invalid';
    assert.equal(t.validate(p, origin).state, expected);
  }
});

test('rpki-client JSON (with expires), Routinator json / jsonext (with validity) and CSV all load', () => {
  const rc = parseVrps(JSON.stringify({
    metadata: { buildmachine: 'x', buildtime: '2026-12-01T00:00:00Z' },
    roas: [{ asn: 65001, prefix: '192.0.2.0/24', maxLength: 24, ta: 'test', expires: 1800000000 }],
  }));
  assert.equal(rc.format, 'rpki-client-json');
  assert.deepEqual(rc.vrps.map((v) => [formatVrp(v), v.ta, v.expires]), [['192.0.2.0/24-24 AS65001', 'test', 1800000000]]);
  const rj = parseVrps(JSON.stringify({ metadata: { generated: 1700000000 }, roas: [{ asn: 'AS4200000001', prefix: '2001:db8::/32', maxLength: 48, ta: 'ta' }] }));
  assert.equal(rj.format, 'routinator-json');
  assert.equal(rj.generated, 1700000000);
  assert.deepEqual(rj.vrps.map(formatVrp), ['2001:db8::/32-48 AS4200000001']);
  const rx = parseVrps(JSON.stringify({ roas: [{ asn: 'AS65002', prefix: '198.51.100.0/24', maxLength: 24, source: [{ type: 'roa', validity: { notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-12-10T00:00:00Z' }, chainValidity: { notAfter: '2026-12-08T00:00:00Z' } }] }] }));
  assert.equal(rx.format, 'routinator-jsonext');
  assert.equal(rx.vrps[0]!.expires, Date.parse('2026-12-08T00:00:00Z') / 1000, 'the earlier of the ROA and its chain');
  const csv = parseVrps('ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS65001,192.0.2.0/24,24,test,1800000000\r\nAS65003,203.0.113.0/24,25,test,1800000001\n');
  assert.deepEqual(csv.vrps.map((v) => [formatVrp(v), v.expires]), [['192.0.2.0/24-24 AS65001', 1800000000], ['203.0.113.0/24-25 AS65003', 1800000001]]);
  const routinatorCsv = parseVrps('ASN,IP Prefix,Max Length,Trust Anchor\nAS65001,192.0.2.0/24,24,ripe\n');
  assert.equal(routinatorCsv.vrps[0]!.ta, 'ripe');
});

test('bad VRP input is refused with MG_ERR_MALFORMED naming the entry', () => {
  const bad = [
    '', '{"roas": 3}', '{not json', 'ASN,Prefix\nAS1,192.0.2.0/24',
    JSON.stringify({ roas: [{ asn: 'AS65001', prefix: '192.0.2.0/24', maxLength: 23 }] }),
    JSON.stringify({ roas: [{ asn: 'AS65001', prefix: '192.0.2.1/24', maxLength: 24 }] }),
    JSON.stringify({ roas: [{ asn: 'ASX', prefix: '192.0.2.0/24', maxLength: 24 }] }),
    'ASN,IP Prefix,Max Length\nAS65001,192.0.2.0/24,33\n',
  ];
  for (const text of bad) assert.throws(() => parseVrps(text), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED'), text);
});

test('2,500 mutated VRP files (JSON and CSV) load or fail with a MitmError', async () => {
  const { hammer } = await import('../../test/fuzz/mutate.js');
  const seeds = [
    JSON.stringify({ metadata: { buildtime: '2026-12-01T00:00:00Z' }, roas: [{ asn: 65001, prefix: '192.0.2.0/24', maxLength: 24, ta: 'test', expires: 1800000000 }, { asn: 'AS65002', prefix: '2001:db8::/32', maxLength: 48, ta: 't' }] }),
    JSON.stringify({ roas: [{ asn: 'AS65002', prefix: '198.51.100.0/24', maxLength: 24, source: [{ validity: { notAfter: '2026-12-10T00:00:00Z' } }] }] }),
    'ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS65001,192.0.2.0/24,24,test,1800000000\nAS65003,203.0.113.0/24,25,test,1800000001\n',
  ].map((t) => new TextEncoder().encode(t));
  const r = hammer(seeds, (b) => parseVrps(new TextDecoder().decode(b)), 2500, 61);
  assert.equal(r.crash, undefined, r.crash);
  assert.ok(r.ok > 0 && r.refused > 0);
});
