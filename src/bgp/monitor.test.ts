import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMitmError } from '../errors.js';
import type { Finding } from '../model/index.js';
import type { AsPathSegment } from './attributes.js';
import { flatPath, originAs } from './attributes.js';
import type { RouteEvent } from './events.js';
import { BgpMonitor } from './monitor.js';
import { parseMonitorConfig } from './monitor-config.js';
import { parsePrefix } from './prefix.js';
import { RovTable } from './rov.js';
import { parseVrps } from './vrp.js';

const T0 = Date.parse('2026-12-01T00:00:00Z') * 1000;
const PEERS = [{ address: '198.18.0.1', asn: 64601 }, { address: '198.18.0.2', asn: 64602 }, { address: '198.18.0.3', asn: 64603 }];

function ann(peer: number, prefix: string, asns: number[], t = 0, set?: number[]): RouteEvent {
  const path: AsPathSegment[] = [{ type: 'sequence', asns }];
  if (set) path.push({ type: 'set', asns: set });
  return { type: 'announce', timestampUs: T0 + t * 1e6, peer: PEERS[peer]!, prefix: parsePrefix(prefix), path, asns: flatPath(path), origin: originAs(path), attributes: { asPath: path }, source: 'update' };
}
const wd = (peer: number, prefix: string, t = 0): RouteEvent => ({ type: 'withdraw', timestampUs: T0 + t * 1e6, peer: PEERS[peer]!, prefix: parsePrefix(prefix), source: 'update' });

// BGPalerter's prefixes.yml, in its own form: prefix keys, asn scalar or list, options.monitorASns with neighbours.
const BGPALERTER = `
192.0.2.0/24:
  description: office
  asn: 64500
  ignoreMorespecifics: false
  ignore: false
  group: default
198.51.100.0/24:
  description: datacentre
  asn:
    - 64500
    - 64501
  ignoreMorespecifics: true
  path:
    - match: ".*,64666,.*"
      matchDescription: route through the scrubbing provider
    - maxLength: 5
2001:db8::/32:
  description: v6
  asn: 64500
  ignoreMorespecifics: false
  excludeMonitors:
    - withdrawal-detection
options:
  monitorASns:
    '64500':
      group: default
      upstreams: [64510, 64511]
      downstreams: [64520]
`;

function run(events: RouteEvent[], yaml = BGPALERTER, vrpText?: string): Finding[] {
  const config = parseMonitorConfig(yaml, 'prefixes.yml');
  const vrps = vrpText ? parseVrps(vrpText).vrps : undefined;
  const m = new BgpMonitor(config, vrps ? { rov: new RovTable(vrps), vrps } : {});
  return [...events.flatMap((e) => m.observe(e)), ...m.finish()];
}

const ids = (f: Finding[]) => f.map((x) => `${x.id} ${x.target}`).sort();

test("BGPalerter's prefixes.yml is read as it is: prefixes, origins, ignoreMorespecifics, path rules, monitorASns", () => {
  const c = parseMonitorConfig(BGPALERTER, 'prefixes.yml');
  assert.equal(c.form, 'bgpalerter');
  assert.deepEqual(c.prefixes.map((p) => [p.text, p.origins, p.ignoreMorespecifics]), [['192.0.2.0/24', [64500], false], ['198.51.100.0/24', [64500, 64501], true], ['2001:db8::/32', [64500], false]]);
  assert.equal(c.prefixes[1]!.paths.length, 2);
  assert.equal(c.prefixes[2]!.monitors.has('visibility'), false);
  assert.deepEqual(c.asns, [{ asn: 64500, upstreams: [64510, 64511], downstreams: [64520] }]);
});

test('legitimate announcements through expected upstreams raise nothing', () => {
  const f = run([ann(0, '192.0.2.0/24', [64601, 64510, 64500]), ann(1, '198.51.100.0/24', [64602, 64511, 64501]), ann(2, '2001:db8::/32', [64603, 64510, 64500, 64500])]);
  assert.deepEqual(f, []);
});

