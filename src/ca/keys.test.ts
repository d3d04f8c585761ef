import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isMitmError } from '../errors.js';
import { privateKeyFromPem, privateKeyToPem } from './keys.js';

test('PKCS#8 encrypted with scrypt opens with the passphrase, and a wrong or missing one is MG_ERR_PASSPHRASE', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKeyToPem(privateKey, 'correct horse battery');
  assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  const back = privateKeyFromPem(pem, 'correct horse battery');
  assert.deepEqual(back.export({ type: 'pkcs8', format: 'der' }), privateKey.export({ type: 'pkcs8', format: 'der' }));
  assert.throws(() => privateKeyFromPem(pem, 'wrong horse battery'), (e) => isMitmError(e, 'MG_ERR_PASSPHRASE'));
  assert.throws(() => privateKeyFromPem(pem), (e) => isMitmError(e, 'MG_ERR_PASSPHRASE'));
  assert.throws(() => privateKeyToPem(privateKey, 'short'), (e) => isMitmError(e, 'MG_ERR_USAGE'));
  assert.match(privateKeyToPem(privateKey), /^-----BEGIN PRIVATE KEY-----/);
});
