import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { createAuthority, issueLeaf } from '../pki/index.js';
import { matchTlsa } from './tlsa.js';

describe('TLSA matching (RFC 6698 §2.1, RFC 7671)', () => {
  const ca = createAuthority('CN=TLSA Test CA');
  const leaf = issueLeaf(ca, { names: ['www.example.test'] });
  const chain = [Uint8Array.from(leaf.der), Uint8Array.from(ca.cert.der)];
  const spki = (der: Uint8Array) => new X509Certificate(Buffer.from(der)).publicKey.export({ type: 'spki', format: 'der' });
  const sha256 = (b: Uint8Array) => Uint8Array.from(createHash('sha256').update(b).digest());
  const sha512 = (b: Uint8Array) => Uint8Array.from(createHash('sha512').update(b).digest());

  it('matches DANE-EE SPKI SHA-256 (3 1 1) to the leaf', () => {
    const [m] = matchTlsa([{ usage: 3, selector: 1, matchingType: 1, data: sha256(spki(chain[0]!)) }], chain);
    assert.equal(m!.matchedIndex, 0);
  });

  it('matches DANE-TA full certificate SHA-512 (2 0 2) to the issuing CA', () => {
    const [m] = matchTlsa([{ usage: 2, selector: 0, matchingType: 2, data: sha512(chain[1]!) }], chain);
    assert.equal(m!.matchedIndex, 1);
  });

  it('matches PKIX-EE exact certificate (1 0 0)', () => {
    const [m] = matchTlsa([{ usage: 1, selector: 0, matchingType: 0, data: chain[0]! }], chain);
    assert.equal(m!.matchedIndex, 0);
  });

  it('does not match an EE usage against the CA certificate', () => {
    const [m] = matchTlsa([{ usage: 3, selector: 1, matchingType: 1, data: sha256(spki(chain[1]!)) }], chain);
    assert.equal(m!.matchedIndex, null);
  });

  it('marks unknown usage or matching type as unusable', () => {
    const [m] = matchTlsa([{ usage: 3, selector: 1, matchingType: 9, data: new Uint8Array(4) }], chain);
    assert.match(m!.unusable ?? '', /unknown/);
  });
});
