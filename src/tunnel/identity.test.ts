import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initCa, parseSanNames } from '../ca/index.js';
import { parseCertificates } from '../x509/certificate.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkIdentity, describePeer, peerIdentity } from './identity.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-identity-'));
const ca = initCa(join(dir, 'ca'), { name: 'Id Test' });
const cert = (sans: string[], subject?: Array<[string, string]>) =>
  parseCertificates(ca.issue({ profile: 'client', names: parseSanNames(sans), ...(subject ? { subject } : {}) }).certPem)[0]!;
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the peer identity carries its SPIFFE ID, SANs, CN, OU, issuer and SPKI pin', () => {
  const id = peerIdentity(cert(['spiffe://prod/ns/web/sa/api', 'api.web.internal', '10.0.0.7'], [['CN', 'api'], ['OU', 'payments']]));
  assert.equal(id.spiffe, 'spiffe://prod/ns/web/sa/api');
  assert.deepEqual(id.dns, ['api.web.internal']);
  assert.deepEqual(id.ips, ['10.0.0.7']);
  assert.deepEqual(id.cn, ['api']);
  assert.deepEqual(id.ou, ['payments']);
  assert.equal(id.issuer, 'O=Id Test,CN=Id Test Intermediate CA');
  assert.match(id.spkiPin, /^sha256\/\/[A-Za-z0-9+/]{43}=$/);
  assert.equal(describePeer(id), 'spiffe://prod/ns/web/sa/api');
});

test('policy: any listed pattern admits; issuer and pins constrain on top; an empty policy admits any trusted peer', () => {
  const id = peerIdentity(cert(['spiffe://prod/ns/web/sa/api'], [['OU', 'payments']]));
  assert.deepEqual(checkIdentity({}, id), { allowed: true, matched: 'any identity from a trusted CA' });
  assert.equal(checkIdentity({ spiffe: ['spiffe://prod/ns/web/**'] }, id).allowed, true);
  assert.equal(checkIdentity({ spiffe: ['spiffe://prod/ns/web/*'] }, id).allowed, false);
  assert.deepEqual(checkIdentity({ spiffe: ['spiffe://prod/ns/db/**'], ou: ['payments'] }, id), { allowed: true, matched: 'ou' });
  assert.equal(checkIdentity({ cn: ['api'] }, id).allowed, false);
  assert.equal(checkIdentity({ issuers: ['CN=Other CA'] }, id).allowed, false);
  assert.equal(checkIdentity({ spkiPins: ['sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='] }, id).allowed, false);
  assert.equal(checkIdentity({ spkiPins: [id.spkiPin], issuers: [id.issuer] }, id).allowed, true);
  const denied = checkIdentity({ dns: ['*.web.internal'] }, id);
  assert.ok(!denied.allowed && /matches no allowed pattern/.test(denied.reason));
});
