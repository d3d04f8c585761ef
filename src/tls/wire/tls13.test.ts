import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { describe, it } from 'node:test';
import { ByteWriter, fromHex, toHex } from '../../bytes.js';
import { RFC8448_CLIENT_HELLO, RFC8448_SERVER_HELLO } from './testdata/rfc8448.js';
import { isMitmError } from '../../errors.js';
import {
  encryptRecord, hkdfExpandLabel, parseEncryptedExtensions, parseTls13Certificate, parseTls13CertificateRequest, serverHandshakeKeys,
  TLS13_SUITE_PARAMS, Tls13RecordDecrypter,
} from './tls13.js';

// RFC 8448 §3 (Simple 1-RTT Handshake): the handshake messages, the client's X25519 private key and what the RFC
// prints for the key schedule.
const CLIENT_HELLO = RFC8448_CLIENT_HELLO;
const SERVER_HELLO = RFC8448_SERVER_HELLO;
const CLIENT_X25519_PRIVATE = fromHex('49 af 42 ba 7f 79 94 85 2d 71 3e f2 78 4b cb ca a7 91 1d e2 6a dc 56 42 cb 63 45 40 e7 ea 50 05');
const SERVER_X25519_PUBLIC = SERVER_HELLO.subarray(SERVER_HELLO.length - 32 - 6, SERVER_HELLO.length - 6);
const SHARED_SECRET = '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d';
const SERVER_HS_TRAFFIC = 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38';
const SERVER_HS_KEY = '3fce516009c21727d0f2e4e86ee403bc';
const SERVER_HS_IV = '5d313eb2671276ee13000b30';

const pkcs8X25519 = (raw: Uint8Array) => createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]), format: 'der', type: 'pkcs8' });
const spkiX25519 = (raw: Uint8Array) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), raw]), format: 'der', type: 'spki' });

