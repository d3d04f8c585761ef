import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMitmError } from '../errors.js';
import { parseSanNames } from './names.js';
import { dnsPatternMatches, evaluateSignPolicy, ipInCidr, parseSignPolicy, spiffePatternMatches } from './sign-policy.js';

test('DNS patterns: exact, one label below, any depth below', () => {
  assert.ok(dnsPatternMatches('web.internal', 'WEB.internal'));
  assert.ok(dnsPatternMatches('*.web.internal', 'a.web.internal'));
  assert.ok(dnsPatternMatches('*.web.internal', '*.web.internal'));
  assert.ok(!dnsPatternMatches('*.web.internal', 'a.b.web.internal'));
  assert.ok(!dnsPatternMatches('*.web.internal', 'web.internal'));
  assert.ok(!dnsPatternMatches('*.web.internal', 'evilweb.internal'));
  assert.ok(dnsPatternMatches('**.web.internal', 'a.b.web.internal'));
  assert.ok(!dnsPatternMatches('**.web.internal', 'web.internal'));
});

test('SPIFFE patterns: * is one segment, a trailing ** any rest', () => {
  assert.ok(spiffePatternMatches('spiffe://td/ns/web/*', 'spiffe://td/ns/web/api'));
  assert.ok(!spiffePatternMatches('spiffe://td/ns/web/*', 'spiffe://td/ns/web/api/extra'));
  assert.ok(!spiffePatternMatches('spiffe://td/ns/web/*', 'spiffe://td/ns/web'));
  assert.ok(spiffePatternMatches('spiffe://td/ns/**', 'spiffe://td/ns/web/api'));
  assert.ok(!spiffePatternMatches('spiffe://td/ns/**', 'spiffe://other/ns/web'));
});

test('IP ranges for v4 and v6', () => {
  assert.ok(ipInCidr('10.1.2.3', '10.1.0.0/16'));
  assert.ok(!ipInCidr('10.2.0.1', '10.1.0.0/16'));
  assert.ok(ipInCidr('2001:db8::5', '2001:db8::/32'));
  assert.ok(!ipInCidr('10.1.2.3', '2001:db8::/32'));
  assert.ok(ipInCidr('192.0.2.1', '192.0.2.1'));
});

test('the verdict names every refused name, the purpose and the lifetime', () => {
  const policy = parseSignPolicy({ requesters: { web: { dns: ['*.web.internal'], spiffe: ['spiffe://td/web/*'], purposes: ['server'], maxLifetimeHours: 48 } } });
  const ok = evaluateSignPolicy(policy, { requester: 'web', names: parseSanNames(['a.web.internal', 'spiffe://td/web/a']), purpose: 'server', lifetimeHours: 24 });
  assert.deepEqual(ok, { allowed: true, refused: [] });
  const bad = evaluateSignPolicy(policy, { requester: 'web', names: parseSanNames(['a.db.internal', '10.0.0.1']), purpose: 'client', lifetimeHours: 100 });
  assert.equal(bad.allowed, false);
  assert.deepEqual(bad.refused.map((r) => r.name), ['*', '*', 'dns:a.db.internal', 'ip:10.0.0.1']);
  const stranger = evaluateSignPolicy(policy, { requester: 'constructor', names: parseSanNames(['a.web.internal']), purpose: 'server', lifetimeHours: 1 });
  assert.equal(stranger.allowed, false);
});

test('malformed policies are MG_ERR_CONFIG', () => {
  for (const doc of [null, [], { requesters: [] }, { requesters: { a: { dns: 'x' } } }, { requesters: { a: { ip: ['nope'] } } }, { requesters: { a: { purposes: ['root'] } } }, { requesters: { a: { extra: 1 } } }]) {
    assert.throws(() => parseSignPolicy(doc), (e) => isMitmError(e, 'MG_ERR_CONFIG'), JSON.stringify(doc));
  }
});
