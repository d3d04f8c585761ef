import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMitmError } from '../errors.js';
import { parseSanName, parseSanNames, spiffeIdProblem } from './names.js';

test('SPIFFE IDs are checked against the SPIFFE ID specification', () => {
  assert.equal(spiffeIdProblem('spiffe://prod.example/ns/web/sa/api'), undefined);
  assert.equal(spiffeIdProblem('spiffe://prod.example'), undefined);
  for (const bad of ['SPIFFE://x/y', 'spiffe://Prod/x', 'spiffe:///x', 'spiffe://td/a//b', 'spiffe://td/a/', 'spiffe://td/../x', 'spiffe://td/a?b', 'spiffe://td/a#b', 'spiffe://td/a b', `spiffe://td/${'a'.repeat(2100)}`]) {
    assert.ok(spiffeIdProblem(bad), bad);
  }
});

test('typed names: bare host names, addresses and SPIFFE IDs are recognised; prefixes select the kind', () => {
  assert.deepEqual(parseSanName('API.svc.internal.'), { kind: 'dns', value: 'api.svc.internal' });
  assert.deepEqual(parseSanName('*.svc.internal'), { kind: 'dns', value: '*.svc.internal' });
  assert.deepEqual(parseSanName('10.0.0.7'), { kind: 'ip', value: '10.0.0.7' });
  assert.deepEqual(parseSanName('2001:db8::1'), { kind: 'ip', value: '2001:db8::1' });
  assert.deepEqual(parseSanName('spiffe://td/x'), { kind: 'spiffe', value: 'spiffe://td/x' });
  assert.deepEqual(parseSanName('uri:spiffe://td/x'), { kind: 'spiffe', value: 'spiffe://td/x' });
  assert.deepEqual(parseSanName('uri:https://svc.example/x'), { kind: 'uri', value: 'https://svc.example/x' });
  assert.deepEqual(parseSanName('email:ops@example.com'), { kind: 'email', value: 'ops@example.com' });
  for (const bad of ['a.*.example', 'exa mple.com', 'ip:300.1.1.1', 'email:nobody', 'uri:no scheme', '']) {
    assert.throws(() => parseSanName(bad), (e) => isMitmError(e, 'MG_ERR_USAGE'), bad);
  }
});

test('a certificate carries at most one SPIFFE ID, and duplicates collapse', () => {
  assert.equal(parseSanNames(['a.example', 'A.example', 'spiffe://td/x']).length, 2);
  assert.throws(() => parseSanNames(['spiffe://td/x', 'spiffe://td/y']), (e) => isMitmError(e, 'MG_ERR_USAGE'));
  assert.throws(() => parseSanNames(Array.from({ length: 101 }, (_, i) => `h${i}.example`)), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});