describe('TLS 1.3 key schedule (RFC 8446 §7) against RFC 8448 §3', () => {
  it('derives the ECDHE secret, the server handshake traffic secret, key and IV the RFC prints', () => {
    const shared = diffieHellman({ privateKey: pkcs8X25519(CLIENT_X25519_PRIVATE), publicKey: spkiX25519(SERVER_X25519_PUBLIC) });
    assert.equal(toHex(shared), SHARED_SECRET);
    const keys = serverHandshakeKeys(0x1301, shared, CLIENT_HELLO, SERVER_HELLO);
    assert.equal(toHex(keys.secret), SERVER_HS_TRAFFIC);
    assert.equal(toHex(keys.key), SERVER_HS_KEY);
    assert.equal(toHex(keys.iv), SERVER_HS_IV);
  });

  it('HKDF-Expand-Label writes the length, the "tls13 " label and the context into the info', () => {
    // Expanding the same secret under two labels or two lengths must differ; the same inputs must agree.
    const secret = new Uint8Array(32).fill(1);
    const a = hkdfExpandLabel('sha256', secret, 'key', new Uint8Array(0), 16);
    assert.equal(toHex(a), toHex(hkdfExpandLabel('sha256', secret, 'key', new Uint8Array(0), 16)));
    assert.notEqual(toHex(a), toHex(hkdfExpandLabel('sha256', secret, 'iv', new Uint8Array(0), 16)));
    assert.notEqual(toHex(a), toHex(hkdfExpandLabel('sha256', secret, 'key', new Uint8Array(0), 32).subarray(0, 16)));
    assert.equal(hkdfExpandLabel('sha384', secret, 'key', new Uint8Array(0), 100).length, 100);
  });

  it('refuses a suite that is not a TLS 1.3 suite', () => {
    assert.throws(() => serverHandshakeKeys(0xc02f, new Uint8Array(32), CLIENT_HELLO, SERVER_HELLO), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });
});

describe('TLS 1.3 record protection', () => {
  for (const suite of Object.keys(TLS13_SUITE_PARAMS).map(Number)) {
    it(`decrypts what was encrypted, in sequence, padding removed, for suite 0x${suite.toString(16)}`, () => {
      const keys = serverHandshakeKeys(suite, new Uint8Array(32).fill(9), CLIENT_HELLO, SERVER_HELLO);
      const d = new Tls13RecordDecrypter(suite, keys);
      for (let seq = 0; seq < 3; seq++) {
        const record = encryptRecord(suite, keys, seq, 22, Uint8Array.of(8, 0, 0, 2, 0, seq), seq * 5);
        const inner = d.decrypt(record.subarray(0, 5), record.subarray(5));
        assert.deepEqual(inner, { type: 22, content: Uint8Array.of(8, 0, 0, 2, 0, seq) });
      }
    });
  }

  it('refuses a record out of sequence, a flipped bit, a short record and an all-padding record with MG_ERR_PROTOCOL', () => {
    const keys = serverHandshakeKeys(0x1301, new Uint8Array(32).fill(9), CLIENT_HELLO, SERVER_HELLO);
    const later = encryptRecord(0x1301, keys, 1, 22, Uint8Array.of(1, 2, 3));
    assert.throws(() => new Tls13RecordDecrypter(0x1301, keys).decrypt(later.subarray(0, 5), later.subarray(5)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
    const first = encryptRecord(0x1301, keys, 0, 22, Uint8Array.of(1, 2, 3));
    const flipped = Uint8Array.from(first);
    flipped[7]! ^= 1;
    assert.throws(() => new Tls13RecordDecrypter(0x1301, keys).decrypt(flipped.subarray(0, 5), flipped.subarray(5)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
    assert.throws(() => new Tls13RecordDecrypter(0x1301, keys).decrypt(first.subarray(0, 5), first.subarray(5, 12)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
    const padOnly = encryptRecord(0x1301, keys, 0, 0, new Uint8Array(0), 4);
    assert.throws(() => new Tls13RecordDecrypter(0x1301, keys).decrypt(padOnly.subarray(0, 5), padOnly.subarray(5)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });
});

describe('TLS 1.3 encrypted handshake messages', () => {
  const ext = (w: ByteWriter, type: number, body: (x: ByteWriter) => void) => w.u16(type).vector(2, body);

  it('EncryptedExtensions: the ALPN protocol, or none', () => {
    const ee = new ByteWriter().vector(2, (l) => ext(l, 16, (x) => x.vector(2, (p) => p.vector(1, (s) => s.bytes(new TextEncoder().encode('h2')))))).finish();
    assert.equal(parseEncryptedExtensions(ee).alpn, 'h2');
    assert.equal(parseEncryptedExtensions(Uint8Array.of(0, 0)).alpn, null);
    assert.throws(() => parseEncryptedExtensions(Uint8Array.of(0, 4, 0, 16, 0, 9)), (e) => isMitmError(e));
  });

  it('Certificate: entries with their extensions; an empty cert_data or a trailing byte is refused', () => {
    const body = new ByteWriter()
      .vector(1, () => {})
      .vector(3, (l) => {
        l.vector(3, (c) => c.bytes([0x30, 0x00])).vector(2, (e) => ext(e, 5, (x) => x.bytes([1, 0, 0, 1, 0xaa])));
        l.vector(3, (c) => c.bytes([0x30, 0x01, 0x00])).vector(2, () => {});
      })
      .finish();
    const { entries } = parseTls13Certificate(body);
    assert.deepEqual(entries.map((e) => toHex(e.der)), ['3000', '300100']);
    assert.equal(toHex(entries[0]!.extensions.get(5)!), '01000001aa');
    assert.throws(() => parseTls13Certificate(Uint8Array.from([...body, 0])), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
    assert.throws(() => parseTls13Certificate(Uint8Array.of(0, 0, 0, 5, 0, 0, 0, 0, 0)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });

  it('CertificateRequest: needs signature_algorithms (RFC 8446 §4.3.2)', () => {
    const good = new ByteWriter().vector(1, () => {}).vector(2, (l) => ext(l, 13, (x) => x.vector(2, (s) => s.u16(0x0804)))).finish();
    assert.ok(parseTls13CertificateRequest(good).extensions.has(13));
    assert.throws(() => parseTls13CertificateRequest(Uint8Array.of(0, 0, 0)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });
});
