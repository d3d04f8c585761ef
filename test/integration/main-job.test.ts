import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pillar } from '../../src/model/index.js';
import { LAB_ENDPOINTS } from '../../src/lab/endpoints.js';
import { LAB_CLIENTS } from '../../src/lab/audit.js';
import { LAB_WING_TARGETS } from '../../src/lab/wing-targets.js';
import { findingsToSarif, type ReportDocument } from '../../src/report/index.js';
import { CLI_TIMEOUT_MS, ROOT } from '../e2e/helpers.js';
import { sarifErrors } from '../helpers/sarif-schema.js';


/** `npm start` as a user runs it (after `npm ci`, which builds dist/), in a scratch directory for its two files. */
function npmStart(cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('the main job starts the lab, finds every lab flaw under its pillar, prints the report and writes HTML and JSON', { timeout: CLI_TIMEOUT_MS + 10_000 }, async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mg-main-job-'));
  const r = await npmStart(cwd);
  process.stderr.write(`main job: ${r.ms} ms\n`);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /lab: every expected flaw was found under its pillar/);

  // The terminal report: summary first, then details.
  // The lab endpoints, the audited lab clients and the wing samples (each a target; every client accepts the baseline
  // and every sample is analysed, so they are reachable).
  const targets = LAB_ENDPOINTS.length + LAB_CLIENTS.length + LAB_WING_TARGETS.length;
  const reachable = LAB_ENDPOINTS.filter((e) => !e.expected.scanError).length + LAB_CLIENTS.length + LAB_WING_TARGETS.length;
  assert.match(r.stdout, new RegExp(`policy intermediate — ${targets} target\\(s\\), ${reachable} reachable`));
  assert.match(r.stdout, /Overall grade {2}T/);
  for (const title of ['Encryption everywhere', 'Certificate validation', 'Network security', 'Mutual authentication']) assert.match(r.stdout, new RegExp(title));
  assert.ok(r.stdout.indexOf('Overall grade') < r.stdout.indexOf('Details ('));

  // The JSON report: every expectation of every lab endpoint, checked here independently of the CLI's own check.
  const report = JSON.parse(readFileSync(join(cwd, 'mitmguard-report.json'), 'utf8')) as ReportDocument;
  assert.equal(report.report.targets.length, targets);
  for (const e of LAB_ENDPOINTS) {
    const t = report.report.targets.find((x) => x.name === e.name);
    assert.ok(t, `${e.name} is in the report`);
    assert.equal(t.ok ? null : t.error?.code, e.expected.scanError ?? null, `${e.name} was scanned: ${JSON.stringify(t.error)}`);
    for (const id of e.expected.findings) {
      // One finding per flaw: a check restated by a policy finding is merged into it and named in relatedTo.
      const f = t.findings.find((x) => x.id === id || x.relatedTo?.includes(id));
      assert.ok(f, `${e.name}: ${id} found (got ${t.findings.map((x) => x.id).join(', ') || 'none'})`);
    }
    for (const [pillar, grade] of Object.entries(e.expected.grades)) assert.equal(t.grades.pillars[pillar as Pillar].grade, grade, `${e.name}: ${pillar} grade`);
    // What a fix removes must be gone (the tunnelled twin of mtls-requested).
    for (const id of e.expected.absent ?? []) assert.ok(!t.findings.some((x) => x.id === id || x.relatedTo?.includes(id)), `${e.name}: ${id} absent`);
    if (e.pillar && e.expected.findings.length) {
      assert.ok(t.findings.some((f) => f.pillar === e.pillar && e.expected.findings.includes(f.id)), `${e.name}: the flaw shows under ${e.pillar}`);
    }
    if (!e.pillar) assert.ok(!t.findings.some((f) => f.severity === 'critical' || f.severity === 'high'), `${e.name}: a good endpoint has no high finding`);
  }

  // Issue 15, before and after: the mTLS-optional endpoint and its twin behind src/tunnel.
  const byName = (n: string) => report.report.targets.find((x) => x.name === n)!;
  assert.ok(byName('mtls-requested').findings.some((x) => x.id === 'policy.mtls.not-required'), 'before: not required');
  assert.ok(byName('mtls-tunnelled').findings.some((x) => x.id === 'mtls.client-certificate-required'), 'after: required');
  assert.equal(byName('mtls-tunnelled').grades.pillars['mutual-auth'].grade, 'A+');

  // The audited lab clients: the careless one's accepted forgeries are its findings under certificates, graded there;
  // the careful one has none.
  assert.match(r.stderr, /lab client node-careful: baseline accepted, 0 forged scenario\(s\) accepted/);
  assert.match(r.stderr, /lab client node-insecure: baseline accepted, [1-9]\d* forged scenario\(s\) accepted/);
  const careful = report.report.targets.find((x) => x.target === 'client:node-careful');
  assert.ok(careful, 'the careful client is a target of the report');
  assert.deepEqual(careful.findings, []);
  assert.equal(careful.grades.pillars.certificates.grade, 'A', 'a client that refused every forgery is graded A under certificates');
  const careless = report.report.targets.find((x) => x.target === 'client:node-insecure');
  assert.ok(careless, 'the careless client is a target of the report');
  assert.equal(careless.name, 'node-insecure');
  const carelessFindings = careless.findings;
  for (const id of LAB_CLIENTS.find((c) => c.name === 'node-insecure')!.expected.findings) {
    const hit = carelessFindings.find((x) => x.id === id);
    assert.ok(hit, `node-insecure: ${id} found (got ${carelessFindings.map((x) => x.id).join(', ') || 'none'})`);
    assert.equal(hit.pillar, 'certificates', id);
  }
  assert.ok(careless.findings.every((f) => f.id.startsWith('audit.client.')));
  assert.equal(careless.grades.pillars.certificates.grade, 'F', 'critical accepted forgeries grade the client F under certificates');
  assert.ok(report.report.findings.some((f) => f.target === 'client:node-insecure' && f.id === 'audit.client.self-signed'), 'the estate findings carry the client');
  assert.match(r.stdout, /^ {2}node-insecure client:node-insecure +F /m);
  assert.match(r.stdout, /\[CRITICAL\] audit\.client\.self-signed {2}client:node-insecure {2}\(certificates\)/);

  // The wing targets (802.11 capture, Wi-Fi and VPN profiles, BGP, the lab's recorded traffic): every known flaw under
  // its pillar, graded there.
  for (const w of LAB_WING_TARGETS) {
    const t = report.report.targets.find((x) => x.target === w.target);
    assert.ok(t, `${w.target} is a target of the report`);
    assert.equal(t.ok, true, `${w.target}: ${JSON.stringify(t.error)}`);
    for (const id of w.expected.findings) {
      const f: { pillar: string } | undefined = t.findings.find((x) => x.id === id || x.relatedTo?.includes(id));
      assert.ok(f, `${w.target}: ${id} found (got ${t.findings.map((x) => x.id).join(', ') || 'none'})`);
      assert.equal(f.pillar, w.pillar, id);
    }
    assert.equal(t.grades.pillars[w.pillar].grade, 'F', `${w.target}: critical findings grade it F under ${w.pillar}`);
    assert.match(r.stderr, new RegExp(`lab ${w.target}: [1-9]\\d* finding\\(s\\)`));
  }
  assert.match(r.stdout, /\[CRITICAL\] wifi\.ids\.evil-twin-weaker {2}wifi:lab-air {2}\(network\)/);
  // The BGP lab: the hijacker's routes as hijack alerts, each announcement with its RPKI verdict.
  const bgp = report.targets.find((x) => x.target === 'bgp:lab');
  assert.ok(bgp?.labBgp, 'the BGP lab observation is in the scan document');
  assert.deepEqual(bgp.labBgp.rpki, LAB_WING_TARGETS.find((w) => w.target === 'bgp:lab')!.expected.rpki);
  assert.deepEqual(bgp.labBgp.speakers.map((s) => [s.name, s.established, s.announced]), [['origin', true, 2], ['hijacker', true, 2]]);
  assert.match(r.stderr, /lab bgp:lab: \d+ finding\(s\); 4 route\(s\) from 2 speaker\(s\), RPKI valid 1, invalid 2, not-found 1/);
  assert.match(r.stdout, /\[CRITICAL\] bgp\.hijack\.exact-prefix {2}bgp:lab {2}\(network\)/);
  // The lab's own traffic, recorded without root: the careless client's plain-text logins.
  const cap = report.targets.find((x) => x.target === 'capture:lab-loopback');
  assert.ok(cap?.labCapture, 'the recording is described in the scan document');
  assert.ok(cap.labCapture.exchanges.every((x) => x.ok), JSON.stringify(cap.labCapture.exchanges));
  assert.match(cap.labCapture.comment, /IPv4\/TCP headers written by mitmguard/);
  assert.equal(cap.findings.filter((x) => x.id === 'capture.plaintext.credentials').length, 2, 'the HTTP Basic and the SMTP AUTH PLAIN login');
  assert.match(r.stderr, /lab capture:lab-loopback: \d+ finding\(s\); recorded \d+ frame\(s\) of 3 lab exchange\(s\) at the socket level \(no root\)/);

  // The same findings as SARIF validate against the official SARIF 2.1.0 schema and ours.
  assert.deepEqual(sarifErrors(findingsToSarif(report.report.findings)), []);

  // The HTML report is written and self-contained.
  const html = readFileSync(join(cwd, 'mitmguard-report.html'), 'utf8');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /id="cert-timeline"/);
  assert.ok(existsSync(join(cwd, 'mitmguard-report.json')));
});
