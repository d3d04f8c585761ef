import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createAuthority, issueLeaf, buildCertificate, cachedKeyPair } from '../pki/index.js';
import { parseCertificate } from './certificate.js';
import { isMitmError } from '../errors.js';

const root = createAuthority([['CN', 'Parse Root'], ['O', 'mitmguard']]);

test('a certificate parses into subject, issuer, validity, serial and every extension with its criticality', () => {
  const leaf = issueLeaf(root, { names: ['www.example.test', '192.0.2.7'], extensions: { raw: [{ oid: '1.3.6.1.4.1.99999.1', critical: false, value: Uint8Array.from([0x05, 0x00]) }] } });
  const c = parseCertificate(leaf.der);
  const node = new X509Certificate(leaf.der);
  assert.equal(c.subject.text, 'CN=www.example.test');
  assert.equal(c.issuer.text, 'O=mitmguard,CN=Parse Root');
  assert.equal(c.serialHex.toUpperCase(), node.serialNumber.toUpperCase().replace(/^0+/, '').padStart(c.serialHex.length, '0'));
  assert.equal(c.notAfter.getTime(), new Date(node.validTo).getTime());
  assert.equal(c.version, 3);
  assert.deepEqual(
    c.extensions.map((e) => [e.oid, e.critical]),
    [['2.5.29.19', true], ['2.5.29.15', true], ['2.5.29.37', false], ['2.5.29.17', false], ['2.5.29.35', false], ['1.3.6.1.4.1.99999.1', false]],
  );
  assert.deepEqual(c.ext.subjectAltName?.map((n) => n.type), ['dns', 'ip']);
  assert.equal(c.ext.basicConstraints?.ca, false);
  assert.deepEqual([...(c.ext.keyUsage ?? [])], ['digitalSignature']);
  assert.equal(c.fingerprint, node.fingerprint256.replace(/:/g, '').toLowerCase());
  assert.deepEqual(c.defects, []);
});

test('a duplicate extension is recorded as a defect (RFC 5280 §4.2)', () => {
  const key = cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'dup');
  const cert = buildCertificate({
    subject: 'dup.test', subjectKey: key,
    extensions: { raw: [{ oid: '2.5.29.99', critical: false, value: Uint8Array.from([0x05, 0x00]) }, { oid: '2.5.29.99', critical: false, value: Uint8Array.from([0x05, 0x00]) }] },
  });
  assert.match(parseCertificate(cert.der).defects.join(';'), /duplicate extension 2\.5\.29\.99/);
});

test('an undecodable known extension is a defect, and the rest of the certificate still parses', () => {
  const key = cachedKeyPair({ type: 'ec', curve: 'P-256' }, 'bad-san');
  const cert = buildCertificate({ subject: 'bad.test', subjectKey: key, extensions: { raw: [{ oid: '2.5.29.17', critical: false, value: Uint8Array.from(Buffer.from('example.com')) }] } });
  const c = parseCertificate(cert.der);
  assert.equal(c.subject.text, 'CN=bad.test');
  assert.match(c.defects.join(';'), /2\.5\.29\.17 is malformed/);
});

test('every truncation of a certificate fails with a MitmError code, never a crash', () => {
  const der = issueLeaf(root, { names: ['t.test'] }).der;
  for (let n = 0; n < der.length; n++) {
    assert.throws(() => parseCertificate(der.subarray(0, n)), (err: unknown) => isMitmError(err) && /MG_ERR_(X509_PARSE|TOO_LARGE)/.test((err as { code: string }).code));
  }
});

test('random byte flips yield a parsed certificate or a MitmError, nothing else', () => {
  const der = issueLeaf(root, { names: ['f.test'] }).der;
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    const copy = Uint8Array.from(der);
    copy[rnd() % copy.length] = rnd() & 0xff;
    try {
      parseCertificate(copy);
    } catch (err) {
      assert.ok(isMitmError(err), `byte flip ${i} threw ${String(err)}`);
      refused++;
    }
  }
  assert.ok(refused > 0 && refused < 2000, `${refused} of 2000 byte flips refused: both outcomes must occur`);
});

test('trailing bytes after the certificate are refused', () => {
  const der = issueLeaf(root, { names: ['trail.test'] }).der;
  assert.throws(() => parseCertificate(Uint8Array.from([...der, 0])), (err: unknown) => isMitmError(err, 'MG_ERR_X509_PARSE'));
});
