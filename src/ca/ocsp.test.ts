import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { isMitmError } from '../errors.js';
import { DerReader, TAG } from '../x509/der.js';
import { buildOcspResponse, encodeOcspRequest, OCSP_LIMITS, parseOcspRequest, type Responder } from './ocsp.js';

const issuerName = Buffer.from('300f310d300b06035504030c0454657374', 'hex');
const issuerBits = new Uint8Array(65).fill(4);
const nonce = new Uint8Array(16).fill(7);

test('a request encoded as OpenSSL does is parsed back: CertID and nonce', () => {
  const der = encodeOcspRequest(issuerName, issuerBits, Uint8Array.from([0x12, 0x34]), nonce);
  const r = parseOcspRequest(der);
  assert.equal(r.certIds.length, 1);
  assert.equal(r.certIds[0]!.serialHex, '1234');
  assert.deepEqual(Buffer.from(r.certIds[0]!.issuerNameHash), createHash('sha1').update(issuerName).digest());
  assert.ok(r.nonceExtension && Buffer.from(r.nonceExtension).includes(Buffer.from(nonce)));
});

test('the response answers per CertID, unknown for another issuer, echoes the nonce and verifies with the responder key', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const responder: Responder = {
    issuerNameDer: issuerName, issuerPublicKeyBits: issuerBits, responderCertDer: Uint8Array.from([0x30, 0x00]),
    responderKey: privateKey, responderKeyHash: new Uint8Array(20), validityMs: 3_600_000,
  };
  const req = parseOcspRequest(encodeOcspRequest(issuerName, issuerBits, Uint8Array.from([0x01]), nonce));
  const other = parseOcspRequest(encodeOcspRequest(Buffer.from('3000', 'hex'), issuerBits, Uint8Array.from([0x01]), nonce));
  const resp = buildOcspResponse({ certIds: [...req.certIds, ...other.certIds], nonceExtension: req.nonceExtension! }, responder, () => ({ status: 'revoked', revokedAt: new Date(0), reason: 'keyCompromise' }), new Date());
  // OCSPResponse { status successful, [0] { id-pkix-ocsp-basic, OCTET STRING BasicOCSPResponse } }
  const outer = new DerReader(resp).enter(TAG.SEQUENCE);
  assert.deepEqual([...outer.read(TAG.ENUMERATED).value], [0]);
  const rb = new DerReader(outer.read(0xa0).value).enter(TAG.SEQUENCE);
  rb.read(TAG.OID);
  const basic = new DerReader(rb.read(TAG.OCTET_STRING).value).enter(TAG.SEQUENCE);
  const tbs = basic.read(TAG.SEQUENCE);
  basic.read(TAG.SEQUENCE);
  const sig = basic.read(TAG.BIT_STRING).value.subarray(1);
  assert.ok(verify('sha256', tbs.raw, publicKey, sig));
  const data = new DerReader(tbs.value);
  data.read(0xa2);
  data.read(TAG.GeneralizedTime);
  const singles = new DerReader(data.read(TAG.SEQUENCE).value);
  const status = (s: DerReader) => {
    s.read(TAG.SEQUENCE);
    return s.read().tag;
  };
  assert.equal(status(singles.enter(TAG.SEQUENCE)), 0xa1, 'revoked for our issuer');
  assert.equal(status(singles.enter(TAG.SEQUENCE)), 0x82, 'unknown for another issuer');
  assert.ok(Buffer.from(data.read(0xa1).raw).includes(Buffer.from(nonce)));
});

test('malformed and oversized requests are MitmErrors (seeded mutation of a valid request)', () => {
  const base = encodeOcspRequest(issuerName, issuerBits, Uint8Array.from([0x12, 0x34]), nonce);
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  let rejected = 0;
  for (let i = 0; i < 4000; i++) {
    const m = Uint8Array.from(base);
    const flips = 1 + rand(4);
    for (let j = 0; j < flips; j++) m[rand(m.length)] = rand(256);
    const cut = rand(8) === 0 ? m.subarray(0, rand(m.length)) : m;
    try {
      parseOcspRequest(cut);
    } catch (e) {
      assert.ok(isMitmError(e), `mutant ${i} threw ${String(e)}`);
      rejected++;
    }
  }
  assert.ok(rejected > 1000);
  assert.throws(() => parseOcspRequest(new Uint8Array(OCSP_LIMITS.maxRequestBytes + 1)), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});

test('a response we build parses back (status, reason, nonce), and mutated responses are MitmErrors', async () => {
  const { parseOcspResponse } = await import('./ocsp.js');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const responder: Responder = {
    issuerNameDer: issuerName, issuerPublicKeyBits: issuerBits, responderCertDer: Uint8Array.from([0x30, 0x00]),
    responderKey: privateKey, responderKeyHash: new Uint8Array(20).fill(9), validityMs: 3_600_000,
  };
  const req = parseOcspRequest(encodeOcspRequest(issuerName, issuerBits, Uint8Array.from([0x42]), nonce));
  const der = buildOcspResponse(req, responder, () => ({ status: 'revoked', revokedAt: new Date('2026-01-02T03:04:05Z'), reason: 'superseded' }), new Date());
  const r = parseOcspResponse(der);
  assert.equal(r.responses[0]!.serialHex, '42');
  assert.equal(r.responses[0]!.status, 'revoked');
  assert.equal(r.responses[0]!.status === 'revoked' && r.responses[0]!.reason, 'superseded');
  assert.deepEqual(Buffer.from(r.nonce!), Buffer.from(nonce));
  assert.deepEqual(Buffer.from(r.responder.keyHash!), Buffer.alloc(20, 9));
  let seed = 5;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 3000; i++) {
    const m = Uint8Array.from(der);
    for (let j = 0; j < 1 + rand(3); j++) m[rand(m.length)] = rand(256);
    try {
      parseOcspResponse(rand(8) === 0 ? m.subarray(0, rand(m.length)) : m);
    } catch (e) {
      assert.ok(isMitmError(e), `mutant ${i}: ${String(e)}`);
    }
  }
});
