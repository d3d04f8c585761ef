import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificatesFromPemOrDer, decodePem, encodePem, PEM_LIMITS } from './pem.js';
import { isMitmError } from '../errors.js';

test('PEM blocks decode in order, text between them is ignored, and a label filter keeps only that label', () => {
  const a = encodePem('CERTIFICATE', Uint8Array.from([1, 2, 3]));
  const k = encodePem('PRIVATE KEY', Uint8Array.from([9]));
  const b = encodePem('CERTIFICATE', Uint8Array.from([4, 5]));
  const text = `subject=foo\n${a}junk between\n${k}${b}trailer`;
  assert.deepEqual(decodePem(text).map((x) => x.label), ['CERTIFICATE', 'PRIVATE KEY', 'CERTIFICATE']);
  assert.deepEqual(certificatesFromPemOrDer(text).map((d) => [...d]), [[1, 2, 3], [4, 5]]);
});

test('a block ends at the first END of its own label; a BEGIN whose label never ends is skipped', () => {
  const b = encodePem('CERTIFICATE', Uint8Array.from([7]));
  assert.deepEqual(decodePem(`-----BEGIN X509 CRL-----\nnot closed\n${b}`).map((x) => [x.label, [...x.der]]), [['CERTIFICATE', [7]]]);
  // Same label: the first block runs to the next END CERTIFICATE and swallows the second BEGIN, as RFC 7468 parsers do.
  assert.throws(() => decodePem(`-----BEGIN CERTIFICATE-----\nnot closed\n${b}`), (e: unknown) => isMitmError(e, 'MG_ERR_PEM'));
});

test('invalid base64 inside a block is MG_ERR_PEM; no block at all is MG_ERR_PEM for certificates', () => {
  assert.throws(() => decodePem('-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----\n'), (e: unknown) => isMitmError(e, 'MG_ERR_PEM'));
  assert.throws(() => certificatesFromPemOrDer('hello -----BEGIN nothing'), (e: unknown) => isMitmError(e, 'MG_ERR_PEM'));
});

test('hostile input of the maximum size full of unterminated BEGIN lines is decoded in linear time (no hang)', () => {
  const line = '-----BEGIN CERTIFICATE-----\n';
  const text = line.repeat(Math.floor(PEM_LIMITS.maxBytes / line.length));
  assert.deepEqual(decodePem(text), []);
});

test('input over the size limit is MG_ERR_TOO_LARGE', () => {
  assert.throws(() => decodePem('x'.repeat(PEM_LIMITS.maxBytes + 1)), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});
