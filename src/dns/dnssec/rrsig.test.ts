import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DnsRecord } from '../message.js';
import { decodeRdata } from '../rdata.js';
import type { RrsigRdata } from '../rdata.js';
import { RR_TYPES } from '../types.js';
import { ALGORITHMS } from './algorithms.js';
import { dsDigest } from './canonical.js';
import { generateZoneKey, signRrset, type SigningKey } from './signer.js';
import { verifyRrset, type ZoneKey } from './rrsig.js';

const NOW = 1_800_000_000;
const WINDOW = { inception: NOW - 3600, expiration: NOW + 86400 };

function a(name: string, addr: string): DnsRecord {
  const rdata = Uint8Array.from(addr.split('.').map(Number));
  return { name, type: RR_TYPES.A, class: 1, ttl: 300, rdata, data: decodeRdata(RR_TYPES.A, rdata) };
}

function zoneKey(k: SigningKey): ZoneKey {
  const data = k.record.data as unknown as ZoneKey['data'];
  return { zone: k.zone, rdata: k.rdata, data, tag: k.tag, key: ALGORITHMS[k.algorithm]!.importKey(data.publicKey) };
}

const sigOf = (r: DnsRecord) => r.data as unknown as RrsigRdata;

describe('RRSIG verification', () => {
  for (const alg of [8, 10, 13, 14, 15, 16] as const) {
    it(`accepts an RRset signed with ${ALGORITHMS[alg]!.name} (algorithm ${alg})`, () => {
      const key = generateZoneKey('example.test.', alg);
      const rrset = [a('www.example.test.', '192.0.2.1'), a('www.example.test.', '192.0.2.2')];
      const sig = signRrset(rrset, key, WINDOW);
      const v = verifyRrset(rrset, [sigOf(sig)], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 });
      assert.equal(v.ok, true, v.ok ? '' : v.reason.text);
    });
  }

  it('accepts the records in any order and in any letter case (canonical form, RFC 4034 §6)', () => {
    const key = generateZoneKey('example.test.', 13);
    const sig = signRrset([a('www.example.test.', '192.0.2.1'), a('www.example.test.', '192.0.2.2')], key, WINDOW);
    const shuffled = [a('WWW.Example.TEST.', '192.0.2.2'), a('WWW.Example.TEST.', '192.0.2.1')];
    assert.equal(verifyRrset(shuffled, [sigOf(sig)], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 }).ok, true);
  });

  it('rejects an edited record that keeps the original signature as BOGUS', () => {
    const key = generateZoneKey('example.test.', 13);
    const sig = signRrset([a('www.example.test.', '192.0.2.1')], key, WINDOW);
    const v = verifyRrset([a('www.example.test.', '203.0.113.66')], [sigOf(sig)], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(v.ok, false);
    if (!v.ok) {
      assert.equal(v.reason.edeName, 'DNSSEC_BOGUS');
      assert.match(v.reason.text, /does not verify/);
    }
  });

  it('rejects a signature made with an attacker key that shares nothing with the zone keys', () => {
    const zone = generateZoneKey('example.test.', 13);
    const attacker = generateZoneKey('example.test.', 13);
    const rrset = [a('www.example.test.', '192.0.2.1')];
    const v = verifyRrset(rrset, [sigOf(signRrset(rrset, attacker, WINDOW))], [zoneKey(zone)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(v.ok, false);
    if (!v.ok) assert.ok(['DNSKEY_MISSING', 'DNSSEC_BOGUS'].includes(v.reason.edeName));
  });

  it('reports an expired signature with the expiry time', () => {
    const key = generateZoneKey('example.test.', 15);
    const rrset = [a('www.example.test.', '192.0.2.1')];
    const sig = signRrset(rrset, key, { inception: NOW - 7200, expiration: NOW - 60 });
    const v = verifyRrset(rrset, [sigOf(sig)], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(v.ok, false);
    if (!v.ok) {
      assert.equal(v.reason.edeName, 'SIGNATURE_EXPIRED');
      assert.match(v.reason.text, /expired at 2027-01-15T07:59:00Z/);
    }
  });

  it('reports a signature that is not valid yet', () => {
    const key = generateZoneKey('example.test.', 15);
    const rrset = [a('www.example.test.', '192.0.2.1')];
    const sig = signRrset(rrset, key, { inception: NOW + 600, expiration: NOW + 7200 });
    const v = verifyRrset(rrset, [sigOf(sig)], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(!v.ok && v.reason.edeName, 'SIGNATURE_NOT_YET_VALID');
  });

  it('reports missing signatures as RRSIGs missing', () => {
    const key = generateZoneKey('example.test.', 13);
    const v = verifyRrset([a('www.example.test.', '192.0.2.1')], [], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(!v.ok && v.reason.edeName, 'RRSIGS_MISSING');
  });

  it('rejects a signature by another zone (signer name must be the zone)', () => {
    const other = generateZoneKey('evil.test.', 13);
    const rrset = [a('www.example.test.', '192.0.2.1')];
    const v = verifyRrset(rrset, [sigOf(signRrset(rrset, other, WINDOW))], [zoneKey(other)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(v.ok, false);
    if (!v.ok) assert.match(v.reason.text, /signed by evil\.test\./);
  });

  it('verifies a wildcard expansion and says it was one (labels field below the owner labels)', () => {
    const key = generateZoneKey('example.test.', 13);
    const signedAs = [a('*.example.test.', '192.0.2.9')];
    const sig = signRrset(signedAs, key, { ...WINDOW, labels: 2 });
    const answer = [a('anything.example.test.', '192.0.2.9')];
    const v = verifyRrset(answer, [sigOf(sig)], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(v.ok && v.wildcard, true);
  });

  it('refuses a key without the zone key flag', () => {
    const key = generateZoneKey('example.test.', 13, 0);
    const rrset = [a('www.example.test.', '192.0.2.1')];
    const v = verifyRrset(rrset, [sigOf(signRrset(rrset, key, WINDOW))], [zoneKey(key)], 'example.test.', NOW, { verifications: 0 });
    assert.equal(!v.ok && v.reason.edeName, 'NO_ZONE_KEY_BIT');
  });

  it('stops after the signature budget (KeyTrap limit) instead of burning CPU', () => {
    const key = generateZoneKey('example.test.', 13);
    const rrset = [a('www.example.test.', '192.0.2.1')];
    const v = verifyRrset(rrset, [sigOf(signRrset(rrset, key, WINDOW))], [zoneKey(key)], 'example.test.', NOW, { verifications: 10_000 });
    assert.equal(!v.ok && v.reason.edeName, 'DNSSEC_INDETERMINATE');
  });
});

describe('DS digests', () => {
  it('computes SHA-256 and SHA-384 digests over the canonical owner and DNSKEY rdata', () => {
    const key = generateZoneKey('Example.TEST.', 13);
    const d256 = dsDigest('example.test.', key.rdata, 'sha256');
    const d384 = dsDigest('EXAMPLE.test.', key.rdata, 'sha384');
    assert.equal(d256.length, 32);
    assert.equal(d384.length, 48);
    assert.deepEqual(dsDigest('EXAMPLE.TEST.', key.rdata, 'sha256'), d256);
  });
});
