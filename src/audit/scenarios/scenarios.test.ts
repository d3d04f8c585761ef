import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { catalogue } from '../../checks/catalogue.js';
import { createAuditLab, SCENARIOS, scenarioById, skipReason, unavailableReason } from './index.js';

const lab = createAuditLab('client.example.test');
const leafOf = (id: string) => new X509Certificate(scenarioById(id)!.chain!(lab).certs[0]!.pem);
const labCa = new X509Certificate(lab.labCa.cert.pem);

test('the catalogue has at least 30 scenarios with unique ids, the baseline first', () => {
  assert.ok(SCENARIOS.length >= 30, `${SCENARIOS.length} scenarios`);
  assert.equal(new Set(SCENARIOS.map((s) => s.id)).size, SCENARIOS.length);
  assert.equal(SCENARIOS[0]!.id, 'baseline');
  assert.deepEqual(SCENARIOS.filter((s) => s.expect === 'accept').map((s) => s.id), ['baseline']);
});

test('every forged scenario has a finding id in the global check catalogue', () => {
  const forged = SCENARIOS.filter((x) => x.expect === 'reject');
  assert.equal(forged.length, SCENARIOS.length - 1, 'every scenario but the baseline is a forgery');
  for (const s of forged) assert.ok(catalogue.get(`audit.client.${s.id}`), s.id);
});

test('every TLS scenario builds its chain, and only the baseline verifies for the host against the lab CA', () => {
  const withChain = SCENARIOS.filter((x) => x.chain);
  assert.ok(withChain.length >= 30, `${withChain.length} scenarios build a chain`);
  for (const s of withChain) {
    const chain = s.chain!(lab);
    assert.ok(chain.certs.length >= 1, s.id);
  }
  const baseline = leafOf('baseline');
  assert.ok(baseline.verify(labCa.publicKey));
  assert.equal(baseline.checkHost('client.example.test'), 'client.example.test');
  assert.equal(leafOf('wrong-host').checkHost('client.example.test'), undefined);
  assert.equal(leafOf('self-signed').verify(labCa.publicKey), false);
  assert.equal(leafOf('bad-signature').verify(labCa.publicKey), false);
  assert.ok(new Date(leafOf('expired').validTo) < new Date());
  assert.ok(new Date(leafOf('not-yet-valid').validFrom) > new Date());
});

test('the mimic scenario copies the issuer name of the lab CA but is signed by another key', () => {
  const mimic = leafOf('mimic-upstream');
  assert.equal(mimic.issuer, labCa.subject);
  assert.equal(mimic.verify(labCa.publicKey), false);
});

test('the weak-key and weak-hash scenarios carry what their names say', () => {
  assert.equal(leafOf('rsa-512-key').publicKey.asymmetricKeyDetails?.modulusLength, 512);
  assert.equal(leafOf('rsa-1024-key').publicKey.asymmetricKeyDetails?.modulusLength, 1024);
  // md5WithRSAEncryption, 1.2.840.113549.1.1.4 (RFC 3279 §2.2.1), as DER.
  const md5Oid = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04]);
  assert.ok(leafOf('md5-signature').raw.includes(md5Oid));
  assert.equal(leafOf('baseline').raw.includes(md5Oid), false);
  assert.equal(leafOf('eku-client-auth').keyUsage?.includes('1.3.6.1.5.5.7.3.2'), true);
  // OpenSSL prints the NUL inside the CN as \00.
  assert.equal(leafOf('nul-byte-cn').subject, 'CN=client.example.test\\00.attacker.invalid');
  assert.equal(leafOf('nul-byte-cn').subjectAltName, undefined);
});

test('protocol rules: STARTTLS scenarios apply to STARTTLS protocols only, HSTS to https only, pins only with --pin', () => {
  assert.equal(skipReason(scenarioById('starttls-not-offered')!, 'smtp', { pin: false }), null);
  assert.match(skipReason(scenarioById('starttls-not-offered')!, 'https', { pin: false }) ?? '', /does not apply/);
  assert.equal(skipReason(scenarioById('starttls-refused')!, 'postgres', { pin: false }), null);
  assert.match(skipReason(scenarioById('hsts-downgrade')!, 'redis', { pin: false }) ?? '', /does not apply/);
  assert.match(skipReason(scenarioById('pin-mismatch')!, 'https', { pin: false }) ?? '', /--pin/);
  assert.equal(skipReason(scenarioById('pin-mismatch')!, 'https', { pin: true }), null);
});

test('cipher availability is probed, not assumed: TLS 1.0 and NULL are servable here, each answer has a reason', () => {
  assert.equal(unavailableReason(scenarioById('tls10-only')!), null);
  assert.equal(unavailableReason(scenarioById('null-cipher')!), null);
  for (const id of ['rc4-cipher', '3des-cipher', 'export-cipher']) {
    const reason = unavailableReason(scenarioById(id)!);
    if (reason !== null) assert.match(reason, /cannot serve/);
  }
  // No OpenSSL since 1.1.0 has export suites: this answer cannot be "servable" on any Node this project runs on.
  assert.match(unavailableReason(scenarioById('export-cipher')!) ?? 'servable', /cannot serve "EXP"/);
});
