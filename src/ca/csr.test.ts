import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { isMitmError } from '../errors.js';
import { assertAcceptableKey, parseCsr } from './csr.js';

// A CSR made once by openssl (the same tool a requester would use), then mutated.
const dir = mkdtempSync(join(tmpdir(), 'mg-csr-'));
execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-subj', '/CN=api.svc.test', '-addext', 'subjectAltName=DNS:api.svc.test,IP:10.0.0.7,URI:spiffe://svc.test/api', '-outform', 'DER', '-out', join(dir, 'csr')], { stdio: 'ignore' });
const der = new Uint8Array(readFileSync(join(dir, 'csr')));
rmSync(dir, { recursive: true, force: true });

test('an openssl CSR yields its key and the names asked for', async () => {
  const csr = await parseCsr(der);
  assert.deepEqual(csr.names.map((n) => `${n.kind}:${n.value}`), ['dns:api.svc.test', 'ip:10.0.0.7', 'spiffe:spiffe://svc.test/api']);
  assert.equal(csr.commonName, 'api.svc.test');
  assert.equal(csr.publicKey.asymmetricKeyType, 'ec');
});

test('weak keys are refused with MG_ERR_FORBIDDEN', () => {
  assert.throws(() => assertAcceptableKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), (e) => isMitmError(e, 'MG_ERR_FORBIDDEN'));
  assert.throws(() => assertAcceptableKey(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), (e) => isMitmError(e, 'MG_ERR_FORBIDDEN'));
  assertAcceptableKey(generateKeyPairSync('ed25519').publicKey);
});

test('mutated CSRs are rejected with MitmErrors only (seeded), and a bad signature is MG_ERR_X509_INVALID', async () => {
  const flipped = Uint8Array.from(der);
  flipped[flipped.length - 5] = flipped[flipped.length - 5]! ^ 0x01;
  await assert.rejects(parseCsr(flipped), (e) => isMitmError(e));
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  let rejected = 0;
  for (let i = 0; i < 2000; i++) {
    const m = Uint8Array.from(der);
    for (let j = 0; j < 1 + rand(3); j++) m[rand(m.length)] = rand(256);
    const input = rand(8) === 0 ? m.subarray(0, rand(m.length)) : m;
    try {
      await parseCsr(input);
    } catch (e) {
      assert.ok(isMitmError(e), `mutant ${i}: ${String(e)}`);
      rejected++;
    }
  }
  assert.ok(rejected > 1500, `${rejected} rejected`);
});
