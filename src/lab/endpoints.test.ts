import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogue } from '../checks/catalogue.js';
import { PILLARS } from '../model/index.js';
import { GRADES } from '../policy/grade.js';
import { LAB_ENDPOINTS } from './endpoints.js';

test('lab endpoints have unique names, and each flaw names a pillar and something a scan must show', () => {
  assert.equal(new Set(LAB_ENDPOINTS.map((e) => e.name)).size, LAB_ENDPOINTS.length);
  for (const e of LAB_ENDPOINTS) {
    if (e.pillar) assert.ok(PILLARS.includes(e.pillar), e.name);
    const servesTls = e.kind === 'https' || (e.kind === 'smtp' && e.smtp?.starttls === true);
    assert.equal(servesTls, Boolean(e.tls), `${e.name}: TLS settings exactly for endpoints that serve TLS`);
    const shows = e.expected.findings.length + Object.keys(e.expected.grades).length;
    if (e.pillar) assert.ok(shows > 0, `${e.name}: a flawed endpoint must expect something`);
    for (const g of Object.values(e.expected.grades)) assert.ok(GRADES.includes(g), `${e.name}: grade ${g}`);
  }
});

test('every finding id the lab expects is in the check catalogue', () => {
  for (const e of LAB_ENDPOINTS) for (const id of e.expected.findings) assert.ok(catalogue.get(id), `${e.name}: ${id} is not a catalogued check`);
});

test('the lab covers each flaw the issue lists', () => {
  const names = LAB_ENDPOINTS.map((e) => e.name);
  for (const n of ['modern', 'tls13-only', 'legacy', 'expired', 'self-signed', 'wrong-host', 'incomplete-chain', 'weak-key', 'sha1', 'mtls-requested', 'mtls-required', 'plain-http', 'http-redirect', 'smtp-starttls', 'smtp-plaintext']) {
    assert.ok(names.includes(n), n);
  }
});

test('a tunnelled twin fronts an endpoint earlier in the table, and what it must not show is catalogued and not also expected', () => {
  const twins = LAB_ENDPOINTS.filter((e) => e.kind === 'mtls-tunnel');
  assert.ok(twins.length > 0);
  for (const e of twins) {
    const backend = LAB_ENDPOINTS.findIndex((b) => b.name === e.tunnelOf);
    assert.ok(backend >= 0 && backend < LAB_ENDPOINTS.indexOf(e), `${e.name}: ${e.tunnelOf} starts before it`);
    for (const id of e.expected.absent ?? []) {
      assert.ok(catalogue.get(id), `${e.name}: ${id} is not a catalogued check`);
      assert.ok(!e.expected.findings.includes(id), `${e.name}: ${id} both expected and absent`);
    }
    // The twin's absent ids are the flaw its backend shows: a before and an after.
    const before = LAB_ENDPOINTS[backend]!;
    assert.ok((e.expected.absent ?? []).some((id) => before.expected.findings.includes(id)), `${e.name}: removes a flaw of ${before.name}`);
  }
});