test('an unexpected origin of our exact prefix is a critical exact-prefix hijack naming peer, path and time', () => {
  const f = run([ann(0, '192.0.2.0/24', [64601, 64510, 64500]), ann(1, '192.0.2.0/24', [64602, 64666], 30)]);
  assert.deepEqual(ids(f), ['bgp.hijack.exact-prefix 192.0.2.0/24', 'bgp.hijack.moas 192.0.2.0/24']);
  const h = f.find((x) => x.id === 'bgp.hijack.exact-prefix')!;
  assert.equal(h.severity, 'critical');
  assert.equal(h.pillar, 'network');
  assert.match(h.evidence, /originated by AS64666, expected AS64500/);
  assert.match(h.evidence, /path 64602 64666/);
  assert.match(h.evidence, /seen from 198\.18\.0\.2 AS64602/);
  assert.match(h.evidence, /at 2026-12-01T00:00:30\.000Z/);
});

test('a more-specific from another AS is a hijack unless ignoreMorespecifics; from our AS it is a new prefix', () => {
  const f = run([ann(0, '192.0.2.128/25', [64601, 64666]), ann(0, '198.51.100.0/25', [64601, 64666]), ann(1, '192.0.2.0/25', [64602, 64510, 64500])]);
  assert.deepEqual(ids(f), ['bgp.hijack.more-specific 192.0.2.0/24', 'bgp.origin.new-prefix 192.0.2.0/24']);
});

test('a path ending in an AS_SET has no single origin: hijack and MOAS', () => {
  const f = run([ann(0, '192.0.2.0/24', [64601, 64510], 0, [64500, 64777])]);
  assert.deepEqual(ids(f), ['bgp.hijack.exact-prefix 192.0.2.0/24', 'bgp.hijack.moas 192.0.2.0/24']);
  assert.match(f[0]!.evidence, /an AS_SET/);
});

test('unexpected upstream and downstream ASes next to our AS', () => {
  const f = run([ann(0, '192.0.2.0/24', [64601, 64999, 64500]), ann(1, '203.0.113.0/24', [64602, 64510, 64500, 64530])]);
  assert.deepEqual(ids(f), ['bgp.path.unexpected-downstream 203.0.113.0/24', 'bgp.path.unexpected-upstream 192.0.2.0/24']);
  assert.match(f.find((x) => x.id === 'bgp.path.unexpected-upstream')!.evidence, /AS64999 is upstream of our AS64500/);
});

test('path rules: a regular expression on the comma-separated path, and a maximum length', () => {
  const f = run([ann(0, '198.51.100.0/24', [64601, 64666, 64511, 64500]), ann(1, '198.51.100.0/24', [64602, 64603, 64604, 64605, 64511, 64500])]);
  const m = f.filter((x) => x.id === 'bgp.path.pattern-match');
  assert.equal(m.length, 2);
  assert.match(m[0]!.evidence, /route through the scrubbing provider: matches/);
  assert.match(m[1]!.evidence, /6 ASes, above maxLength 5/);
});

test('visibility loss: withdrawn at half the peers that had it alerts once, not when excluded', () => {
  const f = run([
    ann(0, '192.0.2.0/24', [64601, 64510, 64500]), ann(1, '192.0.2.0/24', [64602, 64510, 64500]), ann(2, '192.0.2.0/24', [64603, 64510, 64500]),
    ann(0, '2001:db8::/32', [64601, 64510, 64500]), ann(1, '2001:db8::/32', [64602, 64510, 64500]),
    wd(0, '192.0.2.0/24', 60), wd(1, '192.0.2.0/24', 61), wd(2, '192.0.2.0/24', 62), wd(0, '2001:db8::/32', 63), wd(1, '2001:db8::/32', 64),
  ]);
  assert.deepEqual(ids(f), ['bgp.visibility.loss 192.0.2.0/24']);
  assert.match(f[0]!.evidence, /withdrawn at 2 of the 3 peers/);
  assert.match(f[0]!.evidence, /at 2026-12-01T00:01:01\.000Z/);
});

test('a peer going down counts as withdrawing everything it had', () => {
  const f = run([ann(0, '192.0.2.0/24', [64601, 64510, 64500]), { type: 'peer-down', timestampUs: T0 + 5e6, peer: PEERS[0]! }]);
  assert.deepEqual(ids(f), ['bgp.visibility.loss 192.0.2.0/24']);
});

const VRPS = JSON.stringify({
  metadata: { buildtime: '2026-12-01T00:00:00Z' },
  roas: [
    { asn: 64500, prefix: '192.0.2.0/24', maxLength: 24, ta: 'test', expires: Date.parse('2026-12-03T00:00:00Z') / 1000 },
    { asn: 64500, prefix: '2001:db8::/32', maxLength: 32, ta: 'test', expires: Date.parse('2027-06-01T00:00:00Z') / 1000 },
  ],
});

