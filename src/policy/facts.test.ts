import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthority, issueLeaf } from '../pki/index.js';
import { parseCertificate, spkiPin as x509Pin } from '../x509/index.js';
import { nameMatches, spkiPin } from './facts.js';

test('policy pins are x509 pins in curl\'s sha256//<base64> form, null for text that is not a certificate', () => {
  const leaf = issueLeaf(createAuthority('Facts Test CA'), { names: ['svc.test'] });
  assert.equal(spkiPin(leaf.pem), x509Pin(parseCertificate(leaf.der)));
  assert.equal(spkiPin('not a certificate'), null);
});

test('host names match SANs as the validator matches them (src/x509)', () => {
  assert.ok(nameMatches('svc.test', ['svc.test']));
  assert.ok(nameMatches('SVC.test.', ['DNS:svc.test']));
  assert.ok(nameMatches('a.svc.test', ['*.svc.test']));
  assert.ok(!nameMatches('a.b.svc.test', ['*.svc.test']), 'a wildcard stands for one label');
  assert.ok(!nameMatches('example.com', ['*.com']), 'no wildcard over a public suffix');
  assert.ok(nameMatches('127.0.0.1', ['IP Address:127.0.0.1']));
  assert.ok(nameMatches('[::1]', ['0:0:0:0:0:0:0:1']), 'IPv6 as node prints it compares as bytes');
  assert.ok(!nameMatches('127.0.0.1', ['DNS:127.0.0.1']), 'a dNSName holding an address never matches an IP');
  assert.ok(!nameMatches('other.test', ['svc.test']));
});
