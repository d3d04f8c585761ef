import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificateRequest, CertificateRequestReader } from './certificate-request.js';
import { ByteWriter, fromHex } from '../../bytes.js';
import { isMitmError } from '../../errors.js';

// Name: CN=Test CA (SEQUENCE { SET { SEQUENCE { 2.5.4.3, UTF8String } } }).
const TEST_CA_DN = fromHex('3012311030' + '0e0603550403' + '0c07' + Buffer.from('Test CA').toString('hex'));

function requestBody(cas: Uint8Array[], tls12 = true): Uint8Array {
  const w = new ByteWriter();
  w.vector(1, (v) => v.u8(1).u8(64));
  if (tls12) w.vector(2, (v) => v.u16(0x0403).u16(0x0804));
  w.vector(2, (v) => {
    for (const dn of cas) v.vector(2, (d) => d.bytes(dn));
  });
  return w.finish();
}

test('a TLS 1.2 CertificateRequest yields certificate types, signature schemes and CA names', () => {
  const r = parseCertificateRequest(requestBody([TEST_CA_DN]), true);
  assert.deepEqual(r.certificateTypes, ['rsa_sign', 'ecdsa_sign']);
  assert.deepEqual(r.signatureAlgorithms.slice(0, 1), ['ecdsa_secp256r1_sha256']);
  assert.deepEqual(r.caNames, ['CN=Test CA']);
});

test('a TLS 1.0 CertificateRequest has no signature algorithm field', () => {
  const r = parseCertificateRequest(requestBody([], false), false);
  assert.deepEqual(r.caNames, []);
  assert.deepEqual(r.signatureAlgorithms, []);
});

test('an unparsable CA name is kept as hex instead of failing the probe', () => {
  const r = parseCertificateRequest(requestBody([Uint8Array.of(0x30, 0x01, 0xff)]), true);
  assert.deepEqual(r.caNames, ['#3001ff']);
});

test('truncated or padded CertificateRequests are rejected with codec error codes', () => {
  const body = requestBody([TEST_CA_DN]);
  assert.throws(() => parseCertificateRequest(body.subarray(0, body.length - 3), true), (e: unknown) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  assert.throws(() => parseCertificateRequest(Uint8Array.from([...body, 0]), true), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED'));
  assert.throws(() => parseCertificateRequest(Uint8Array.of(0, 0, 0, 0, 0), true), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED'));
});

test('the flight reader finds the request across record boundaries and stops at ServerHelloDone', () => {
  const body = requestBody([TEST_CA_DN]);
  const hs = (type: number, b: Uint8Array) => Uint8Array.from([type, 0, (b.length >> 8) & 0xff, b.length & 0xff, ...b]);
  const serverHello = hs(2, Uint8Array.from([3, 3, ...new Uint8Array(32), 0, 0xc0, 0x2f, 0]));
  const flight = Uint8Array.from([...serverHello, ...hs(13, body), ...hs(14, new Uint8Array(0))]);
  const record = (frag: Uint8Array) => Uint8Array.from([22, 3, 3, frag.length >> 8, frag.length & 0xff, ...frag]);
  const reader = new CertificateRequestReader();
  const half = Math.floor(flight.length / 2);
  assert.deepEqual(reader.push(record(flight.subarray(0, half))), { done: false });
  const out = reader.push(record(flight.subarray(half)));
  assert.ok(out.done && 'version' in out);
  assert.deepEqual(out.request?.caNames, ['CN=Test CA']);
});

test('the flight reader reports an alert and rejects non-TLS bytes', () => {
  assert.deepEqual(new CertificateRequestReader().push(Uint8Array.of(21, 3, 3, 0, 2, 2, 40)), { done: true, alert: 'handshake_failure' });
  assert.throws(() => new CertificateRequestReader().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});
