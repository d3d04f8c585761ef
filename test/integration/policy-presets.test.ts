import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInventory, startLab, type Lab } from '../../src/lab/index.js';
import { inventoryScanner, withBeyondHandshake } from '../../src/inventory/scan-one.js';
import { loadPolicy } from '../../src/policy/file.js';
import { spkiPin } from '../../src/policy/facts.js';
import { buildReport, type ReportDocument } from '../../src/report/index.js';
import { scanTarget } from '../../src/scan/index.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import type { ScanDocument } from '../../src/model/index.js';
import { runCli } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-policy-'));
let lab: Lab;
/** One real scan of three lab endpoints; each test judges it under a different policy. */
let scan: ScanDocument;

before(async () => {
  lab = await startLab({ only: ['modern', 'tls13-only', 'legacy'] });
  // The lab root is the private CA these endpoints chain to, given as an anchor as `scan --ca` does.
  const extraAnchors = new TrustStore();
  extraAnchors.addPemOrDer(lab.rootPem, 'lab root');
  const scanEntry = inventoryScanner(withBeyondHandshake((t, o) => scanTarget(t, { ...o, timeoutMs: 10_000 }), { extraAnchors }));
  const signal = new AbortController().signal;
  const targets = await Promise.all(labInventory(lab.endpoints).map((e) => scanEntry(e, signal)));
  scan = { tool: 'mitmguard', version: 'test', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), targets };
  assert.ok(targets.every((t) => t.ok), JSON.stringify(targets.map((t) => t.error)));
});
after(() => lab.stop());

const target = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!.target;
const judge = (policy: string): ReportDocument => buildReport(scan, loadPolicy(policy));
const ids = (doc: ReportDocument, name: string) => doc.report.targets.find((x) => x.target === target(name))!.findings.map((f) => f.id);

test('the presets judge the same servers differently: modern wants TLS 1.3 only, intermediate accepts 1.2', () => {
  const modern = judge('modern');
  assert.ok(ids(modern, 'modern').includes('policy.tls.min-version'), 'TLS 1.2 is below the modern minimum');
  assert.ok(!ids(modern, 'tls13-only').includes('policy.tls.min-version'));
  const intermediate = judge('intermediate');
  assert.deepEqual(ids(intermediate, 'modern'), []);
  assert.equal(intermediate.report.targets.find((t) => t.target === target('modern'))!.grades.pillars.encryption.grade, 'A+');
  assert.equal(modern.report.targets.find((t) => t.target === target('modern'))!.grades.pillars.encryption.grade, 'C');
});

test('nist-800-52r2 and ncsc-nl flag the legacy endpoint; ncsc-nl also wants 3072-bit RSA', () => {
  const nist = judge('nist-800-52r2');
  assert.ok(ids(nist, 'legacy').includes('policy.tls.min-version'));
  assert.ok(ids(nist, 'legacy').includes('policy.tls.suite-not-allowed'));
  assert.ok(!ids(nist, 'legacy').includes('policy.cert.key-too-small'));
  const ncsc = judge('ncsc-nl');
  assert.ok(ids(ncsc, 'legacy').includes('policy.cert.key-too-small'), 'the legacy RSA-2048 key is below NCSC-NL 3072');
});

test('a policy file with SPKI pins and a severity override drives findings for the named targets', () => {
  const modernScan = scan.targets.find((t) => t.target === target('modern'))!;
  const pin = spkiPin(modernScan.tls!.certificates[0]!.pem)!;
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
  const doc = judge(file);
  assert.ok(!ids(doc, 'modern').includes('policy.cert.pin-mismatch'), 'the right pin passes');
  assert.ok(ids(doc, 'tls13-only').includes('policy.cert.pin-mismatch'), 'a wrong pin is a finding');
  assert.equal(doc.report.targets.find((t) => t.target === target('tls13-only'))!.grades.pillars.certificates.grade, 'F', 'a critical pin mismatch is F');
  const legacy = doc.report.targets.find((t) => t.target === target('legacy'))!;
  assert.equal(legacy.findings.find((f) => f.id === 'policy.tls.min-version')!.severity, 'low');
});

test('`scan --policy` with a preset prints the graded report; a bad policy file stops the scan with exit 2 and names the line and column', { timeout: 120_000 }, async () => {
  const caFile = join(dir, 'lab-root.pem');
  writeFileSync(caFile, lab.rootPem);
  const ok = await runCli(['scan', '--policy', 'modern', '--ca', caFile, '--timeout', '10000', target('tls13-only')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /policy modern — 1 target\(s\)/);
  assert.match(ok.stdout, /Encryption everywhere +A\+ /, ok.stdout);
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'extends: intermediate\ntls:\n  minVersion: TLSv1.9\n');
  const r = await runCli(['scan', '--policy', file, target('modern')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /MG_ERR_CONFIG: .*bad\.yaml:3:15: tls\.minVersion/);
});
