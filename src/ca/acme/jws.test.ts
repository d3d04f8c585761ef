import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { isMitmError } from '../../errors.js';
import { jwkThumbprint, keyFromJwk, parseJws, verifyJws } from './jws.js';

function jws(alg: 'ES256' | 'RS256', payload: unknown, header: Record<string, unknown> = {}) {
  const kp = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = kp.publicKey.export({ format: 'jwk' });
  const p = Buffer.from(JSON.stringify({ alg, nonce: 'n1', url: 'http://x/new-account', jwk, ...header })).toString('base64url');
  const b = payload === '' ? '' : Buffer.from(JSON.stringify(payload)).toString('base64url');
  const sig = sign('sha256', Buffer.from(`${p}.${b}`), alg === 'ES256' ? { key: kp.privateKey, dsaEncoding: 'ieee-p1363' } : kp.privateKey);
  return { body: Buffer.from(JSON.stringify({ protected: p, payload: b, signature: sig.toString('base64url') })), jwk };
}

test('ES256 and RS256 requests verify with the key in the header; a flipped payload does not', () => {
  for (const alg of ['ES256', 'RS256'] as const) {
    const { body, jwk } = jws(alg, { termsOfServiceAgreed: true });
    const parsed = parseJws(body);
    assert.equal(parsed.payload, '{"termsOfServiceAgreed":true}');
    verifyJws(parsed, keyFromJwk(parsed.header.jwk!));
    const tampered = { ...parsed, signingInput: Buffer.concat([parsed.signingInput, Buffer.from('x')]) };
    assert.throws(() => verifyJws(tampered, keyFromJwk(jwk)), (e) => isMitmError(e, 'MG_ERR_FORBIDDEN'));
  }
});

test('RFC 7638 thumbprint of the RFC\'s own example key', () => {
  const jwk = {
    kty: 'RSA', e: 'AQAB', alg: 'RS256', kid: '2011-04-29',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  };
  assert.equal(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

test('malformed requests are MitmErrors: wrong alg, both jwk and kid, no nonce, private keys, seeded mutations', () => {
  assert.throws(() => parseJws(jws('ES256', {}, { alg: 'HS256' }).body), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  assert.throws(() => parseJws(jws('ES256', {}, { kid: 'http://x/acct/1' }).body), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  assert.throws(() => parseJws(jws('ES256', {}, { nonce: '' }).body), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  const priv = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
  assert.throws(() => keyFromJwk(priv), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  const base = jws('ES256', { identifiers: [{ type: 'dns', value: 'a.test' }] }).body;
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 3000; i++) {
    const m = Buffer.from(base);
    for (let j = 0; j < 1 + rand(3); j++) m[rand(m.length)] = rand(256);
    try {
      const p = parseJws(rand(6) === 0 ? m.subarray(0, rand(m.length)) : m);
      if (p.header.jwk) verifyJws(p, keyFromJwk(p.header.jwk));
    } catch (e) {
      assert.ok(isMitmError(e), `mutant ${i}: ${String(e)}`);
    }
  }
});
