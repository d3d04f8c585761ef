import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caaAllows, caaPolicy, caaSearchNames, issuerCaaDomains } from './caa.js';

describe('CAA (RFC 8659)', () => {
  const policy = caaPolicy('example.com.', [
    { flags: 0, tag: 'issue', value: 'letsencrypt.org; validationmethods=dns-01' },
    { flags: 0, tag: 'issuewild', value: ';' },
    { flags: 0, tag: 'iodef', value: 'mailto:sec@example.com' },
  ]);

  it('climbs from the name to its ancestors, not to the root', () => {
    assert.deepEqual(caaSearchNames('www.example.com'), ['www.example.com.', 'example.com.', 'com.']);
  });

  it('reads issue domains without parameters and an empty issuewild as "no CA"', () => {
    assert.deepEqual(policy.issue, ['letsencrypt.org']);
    assert.deepEqual(policy.issuewild, []);
    assert.deepEqual(policy.iodef, ['mailto:sec@example.com']);
  });

  it('allows the issuer named in issue and refuses another', () => {
    assert.equal(caaAllows(policy, 'www.example.com.', issuerCaaDomains("C=US, O=Let's Encrypt, CN=R11")), 'allowed');
    assert.equal(caaAllows(policy, 'www.example.com.', issuerCaaDomains('C=US, O=DigiCert Inc, CN=DigiCert TLS RSA SHA256 2020 CA1')), 'not-allowed');
    assert.equal(caaAllows(policy, '*.example.com.', issuerCaaDomains("O=Let's Encrypt")), 'not-allowed');
  });

  it('says when it cannot map the issuer, and when there is no CAA at all', () => {
    assert.equal(caaAllows(policy, 'www.example.com.', issuerCaaDomains('O=Unknown Corp CA')), 'unknown-issuer');
    assert.equal(caaAllows(caaPolicy(null, []), 'www.example.com.', ['letsencrypt.org']), 'no-caa');
  });

  it('lets the user map a private CA to its CAA domain', () => {
    assert.deepEqual(issuerCaaDomains('O=Corp Internal CA', [{ match: 'corp internal', domains: ['ca.corp.example'] }]), ['ca.corp.example']);
  });

  it('lists unknown critical properties (a CA must refuse to issue, §4.5)', () => {
    assert.deepEqual(caaPolicy('x.', [{ flags: 128, tag: 'tbs', value: 'x' }]).unknownCritical, ['tbs']);
  });
});

describe('--caa-id', () => {
it('--caa-id org=domain: the last = splits, the domain is lower-cased, an empty side is a usage error', async () => {
  const { parseCaaId } = await import('./caa.js');
  const { isMitmError } = await import('../errors.js');
  assert.deepEqual(parseCaaId('Acme = Corp CA=PKI.Acme.example'), { match: 'Acme = Corp CA', domains: ['pki.acme.example'] });
  for (const bad of ['nodomain', '=ca.example', 'Org=']) assert.throws(() => parseCaaId(bad), (e) => isMitmError(e, 'MG_ERR_USAGE'));
});
});
