import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../model/index.js';
import type { ReportDocument } from '../report/model.js';
import { checkLabWingExpectations, LAB_WING_TARGETS, labWingTarget } from './wing-targets.js';

const finding = (id: string, target: string, pillar: Finding['pillar'] = 'network'): Finding => ({ id, pillar, severity: 'high', target, title: id, evidence: 'seen', remediation: '', references: [] });
const doc = (targets: ReturnType<typeof labWingTarget>[]) => ({ targets, report: { targets } }) as unknown as ReportDocument;
const spec = { name: 'lab-x', target: 'wifi:lab-x', pillar: 'network' as const, expected: { findings: ['wifi.ids.karma', 'wifi.ids.deauth-flood'] } };

test('a wing finding names the lab target, and what the wing named leads its evidence', () => {
  const t = labWingTarget(spec, { findings: [finding('wifi.ids.karma', 'HomeWifi (02:00:00:00:77:01)')], durationMs: 3 });
  assert.equal(t.ok, true);
  assert.equal(t.findings[0]!.target, 'wifi:lab-x');
  assert.equal(t.findings[0]!.evidence, 'HomeWifi (02:00:00:00:77:01): seen');
});

test('every expected id must be found under the pillar; a missing one, a wrong pillar, a failed analysis or a missing target is a miss', () => {
  const both = labWingTarget(spec, { findings: [finding('wifi.ids.karma', 'a'), finding('wifi.ids.deauth-flood', 'b')], durationMs: 1 });
  assert.deepEqual(checkLabWingExpectations(doc([both]), [spec]), []);
  const one = labWingTarget(spec, { findings: [finding('wifi.ids.karma', 'a'), finding('wifi.ids.deauth-flood', 'b', 'encryption')], durationMs: 1 });
  assert.deepEqual(checkLabWingExpectations(doc([one]), [spec]).map((m) => m.what), ['wifi.ids.deauth-flood under encryption, expected network']);
  const failed = labWingTarget(spec, { error: { code: 'MG_ERR_IO', message: 'gone' }, durationMs: 1 });
  assert.equal(failed.ok, false);
  assert.deepEqual(checkLabWingExpectations(doc([failed]), [spec]).map((m) => m.what), ['analysis failed: MG_ERR_IO gone', 'missing finding wifi.ids.karma', 'missing finding wifi.ids.deauth-flood']);
  assert.deepEqual(checkLabWingExpectations(doc([]), [spec]), [{ endpoint: 'lab-x', what: 'not in the report' }]);
});

test('the wing targets have unique names and targets, each expecting findings under the network pillar', () => {
  assert.equal(new Set(LAB_WING_TARGETS.map((w) => w.target)).size, LAB_WING_TARGETS.length);
  assert.equal(new Set(LAB_WING_TARGETS.map((w) => w.name)).size, LAB_WING_TARGETS.length);
  for (const w of LAB_WING_TARGETS) assert.ok(w.expected.findings.length > 0, w.name);
});

test('every finding id a wing target expects is in the check catalogue', async () => {
  const { catalogue } = await import('../checks/catalogue.js');
  for (const w of LAB_WING_TARGETS) for (const id of w.expected.findings) assert.ok(catalogue.get(id), `${w.name}: ${id}`);
});

test('the BGP lab\'s RPKI verdict counts are checked from the scan document: a different count is a miss', () => {
  const bgpSpec = { name: 'lab-bgp', target: 'bgp:lab', pillar: 'network' as const, expected: { findings: [], rpki: { valid: 1, invalid: 2, 'not-found': 1 } } };
  const observation = (rpki: { valid: number; invalid: number; 'not-found': number }) => ({ labBgp: { collector: { asn: 64512, sessions: 2, established: 2 }, speakers: [], announcements: 4, expectedAnnouncements: 4, rpki } });
  const same = labWingTarget(bgpSpec, { findings: [], durationMs: 1, observations: observation({ valid: 1, invalid: 2, 'not-found': 1 }) });
  assert.deepEqual(checkLabWingExpectations(doc([same]), [bgpSpec]), []);
  const other = labWingTarget(bgpSpec, { findings: [], durationMs: 1, observations: observation({ valid: 2, invalid: 2, 'not-found': 0 }) });
  assert.deepEqual(checkLabWingExpectations(doc([other]), [bgpSpec]).map((m) => m.what), ['1 RPKI valid announcement(s) expected, 2 seen', '1 RPKI not-found announcement(s) expected, 0 seen']);
  const none = labWingTarget(bgpSpec, { findings: [], durationMs: 1 });
  assert.equal(checkLabWingExpectations(doc([none]), [bgpSpec]).length, 3);
});
