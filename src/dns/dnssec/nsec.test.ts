import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RR_TYPES } from '../types.js';
import { nsecCovers, nsecProveNodata, nsecProveNxdomain, type NsecEntry } from './nsec.js';
import { nsec3Hash } from './nsec3.js';
import { fromHex } from '../../bytes.js';

const { A, NS, SOA, RRSIG, NSEC, DNSKEY, MX, TXT } = RR_TYPES;

// A small zone: example. (apex), a.example., *.w.example. (wildcard), x.y.example. (so y.example. is an ENT)
const chain: NsecEntry[] = [
  { owner: 'example.', next: 'a.example.', types: [SOA, NS, RRSIG, NSEC, DNSKEY] },
  { owner: 'a.example.', next: '*.w.example.', types: [A, RRSIG, NSEC] },
  { owner: '*.w.example.', next: 'x.y.example.', types: [MX, RRSIG, NSEC] },
  { owner: 'x.y.example.', next: 'example.', types: [A, RRSIG, NSEC] },
];

describe('NSEC denial (RFC 4035 §5.4)', () => {
  it('covers names between owner and next, including the wrap-around to the apex', () => {
    assert.equal(nsecCovers(chain[0]!, '0.example.'), true);
    assert.equal(nsecCovers(chain[3]!, 'z.example.'), true);
    assert.equal(nsecCovers(chain[3]!, 'a.example.'), false);
  });

  it('proves NXDOMAIN with a covering NSEC and one that covers the wildcard', () => {
    assert.equal(nsecProveNxdomain('b.example.', chain, 'example.').ok, true);
  });

  it('fails the NXDOMAIN proof when the wildcard denial is missing', () => {
    const p = nsecProveNxdomain('b.example.', [chain[1]!], 'example.');
    assert.equal(p.ok, false);
    if (!p.ok) assert.match(p.reason, /wildcard/);
  });

  it('proves NODATA from the NSEC at the name, unless the bitmap lists the type', () => {
    assert.equal(nsecProveNodata('a.example.', TXT, chain, 'example.').ok, true);
    assert.equal(nsecProveNodata('a.example.', A, chain, 'example.').ok, false);
  });

  it('proves NODATA for an empty non-terminal', () => {
    const p = nsecProveNodata('y.example.', A, chain, 'example.');
    assert.equal(p.ok && p.kind, 'ent-nodata');
  });
});

describe('NSEC3 hashing (RFC 5155 Appendix A)', () => {
  it('hashes names with salt aabbccdd and 12 iterations as the RFC example zone does', () => {
    const salt = fromHex('aabbccdd');
    assert.equal(nsec3Hash('example.', salt, 12), '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
    assert.equal(nsec3Hash('a.example.', salt, 12), '35mthgpgcu1qg68fab165klnsnk3dpvl');
  });
});
