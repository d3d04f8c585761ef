import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DerReader, DER_LIMITS, TAG, decodeOid, decodeTime, parseOne } from './der.js';
import { isMitmError } from '../errors.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const parseCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(isMitmError(err), `not a MitmError: ${String(err)}`);
    return (err as { code: string }).code;
  }
  return 'no error';
};

test('a well-formed SEQUENCE of an INTEGER is read with its exact encoding', () => {
  const t = parseOne(bytes(0x30, 0x03, 0x02, 0x01, 0x05), TAG.SEQUENCE, 'test');
  const r = new DerReader(t.value);
  const i = r.read(TAG.INTEGER);
  assert.deepEqual([...i.value], [5]);
  assert.deepEqual([...t.raw], [0x30, 0x03, 0x02, 0x01, 0x05]);
});

test('DER violations are refused with MG_ERR_X509_PARSE: indefinite, non-minimal and truncated lengths, trailing bytes', () => {
  assert.equal(parseCode(() => parseOne(bytes(0x30, 0x80, 0x00, 0x00), TAG.SEQUENCE, 't')), 'MG_ERR_X509_PARSE');
  assert.equal(parseCode(() => parseOne(bytes(0x30, 0x81, 0x03, 0x02, 0x01, 0x05), TAG.SEQUENCE, 't')), 'MG_ERR_X509_PARSE');
  assert.equal(parseCode(() => parseOne(bytes(0x30, 0x05, 0x02, 0x01), TAG.SEQUENCE, 't')), 'MG_ERR_X509_PARSE');
  assert.equal(parseCode(() => parseOne(bytes(0x30, 0x00, 0x00), TAG.SEQUENCE, 't')), 'MG_ERR_X509_PARSE');
  assert.equal(parseCode(() => parseOne(bytes(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff), TAG.SEQUENCE, 't')), 'MG_ERR_X509_PARSE');
});

test('input over the size limit is refused with MG_ERR_TOO_LARGE before parsing', () => {
  assert.equal(parseCode(() => parseOne(new Uint8Array(DER_LIMITS.maxInputBytes + 1), TAG.SEQUENCE, 't')), 'MG_ERR_TOO_LARGE');
});

test('nesting deeper than the limit is refused, not recursed into', () => {
  let deep = bytes(0x05, 0x00);
  for (let i = 0; i < DER_LIMITS.maxDepth + 5; i++) {
    const len = deep.length;
    deep = len < 128 ? Uint8Array.from([0x30, len, ...deep]) : Uint8Array.from([0x30, 0x81, len, ...deep]);
  }
  let r = new DerReader(deep);
  const go = () => {
    for (;;) r = r.enter(TAG.SEQUENCE);
  };
  assert.equal(parseCode(go), 'MG_ERR_X509_PARSE');
});

test('OIDs decode to dotted form and non-minimal sub-identifiers are refused', () => {
  assert.equal(decodeOid(bytes(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b)), '1.2.840.113549.1.1.11');
  assert.equal(decodeOid(bytes(0x55, 0x1d, 0x13)), '2.5.29.19');
  assert.equal(parseCode(() => decodeOid(bytes(0x55, 0x80, 0x1d))), 'MG_ERR_X509_PARSE');
});

test('times follow RFC 5280: UTCTime years 50-99 are 19xx, fractions and offsets are refused', () => {
  const t = (tag: number, s: string) => ({ tag, value: Uint8Array.from(Buffer.from(s)), raw: new Uint8Array() });
  assert.equal(decodeTime(t(TAG.UTCTime, '491231235959Z'), 't').toISOString(), '2049-12-31T23:59:59.000Z');
  assert.equal(decodeTime(t(TAG.UTCTime, '500101000000Z'), 't').toISOString(), '1950-01-01T00:00:00.000Z');
  assert.equal(decodeTime(t(TAG.GeneralizedTime, '29690503000001Z'), 't').toISOString(), '2969-05-03T00:00:01.000Z');
  assert.equal(parseCode(() => decodeTime(t(TAG.GeneralizedTime, '20240101000000.5Z'), 't')), 'MG_ERR_X509_PARSE');
  assert.equal(parseCode(() => decodeTime(t(TAG.UTCTime, '2401010000Z'), 't')), 'MG_ERR_X509_PARSE');
  assert.equal(parseCode(() => decodeTime(t(TAG.UTCTime, '240231000000Z'), 't')), 'MG_ERR_X509_PARSE');
});