test('RPKI: a hijack that is RPKI-invalid, our own more-specific beyond maxLength, an uncovered prefix, an expiring ROA', () => {
  const f = run([ann(0, '192.0.2.0/24', [64601, 64510, 64500]), ann(1, '192.0.2.0/24', [64602, 64666]), ann(0, '192.0.2.0/25', [64601, 64510, 64500])], BGPALERTER, VRPS);
  assert.deepEqual(ids(f), [
    'bgp.hijack.exact-prefix 192.0.2.0/24', 'bgp.hijack.moas 192.0.2.0/24', 'bgp.origin.new-prefix 192.0.2.0/24',
    'bgp.rpki.invalid 192.0.2.0/24', 'bgp.rpki.invalid 192.0.2.0/24',
    'bgp.rpki.not-covered 198.51.100.0/24', 'bgp.rpki.not-covered 198.51.100.0/24', 'bgp.rpki.roa-expiring 192.0.2.0/24',
  ]);
  const inv = f.filter((x) => x.id === 'bgp.rpki.invalid');
  const hijack = inv.find((x) => /AS64666/.test(x.evidence))!;
  assert.equal(hijack.severity, 'critical');
  assert.match(hijack.evidence, /no ROA authorises AS64666; .*VRPs 192\.0\.2\.0\/24-24 AS64500/);
  const ours = inv.find((x) => /192\.0\.2\.0\/25/.test(x.evidence))!;
  assert.equal(ours.severity, 'high');
  assert.match(ours.evidence, /longer than the maxLength/);
  assert.match(f.find((x) => x.id === 'bgp.rpki.roa-expiring')!.evidence, /expires 2026-12-03T00:00:00\.000Z, in 2\.0 days/);
});

test("mitmguard's own form: origins, upstreams per prefix, ignored peers and prefixes, thresholds", () => {
  const yaml = `
prefixes:
  - prefix: 203.0.113.0/24
    origins: [64500]
    upstreams: [64510]
asns:
  - asn: 64500
ignore:
  peers: [198.18.0.3]
  prefixes: [203.0.113.128/25]
thresholds:
  minPeers: 2
`;
  const c = parseMonitorConfig(yaml);
  assert.equal(c.form, 'mitmguard');
  assert.equal(c.thresholds.minPeers, 2);
  // One peer is not enough; the ignored peer does not count; a hijack of the ignored sub-prefix is not alerted.
  assert.deepEqual(run([ann(0, '203.0.113.0/24', [64601, 64666]), ann(2, '203.0.113.0/24', [64603, 64666]), ann(0, '203.0.113.128/25', [64601, 64666])], yaml), []);
  const f = run([ann(0, '203.0.113.0/24', [64601, 64666]), ann(1, '203.0.113.0/24', [64602, 64666])], yaml);
  assert.deepEqual(ids(f), ['bgp.hijack.exact-prefix 203.0.113.0/24']);
  assert.match(f[0]!.evidence, /seen from 198\.18\.0\.1 AS64601, 198\.18\.0\.2 AS64602/);
});

test('a bad monitor file is refused with MG_ERR_CONFIG and where', () => {
  const bad = ['192.0.2.1/24:\n  asn: 1\n', '192.0.2.0/24:\n  description: x\n', 'prefixes:\n  - prefix: 192.0.2.0/24\n    origins: [ASX]\n', '192.0.2.0/24:\n  asn: 1\n  path:\n    match: "("\n', ''];
  for (const y of bad) assert.throws(() => parseMonitorConfig(y, 'm.yml'), (e: unknown) => isMitmError(e, 'MG_ERR_CONFIG') && /m\.yml/.test(e.message), y);
});

test('2,500 mutated monitor files (both forms) load or fail with a MitmError', async () => {
  const { hammer } = await import('../../test/fuzz/mutate.js');
  const ours = 'prefixes:\n  - prefix: 203.0.113.0/24\n    origins: [64500]\n    upstreams: [64510]\nasns:\n  - asn: 64500\n    downstreams: [64520]\nignore:\n  peers: [198.18.0.3]\nthresholds:\n  minPeers: 2\n';
  const r = hammer([BGPALERTER, ours].map((t) => new TextEncoder().encode(t)), (b) => parseMonitorConfig(new TextDecoder().decode(b), 'm.yml'), 2500, 71);
  assert.equal(r.crash, undefined, r.crash);
  assert.ok(r.ok > 0 && r.refused > 0);
});
