import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditChecks, findingsForResults } from './audit.js';

test('one check per forged scenario, none for the baseline', () => {
  assert.ok(auditChecks.length >= 30);
  assert.equal(auditChecks.some((c) => c.id === 'audit.client.baseline'), false);
});

test('accepted scenarios become findings; rejected and inconclusive ones do not', () => {
  const findings = findingsForResults(
    [
      { scenario: 'baseline', title: '', verdict: 'accepted', evidence: 'ok', connections: 1 },
      { scenario: 'expired', title: '', verdict: 'accepted', evidence: 'GET / HTTP/1.1', connections: 1 },
      { scenario: 'sha1-signature', title: '', verdict: 'rejected', evidence: '', connections: 1 },
      { scenario: 'tls10-only', title: '', verdict: 'accepted-plaintext', evidence: 'PASS', connections: 1 },
      { scenario: 'wrong-host', title: '', verdict: 'inconclusive', evidence: '', connections: 0 },
    ],
    'client: curl',
  );
  assert.deepEqual(findings.map((f) => [f.id, f.severity]), [
    ['audit.client.tls10-only', 'critical'],
    ['audit.client.expired', 'high'],
  ]);
  assert.match(findings[1]!.evidence, /GET \/ HTTP\/1\.1/);
  assert.equal(findings[0]!.target, 'client: curl');
});
