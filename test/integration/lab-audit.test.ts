/**
 * The lab's client-audit side over real TLS on loopback: the hostile endpoint `lab up` serves (base ports, a
 * long-running record mode), the in-process client runner, the two lab clients' verdicts, and `lab up|status|down`
 * listing the scenarios, serving them to curl with the audit lab CA, and stopping them.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClientFunction, startAudit, type AuditSession } from '../../src/audit/index.js';
import { auditLabClients, baselineVerdict, LAB_CLIENTS, labAuditBasePort, labClientTarget, portOpen, startLabAudit, type LabAudit } from '../../src/lab/index.js';
import { runCli } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-lab-audit-'));
const open: Array<AuditSession | LabAudit> = [];
after(async () => {
  for (const s of open) await s.stop();
});

function curl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** A free run of ports for a base-port test: ephemeral ones are assigned at random, so probe the range first. */
async function freeBase(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 22_000 + Math.floor(Math.random() * 8_000);
    const busy = await Promise.all(Array.from({ length: count }, (_, i) => portOpen(base + i, 300)));
    if (!busy.some(Boolean)) return base;
  }
  throw new Error('no free port range');
}

test('the audit ports follow the lab servers when a base port is given, and are ephemeral otherwise', () => {
  assert.equal(labAuditBasePort(21100, [21100, 21101, 21114]), 21115);
  assert.equal(labAuditBasePort(0, [40001, 40002]), 0);
});

test('startLabAudit serves the whole HTTPS catalogue on consecutive ports from the base, trusted through its CA only', { timeout: 60_000 }, async () => {
  const base = await freeBase(40);
  const audit = await startLabAudit({ basePort: base });
  open.push(audit);
  assert.ok(audit.scenarios.length >= 25, `${audit.scenarios.length} scenarios`);
  assert.deepEqual(
    audit.scenarios.map((s) => s.port),
    audit.scenarios.map((_, i) => base + i),
  );
  assert.ok(audit.scenarios.some((s) => s.scenario === 'pin-mismatch'), 'the pin is published, so the pin scenario is served');
  const ca = join(dir, 'audit-ca.pem');
  writeFileSync(ca, audit.caPem);
  const url = (id: string) => audit.scenarios.find((s) => s.scenario === id)!.url;
  const baseline = await curl(['--cacert', ca, '-u', 'me:secret-token', url('baseline')]);
  assert.equal(baseline.code, 0, baseline.out);
  assert.match(baseline.out, /mitmguard client audit endpoint/);
  const forged = await curl(['--cacert', ca, url('wrong-host')]);
  assert.equal(forged.code, 60, forged.out);
  // The listen-mode verdicts still come from what arrived.
  await audit.session.endpoint.settle('baseline', 2000);
  const results = audit.session.results();
  assert.equal(results.find((r) => r.scenario === 'baseline')!.verdict, 'accepted');
  assert.equal(results.find((r) => r.scenario === 'wrong-host')!.verdict, 'rejected');
});

test('a long-running endpoint keeps serving past the per-scenario record limit; a one-shot audit refuses', { timeout: 60_000 }, async () => {
  const limits = { maxConnectionsPerScenario: 2 };
  const longRunning = await startAudit({ protocol: 'https', only: ['baseline'], limits, keepNewest: true });
  const oneShot = await startAudit({ protocol: 'https', only: ['baseline'], limits });
  open.push(longRunning, oneShot);
  for (const s of [longRunning, oneShot]) {
    for (let i = 0; i < 4; i++) {
      await curl(['--cacert', s.caFile, s.placeholders('baseline').url]);
      await s.endpoint.settle('baseline', 2000);
    }
  }
  const last = await curl(['--cacert', longRunning.caFile, longRunning.placeholders('baseline').url]);
  assert.equal(last.code, 0, `the fifth request is still answered: ${last.out}`);
  assert.equal(longRunning.endpoint.records('baseline').length, 2, 'memory stays bounded: the newest records only');
  assert.equal(longRunning.endpoint.dropped('baseline'), 0);
  assert.equal(oneShot.endpoint.dropped('baseline'), 2, 'an audit run refuses past the limit, as before');
});

test('an in-process client is cut off at its deadline, and its error (token scrubbed) is what the run records', async () => {
  const values = { url: 'https://localhost:1/', host: 'localhost', port: '1', sni: 'localhost', ca: '/nonexistent', token: 'tok-12345678', pin: '', proxy: '', scenario: 'x', home: '/tmp' };
  let aborted = false;
  const hung = await runClientFunction(
    (_v, signal) =>
      new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => ((aborted = true), resolve()));
      }),
    values,
    200,
  );
  assert.equal(hung.timedOut, true);
  assert.equal(hung.exitCode, 1);
  assert.equal(aborted, true, 'the client is told to stop');
  const failed = await runClientFunction(async (v) => Promise.reject(new Error(`refused with ${v.token}`)), values, 5000, values.token);
  assert.deepEqual([failed.exitCode, failed.timedOut, failed.stderrTail], [1, false, 'refused with <token>']);
  const ok = await runClientFunction(async () => undefined, values, 5000);
  assert.equal(ok.exitCode, 0);
});

