import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { loadPolicy } from '../../src/policy/file.js';
import { buildReport, parseScanDocument } from '../../src/report/index.js';
import { ROOT, runCli } from '../e2e/helpers.js';
import { sarifErrors } from '../helpers/sarif-schema.js';


const dir = mkdtempSync(join(tmpdir(), 'mg-report-'));
const scanFile = join(dir, 'scan.json');
let lab: Lab;
const NAMES = ['modern', 'legacy', 'expired', 'weak-key', 'plain-http'];

before(async () => {
  lab = await startLab({ only: NAMES });
  // The scanner's own JSON for the TLS endpoints (what a user saves with `scan --format json`).
  const tlsTargets = lab.endpoints.filter((e) => e.spec.kind === 'https').map((e) => e.target);
  // The lab's root is a private CA: give it as `--ca`, as an organisation does with its own.
  const caFile = join(dir, 'lab-root.pem');
  writeFileSync(caFile, lab.rootPem);
  const r = await runCli(['scan', '--format', 'json', '--timeout', '10000', '--ca', caFile, ...tlsTargets]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  writeFileSync(scanFile, r.stdout);
});
after(() => lab.stop());

const target = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!.target;

test('`mitmguard report --format sarif` writes a SARIF 2.1.0 log that validates against the official SARIF schema and ours, one result per finding', { timeout: 120_000 }, async () => {
  const out = join(dir, 'scan.sarif');
  const r = await runCli(['report', scanFile, '--format', 'sarif', '--output', out]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const sarif: any = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(sarifErrors(sarif), []);
  const report = buildReport(parseScanDocument(readFileSync(scanFile, 'utf8')), loadPolicy());
  assert.equal(sarif.runs[0].results.length, report.report.findings.length);
  const uris = new Set(sarif.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri));
  assert.ok(uris.has(target('expired')), 'results are located at the target URI');
  const ids = sarif.runs[0].results.filter((x: any) => x.locations[0].physicalLocation.artifactLocation.uri === target('legacy')).map((x: any) => x.ruleId);
  assert.ok(ids.includes('policy.tls.min-version'));
  assert.ok(sarif.runs[0].tool.driver.rules.every((rule: any) => rule.help.text.includes('Remediation')));
});

test('`mitmguard report --format junit` is well-formed XML with a failure per finding at or above --fail-on', { timeout: 120_000 }, async () => {
  const r = await runCli(['report', scanFile, '--format', 'junit', '--fail-on', 'critical']);
  assert.equal(r.code, 1, 'the expired certificate is critical');
  // One testsuite per target; the expired leaf fails once at critical: the validator's cert.chain.expired is the same
  // flaw as the policy's policy.cert.expired and is merged into it (src/report/merge.ts), not counted twice.
  const summary = execFileSync('python3', ['-c', 'import sys,xml.etree.ElementTree as E; r=E.fromstring(sys.stdin.read()); print(len(r.findall("testsuite")), r.get("failures"))'], { input: r.stdout }).toString().trim();
  assert.equal(summary, '4 1');
});

test('`mitmguard report` prints the one-screen summary with grades per pillar, and --fail-on sets the exit code', { timeout: 120_000 }, async () => {
  const text = await runCli(['report', scanFile]);
  assert.equal(text.code, 1, 'default: the policy failOn (high)');
  assert.match(text.stdout, /Overall grade {2}T/);
  assert.match(text.stdout, /Encryption everywhere +C/);
  assert.match(text.stdout, /Certificate validation +T/);
  assert.match(text.stdout, /\[CRITICAL\] policy\.cert\.expired/);
  const accepted = join(dir, 'accept.yaml');
  writeFileSync(accepted, `extends: intermediate\nacceptedRisks:\n${['policy.cert.expired', 'cert.chain.expired', 'policy.cert.key-too-small', 'cert.chain.weak-key', 'policy.tls.min-version'].map((id) => `  - id: ${id}\n    reason: lab\n    expires: 2099-01-01\n`).join('')}`);
  const ok = await runCli(['report', scanFile, '--policy', accepted, '--fail-on', 'high']);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /5 accepted risk\(s\) not counted/);
});

test('`mitmguard report` refuses a file that is not a scan document with exit 2 and a code', { timeout: 60_000 }, async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"hello":1}');
  const r = await runCli(['report', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /MG_ERR_MALFORMED: .*not a mitmguard scan document/);
  const missing = await runCli(['report', join(dir, 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /MG_ERR_IO/);
});
