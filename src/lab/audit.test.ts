import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport as buildAuditReport, type ScenarioResult } from '../audit/index.js';
import { loadPolicy } from '../policy/file.js';
import { buildReport } from '../report/model.js';
import { checkLabClientExpectations, LAB_CLIENTS, labClientTarget, type LabClientAudit } from './audit.js';

const careful = LAB_CLIENTS.find((c) => c.name === 'node-careful')!;
const careless = LAB_CLIENTS.find((c) => c.name === 'node-insecure')!;

const result = (scenario: string, verdict: ScenarioResult['verdict']): ScenarioResult => ({
  scenario,
  title: scenario,
  verdict,
  evidence: verdict === 'accepted' ? '1 connection. #1: TLS handshake completed; client sent: GET / HTTP/1.1' : 'no application data',
  connections: 1,
});

function audit(client: typeof careful, verdicts: Record<string, ScenarioResult['verdict']>): LabClientAudit {
  const results = Object.entries(verdicts).map(([id, v]) => result(id, v));
  return { client, report: buildAuditReport({ mode: 'exec', protocol: 'https', host: 'localhost', startedAt: new Date(0), results, client: client.target }) };
}

function reportOf(audits: LabClientAudit[]) {
  const doc = { tool: 'mitmguard' as const, version: 'test', startedAt: new Date(0).toISOString(), finishedAt: new Date(0).toISOString(), targets: audits.map(labClientTarget) };
  return buildReport(doc, loadPolicy());
}

const everyExpected = Object.fromEntries(careless.expected.findings.map((id) => [id.replace('audit.client.', ''), 'accepted' as const]));

test('the expectations hold for a careful client that accepts the baseline only and a careless one that accepts its forgeries', () => {
  const audits = [audit(careful, { baseline: 'accepted', 'self-signed': 'rejected' }), audit(careless, { baseline: 'accepted', ...everyExpected })];
  const report = reportOf(audits);
  assert.deepEqual(checkLabClientExpectations(report, audits), []);
  const t = report.report.targets.find((x) => x.target === careless.target)!;
  assert.equal(t.grades.pillars.certificates.grade, 'F');
  assert.equal(report.report.targets.find((x) => x.target === careful.target)!.grades.pillars.certificates.grade, 'A', 'a client that refused every forgery is an A under certificates');
});

test('a careful client that accepts a forgery, a careless one missing an expected id, and a refused baseline are each a miss', () => {
  const { 'wrong-host': _dropped, ...fewer } = everyExpected;
  const audits = [audit(careful, { baseline: 'accepted', expired: 'accepted' }), audit(careless, { baseline: 'accepted', ...fewer })];
  const misses = checkLabClientExpectations(reportOf(audits), audits);
  assert.deepEqual(misses, [
    { endpoint: 'node-careful', what: 'unexpected finding(s) audit.client.expired' },
    { endpoint: 'node-insecure', what: 'missing finding audit.client.wrong-host' },
  ]);
  const refused = [audit(careful, { baseline: 'rejected', expired: 'rejected' })];
  const report = reportOf(refused);
  const t = report.report.targets[0]!;
  assert.equal(t.ok, false, 'an audit whose baseline failed is a failed target, not a clean one');
  assert.equal(t.error?.code, 'MG_ERR_PROTOCOL');
  assert.deepEqual(checkLabClientExpectations(report, refused), [{ endpoint: 'node-careful', what: 'baseline rejected, expected accepted' }]);
  assert.deepEqual(checkLabClientExpectations(reportOf([]), refused), [{ endpoint: 'node-careful', what: 'not in the report' }]);
});
