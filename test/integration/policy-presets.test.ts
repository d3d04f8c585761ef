import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { ReportDocument } from '../../src/report/index.js';
import { spkiPin } from '../../src/policy/facts.js';
import { runCli } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-policy-'));
let lab: Lab;
before(async () => {
  lab = await startLab({ only: ['modern', 'tls13-only', 'legacy'] });
});
after(() => lab.stop());

const target = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!.target;

async function scanWith(policy: string, ...targets: string[]): Promise<ReportDocument> {
  const r = await runCli(['scan', '--policy', policy, '--format', 'json', '--timeout', '10000', ...targets]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout) as ReportDocument;
}

const ids = (doc: ReportDocument, t: string) => doc.report.targets.find((x) => x.target === t)!.findings.map((f) => f.id);

test('the presets judge the same servers differently: modern wants TLS 1.3 only, intermediate accepts 1.2', { timeout: 180_000 }, async () => {
  const modern = await scanWith('modern', target('modern'), target('tls13-only'));
  assert.ok(ids(modern, target('modern')).includes('policy.tls.min-version'), 'TLS 1.2 is below the modern minimum');
  assert.ok(!ids(modern, target('tls13-only')).includes('policy.tls.min-version'));
  const intermediate = await scanWith('intermediate', target('modern'));
  assert.deepEqual(ids(intermediate, target('modern')), []);
  assert.equal(intermediate.report.targets[0]!.grades.pillars.encryption.grade, 'A+');
});

test('nist-800-52r2 and ncsc-nl flag the legacy endpoint; ncsc-nl also wants 3072-bit RSA', { timeout: 180_000 }, async () => {
  const nist = await scanWith('nist-800-52r2', target('legacy'));
  assert.ok(ids(nist, target('legacy')).includes('policy.tls.min-version'));
  assert.ok(ids(nist, target('legacy')).includes('policy.tls.suite-not-allowed'));
  const ncsc = await scanWith('ncsc-nl', target('legacy'));
  assert.ok(ids(ncsc, target('legacy')).includes('policy.cert.key-too-small'), 'the legacy RSA-2048 key is below NCSC-NL 3072');
});

test('a policy file with SPKI pins and a severity override drives findings for the named targets', { timeout: 180_000 }, async () => {
  const json = await scanWith('intermediate', target('modern'));
  const pin = spkiPin(json.targets[0]!.tls!.certificates[0]!.pem)!;
  const file = join(dir, 'policy.yaml');
  writeFileSync(
    file,
    `extends: intermediate
targets:
  - pattern: "${target('modern')}"
    pins: ["${pin}"]
  - pattern: "${target('tls13-only')}"
    pins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]
severityOverrides:
  policy.tls.min-version: low
`,
  );
  const doc = await scanWith(file, target('modern'), target('tls13-only'), target('legacy'));
  assert.ok(!ids(doc, target('modern')).includes('policy.cert.pin-mismatch'), 'the right pin passes');
  assert.ok(ids(doc, target('tls13-only')).includes('policy.cert.pin-mismatch'), 'a wrong pin is a finding');
  const legacy = doc.report.targets.find((t) => t.target === target('legacy'))!;
  assert.equal(legacy.findings.find((f) => f.id === 'policy.tls.min-version')!.severity, 'low');
});

test('a bad policy file stops the scan with exit 2 and names the line and column', { timeout: 60_000 }, async () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'extends: intermediate\ntls:\n  minVersion: TLSv1.9\n');
  const r = await runCli(['scan', '--policy', file, target('modern')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /MG_ERR_CONFIG: .*bad\.yaml:3:15: tls\.minVersion/);
});
