import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseLabWingTargets, labSamplesDir } from './wings.js';
import { LAB_WING_TARGETS } from './wing-targets.js';

test('the shipped samples: each wing target is analysed by its wing and shows every expected flaw under network', async () => {
  const files = LAB_WING_TARGETS.filter((w) => w.kind !== 'capture-lab');
  const results = await analyseLabWingTargets({ specs: files });
  assert.equal(results.length, files.length);
  for (const { spec, report } of results) {
    assert.equal(report.ok, true, `${spec.name}: ${JSON.stringify(report.error)}`);
    for (const id of spec.expected.findings) {
      const f = report.findings.find((x) => x.id === id);
      assert.ok(f, `${spec.name}: ${id} (got ${report.findings.map((x) => x.id).join(', ')})`);
      assert.equal(f.pillar, 'network');
      assert.equal(f.target, spec.target);
    }
    // The report names samples by their checkout path, never this machine's.
    assert.ok(report.findings.every((f) => !f.evidence.includes(labSamplesDir())), spec.name);
  }
  const air = results.find((r) => r.spec.name === 'lab-air')!.report;
  assert.ok(air.findings.some((f) => f.id === 'wifi.ids.evil-twin-weaker' && f.evidence.startsWith('LabCorp (02:00:00:00:66:01)')), 'the open twin on its BSSID');
});

test('a damaged sample is a failed target with the wing\'s error code, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-lab-samples-'));
  try {
    cpSync(labSamplesDir(), dir, { recursive: true });
    writeFileSync(join(dir, 'lab-air.pcap'), Buffer.from('not a capture at all, just text'));
    writeFileSync(join(dir, 'vpn/lab-wg.conf'), '[Interface]\nPrivateKey = short\n[Peer]\nAllowedIPs = nonsense\n');
    const results = await analyseLabWingTargets({ samplesDir: dir, specs: LAB_WING_TARGETS.filter((w) => w.kind !== 'capture-lab') });
    const air = results.find((r) => r.spec.name === 'lab-air')!.report;
    assert.equal(air.ok, false);
    assert.match(air.error!.code, /^MG_ERR_/);
    const vpn = results.find((r) => r.spec.name === 'lab-vpn')!.report;
    assert.equal(vpn.ok, false);
    assert.match(vpn.error!.code, /^MG_ERR_/);
    assert.equal(results.find((r) => r.spec.name === 'lab-profiles')!.report.ok, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lab capture without a running lab is a failed target (MG_ERR_USAGE), not a crash', async () => {
  const [r] = await analyseLabWingTargets({ specs: LAB_WING_TARGETS.filter((w) => w.kind === 'capture-lab') });
  assert.equal(r!.report.ok, false);
  assert.equal(r!.report.error!.code, 'MG_ERR_USAGE');
});
