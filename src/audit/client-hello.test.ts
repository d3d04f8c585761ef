import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { encodeClientHello } from '../tls/wire/client-hello.js';
import { ClientHelloCollector, MAX_CLIENT_HELLO_BYTES } from './client-hello.js';

/** A TLS 1.3 ClientHello record offering the hybrid PQ group first, as Node 24 does. */
const RECORD = encodeClientHello({
  version: 0x0303,
  cipherSuites: [0x1301, 0x1302, 0x0a0a],
  supportedVersions: [0x0304, 0x0303],
  serverName: 'audit.test',
  groups: [0x11ec, 0x001d, 0x0017],
  signatureAlgorithms: [0x0905, 0x0403, 0x0804],
  alpn: ['h2', 'http/1.1'],
  keyShares: [{ group: 0x001d, keyExchange: new Uint8Array(32) }],
});

/** The same handshake message split over two records (RFC 8446 §5.1 allows it). */
function twoRecords(record: Uint8Array): Uint8Array {
  const msg = record.subarray(5);
  const cut = 40;
  const rec = (frag: Uint8Array) => Uint8Array.from([22, 3, 1, frag.length >> 8, frag.length & 0xff, ...frag]);
  return Uint8Array.from([...rec(msg.subarray(0, cut)), ...rec(msg.subarray(cut))]);
}

describe('ClientHelloCollector', () => {
  it('reads what the client offered: groups (post-quantum marked), key shares, schemes, ALPN, JA3/JA4', () => {
    const c = new ClientHelloCollector();
    const f = c.push(RECORD)!;
    assert.deepEqual(f.versions, ['TLSv1.3', 'TLSv1.2']);
    assert.deepEqual(f.groups, ['X25519MLKEM768', 'x25519', 'secp256r1']);
    assert.deepEqual(f.postQuantumGroups, ['X25519MLKEM768']);
    assert.deepEqual(f.keyShareGroups, ['x25519']);
    assert.deepEqual(f.signatureSchemes, ['mldsa65', 'ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256']);
    assert.deepEqual(f.alpn, ['h2', 'http/1.1']);
    assert.equal(f.cipherSuites, 2, 'GREASE is not counted');
    assert.match(f.ja4, /^t13d02\d\dh2_[0-9a-f]{12}_[0-9a-f]{12}$/);
    assert.match(f.ja3Hash, /^[0-9a-f]{32}$/);
    assert.equal(c.push(RECORD), null, 'after the hello, nothing more is read');
  });

  it('gives the same facts byte by byte and across two records', () => {
    const whole = new ClientHelloCollector().push(RECORD)!;
    const bytewise = new ClientHelloCollector();
    let got = null;
    for (const b of twoRecords(RECORD)) got = bytewise.push(Uint8Array.of(b)) ?? got;
    assert.deepEqual(got, whole);
  });

  it('stops with a MitmError on a record that is not a handshake, or a hello over the limit', () => {
    const alert = new ClientHelloCollector();
    assert.equal(alert.push(Uint8Array.from([21, 3, 3, 0, 2, 2, 40])), null);
    assert.ok(alert.error && isMitmError(alert.error, 'MG_ERR_PROTOCOL'));
    const huge = new ClientHelloCollector();
    assert.equal(huge.push(Uint8Array.from([22, 3, 1, 0x40, 0x00, 1, 0xff, 0xff, 0xff])), null);
    assert.ok(huge.error && isMitmError(huge.error, 'MG_ERR_TOO_LARGE'));
    const flood = new ClientHelloCollector();
    assert.equal(flood.push(new Uint8Array(MAX_CLIENT_HELLO_BYTES + 1).fill(22)), null);
    assert.ok(flood.error && isMitmError(flood.error, 'MG_ERR_TOO_LARGE'));
  });

  it('either reads or rejects with a MitmError a few thousand seeded mutants, never throwing', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 0x1000000;
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const m = Uint8Array.from(twoRecords(RECORD));
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      const c = new ClientHelloCollector();
      const f = c.push(m);
      if (f) read++;
      else assert.ok(c.error === null || isMitmError(c.error), String(c.error));
    }
    assert.ok(read > 50, `only ${read} mutants read`);
  });
});
