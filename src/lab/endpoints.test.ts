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
