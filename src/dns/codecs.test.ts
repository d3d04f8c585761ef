import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex } from '../bytes.js';
import { isMitmError } from '../errors.js';
import { base32hexDecode, base32hexEncode } from './base32hex.js';
import { compareCanonical, normalizeName } from './name.js';
import { decodeNsec3Param, encodeNsec3Param } from './nsec3param.js';
import { decodeRdata } from './rdata.js';
import { decodeSvcb, encodeSvcb } from './svcb.js';
import { RR_TYPES } from './types.js';

describe('SVCB/HTTPS codec (RFC 9460)', () => {
  // RFC 9460 Appendix D.2 style: 1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1
  const rdata = Uint8Array.from([
    0, 1, 0,
    0, 1, 0, 6, 2, 0x68, 0x32, 2, 0x68, 0x33,
    0, 3, 0, 2, 0x20, 0xfb,
    0, 4, 0, 4, 192, 0, 2, 1,
  ]);

  it('decodes priority, target and params by name', () => {
    const v = decodeSvcb(rdata);
    assert.equal(v.priority, 1);
    assert.equal(v.target, '.');
    assert.deepEqual(v.params.map((p) => [p.name, p.value]), [['alpn', ['h2', 'h3']], ['port', 8443], ['ipv4hint', ['192.0.2.1']]]);
  });

  it('encodes back to the same bytes', () => {
    assert.deepEqual(encodeSvcb(decodeSvcb(rdata)), rdata);
  });

  it('is used for HTTPS records (type 65)', () => {
    const r = decodeRdata(RR_TYPES.HTTPS, rdata);
    assert.equal(r.type, 'HTTPS');
  });

  it('rejects keys out of order (RFC 9460 §2.2)', () => {
    const bad = Uint8Array.from([0, 1, 0, 0, 3, 0, 2, 0x20, 0xfb, 0, 1, 0, 3, 2, 0x68, 0x32]);
    assert.throws(() => decodeSvcb(bad), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
  });

  it('rejects a truncated param value', () => {
    assert.throws(() => decodeSvcb(rdata.subarray(0, rdata.length - 1)), (e) => isMitmError(e));
  });
});

describe('NSEC3PARAM codec (RFC 5155 §4.2)', () => {
  it('round-trips algorithm, flags, iterations and salt', () => {
    const v = { hashAlgorithm: 1, flags: 0, iterations: 12, salt: 'aabbccdd' };
    const bytes = encodeNsec3Param(v);
    assert.deepEqual([...bytes], [1, 0, 0, 12, 4, 0xaa, 0xbb, 0xcc, 0xdd]);
    assert.deepEqual(decodeNsec3Param(bytes), v);
  });

  it('decodes an empty salt as ""', () => {
    assert.equal(decodeNsec3Param(Uint8Array.from([1, 0, 0, 0, 0])).salt, '');
  });

  it('rejects trailing bytes and truncated salt', () => {
    assert.throws(() => decodeRdata(RR_TYPES.NSEC3PARAM, Uint8Array.from([1, 0, 0, 0, 0, 9])), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
    assert.throws(() => decodeRdata(RR_TYPES.NSEC3PARAM, Uint8Array.from([1, 0, 0, 0, 4, 1])), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
  });
});

describe('base32hex (RFC 4648 §7)', () => {
  it('matches the RFC 4648 test vectors without padding', () => {
    const vectors: [string, string][] = [['f', 'co'], ['fo', 'cpng'], ['foo', 'cpnmu'], ['foob', 'cpnmuog'], ['fooba', 'cpnmuoj1'], ['foobar', 'cpnmuoj1e8']];
    for (const [plain, enc] of vectors) {
      assert.equal(base32hexEncode(Buffer.from(plain)), enc);
      assert.equal(Buffer.from(base32hexDecode(enc)).toString(), plain);
    }
  });
});

describe('canonical name order (RFC 4034 §6.1)', () => {
  it('sorts the RFC example names into the RFC order', () => {
    const ordered = ['example.', 'a.example.', 'yljkjljk.a.example.', 'Z.a.example.', 'zABC.a.EXAMPLE.', 'z.example.', '\\001.z.example.', '*.z.example.', '\\200.z.example.'];
    const shuffled = [...ordered].reverse();
    shuffled.sort(compareCanonical);
    assert.deepEqual(shuffled, ordered);
  });

  it('normalises names to lower case with a trailing dot and rejects empty labels', () => {
    assert.equal(normalizeName('WWW.Example.COM'), 'www.example.com.');
    assert.throws(() => normalizeName('a..b'), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
    assert.throws(() => normalizeName('x'.repeat(64) + '.test'), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
  });
});

describe('typed rdata', () => {
  it('decodes NSEC3 with its opt-out flag, salt and type bitmap', () => {
    // alg 1, flags 1 (opt-out), 0 iterations, salt 8 bytes, next hash 20 bytes, bitmap: window 0 [A, NS, RRSIG]
    const rd = Uint8Array.from([1, 1, 0, 0, 8, ...fromHex('2ba7df8e3c81b671'), 20, ...new Array(20).fill(0x11), 0, 6, 0x60, 0, 0, 0, 0, 0x02]);
    const r = decodeRdata(RR_TYPES.NSEC3, rd);
    assert.equal(r.type, 'NSEC3');
    if (r.type === 'NSEC3') {
      assert.equal(r.flags & 1, 1);
      assert.deepEqual(r.types, [1, 2, 46]);
      assert.equal(r.nextHashed.length, 32);
    }
  });

  it('rejects a type bitmap with windows out of order', () => {
    const rd = Uint8Array.from([0, 1, 0x40, 0, 1, 0x40]);
    assert.throws(() => decodeRdata(RR_TYPES.NSEC, rd), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
  });

  it('decodes CAA and rejects an invalid tag (RFC 8659 §4.1)', () => {
    const good = Uint8Array.from([128, 5, ...Buffer.from('issue'), ...Buffer.from('letsencrypt.org')]);
    assert.deepEqual(decodeRdata(RR_TYPES.CAA, good), { type: 'CAA', flags: 128, tag: 'issue', value: 'letsencrypt.org' });
    assert.throws(() => decodeRdata(RR_TYPES.CAA, Uint8Array.from([0, 2, 0x2d, 0x2d])), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
  });

  it('keeps unknown types as hex (RFC 3597)', () => {
    assert.deepEqual(decodeRdata(4242, Uint8Array.from([1, 2])), { type: 'unknown', hex: '0102' });
  });
});