test('the careful lab client accepts the baseline only; the careless one accepts every certificate forgery it is expected to', { timeout: 60_000 }, async () => {
  const audits = await auditLabClients();
  const careful = audits.find((a) => a.client.name === 'node-careful')!;
  const careless = audits.find((a) => a.client.name === 'node-insecure')!;
  assert.equal(baselineVerdict(careful), 'accepted');
  assert.equal(careful.report.summary.forgedAccepted, 0, JSON.stringify(careful.report.results.filter((r) => r.verdict.startsWith('accepted'))));
  assert.deepEqual(labClientTarget(careful).findings, []);
  assert.equal(labClientTarget(careful).ok, true);

  assert.equal(baselineVerdict(careless), 'accepted');
  const target = labClientTarget(careless);
  const ids = target.findings.map((f) => f.id).sort();
  assert.deepEqual(ids, [...LAB_CLIENTS.find((c) => c.name === 'node-insecure')!.expected.findings].sort());
  assert.ok(target.findings.every((f) => f.pillar === 'certificates' && f.target === 'client:node-insecure'));
  // The evidence is what the forged server received over TLS: the request and the credential, never the token.
  const selfSigned = target.findings.find((f) => f.id === 'audit.client.self-signed')!;
  assert.match(selfSigned.evidence, /GET \/ HTTP\/1\.1; authorization header Basic/);
  // Transport downgrades are refused by Node's defaults either way (TLS 1.0, NULL suites), or never reached (http://).
  for (const id of ['tls10-only', 'null-cipher', 'plaintext']) assert.equal(careless.report.results.find((r) => r.scenario === id)!.verdict, 'rejected', id);
  assert.equal(careless.report.results.find((r) => r.scenario === 'hsts-downgrade')!.verdict, 'inconclusive');
});

test('`lab up` lists the client-audit scenarios and writes their CA; `status` shows them up; `down` stops them', { timeout: 120_000 }, async () => {
  const state = join(dir, 'cli', 'lab.json');
  const base = await freeBase(80);
  const up = await runCli(['lab', 'up', '--state', state, '--base-port', String(base)]);
  assert.equal(up.code, 0, up.stderr);
  const caFile = join(dir, 'cli', 'lab-audit-ca.pem');
  let ports: number[] = [];
  try {
    assert.match(up.stdout, new RegExp(`client-audit scenarios \\(trust ${caFile.replace(/[.]/g, '\\.')}`));
    assert.match(up.stdout, /^ {2}baseline +https:\/\/localhost:\d+\/$/m);
    assert.match(up.stdout, /^ {2}hsts-downgrade +http:\/\/localhost:\d+\/$/m);
    const status = await runCli(['lab', 'status', '--state', state, '--format', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { endpoints: Array<{ port: number }>; audit: { caFile: string; scenarios: Array<{ scenario: string; url: string; port: number; listening: boolean }> } };
    assert.equal(s.audit.caFile, caFile);
    assert.ok(s.audit.scenarios.length >= 25);
    assert.ok(s.audit.scenarios.every((a) => a.listening), 'every scenario answers');
    ports = s.audit.scenarios.map((a) => a.port);
    // With --base-port, the scenarios follow the lab's servers on consecutive ports.
    const lastServer = Math.max(...s.endpoints.map((e) => e.port));
    assert.ok(ports[0]! > lastServer && ports[0]! <= lastServer + 2, `first scenario port ${ports[0]} right after the servers (${lastServer})`);
    assert.deepEqual(ports, ports.map((_, i) => ports[0]! + i));
    const text = await runCli(['lab', 'status', '--state', state]);
    assert.match(text.stdout, /^ {2}up {3}self-signed +https:\/\/localhost:\d+\/$/m);
    // Point one's own client at them: curl with the audit CA accepts the baseline and refuses the forged server.
    const url = (id: string) => s.audit.scenarios.find((a) => a.scenario === id)!.url;
    assert.ok(readFileSync(caFile, 'utf8').startsWith('-----BEGIN CERTIFICATE-----'));
    const baseline = await curl(['--cacert', caFile, url('baseline')]);
    assert.equal(baseline.code, 0, baseline.out);
    const forged = await curl(['--cacert', caFile, url('expired')]);
    assert.equal(forged.code, 60, forged.out);
    assert.match(forged.out, /expired/);
  } finally {
    const down = await runCli(['lab', 'down', '--state', state]);
    assert.equal(down.code, 0, down.stderr);
  }
  assert.equal(existsSync(caFile), false, 'lab down removes the audit CA with the state');
  const listening = await Promise.all(ports.map((p) => portOpen(p, 500)));
  assert.deepEqual(listening.filter(Boolean), [], 'no scenario port answers after lab down');
});
