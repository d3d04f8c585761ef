/**
 * DNSSEC signature algorithms as a table (IANA "DNS Security Algorithm Numbers", RFC 8624 §3.1 for what a validator
 * must support). Each entry turns DNSKEY public key bytes into a node:crypto KeyObject and verifies a signature.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { MitmError } from '../../errors.js';

export interface AlgorithmEntry {
  name: string;
  /** RFC 8624 §3.1: MUST NOT / NOT RECOMMENDED for signing; still validated, but flagged in findings. */
  deprecated: boolean;
  importKey(publicKey: Uint8Array): KeyObject;
  verify(data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean;
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus. */
function rsaKey(pk: Uint8Array): KeyObject {
  if (pk.length < 3) throw new MitmError('MG_ERR_DNSSEC', 'RSA DNSKEY is too short');
  let off = 1;
  let elen = pk[0]!;
  if (elen === 0) {
    elen = (pk[1]! << 8) | pk[2]!;
    off = 3;
  }
  const e = pk.subarray(off, off + elen);
  const n = pk.subarray(off + elen);
  if (e.length !== elen || n.length < 64) throw new MitmError('MG_ERR_DNSSEC', 'RSA DNSKEY exponent or modulus is malformed');
  return createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
}

/** RFC 6605 §4: the public key is Q as x | y, 32 or 48 octets each. */
function ecKey(crv: 'P-256' | 'P-384', size: number) {
  return (pk: Uint8Array): KeyObject => {
    if (pk.length !== size * 2) throw new MitmError('MG_ERR_DNSSEC', `${crv} DNSKEY must be ${size * 2} octets, got ${pk.length}`);
    return createPublicKey({ key: { kty: 'EC', crv, x: b64url(pk.subarray(0, size)), y: b64url(pk.subarray(size)) }, format: 'jwk' });
  };
}

/** RFC 8080 §3: the public key is the raw 32 (Ed25519) or 57 (Ed448) octets. */
function okpKey(crv: 'Ed25519' | 'Ed448', size: number) {
  return (pk: Uint8Array): KeyObject => {
    if (pk.length !== size) throw new MitmError('MG_ERR_DNSSEC', `${crv} DNSKEY must be ${size} octets, got ${pk.length}`);
    return createPublicKey({ key: { kty: 'OKP', crv, x: b64url(pk) }, format: 'jwk' });
  };
}

const rsa = (hash: string, name: string, deprecated: boolean): AlgorithmEntry => ({
  name, deprecated, importKey: rsaKey,
  verify: (data, key, sig) => cryptoVerify(hash, data, key, sig),
});
// RFC 6605 §4: ECDSA signatures are r | s, which node calls ieee-p1363.
const ec = (hash: string, crv: 'P-256' | 'P-384', size: number, name: string): AlgorithmEntry => ({
  name, deprecated: false, importKey: ecKey(crv, size),
  verify: (data, key, sig) => cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig),
});
const ed = (crv: 'Ed25519' | 'Ed448', size: number, name: string): AlgorithmEntry => ({
  name, deprecated: false, importKey: okpKey(crv, size),
  verify: (data, key, sig) => cryptoVerify(null, data, key, sig),
});

export const ALGORITHMS: Record<number, AlgorithmEntry> = {
  5: rsa('sha1', 'RSASHA1', true),
  7: rsa('sha1', 'RSASHA1-NSEC3-SHA1', true),
  8: rsa('sha256', 'RSASHA256', false),
  10: rsa('sha512', 'RSASHA512', false),
  13: ec('sha256', 'P-256', 32, 'ECDSAP256SHA256'),
  14: ec('sha384', 'P-384', 48, 'ECDSAP384SHA384'),
  15: ed('Ed25519', 32, 'ED25519'),
  16: ed('Ed448', 57, 'ED448'),
};

export function algorithmName(n: number): string {
  return ALGORITHMS[n]?.name ?? `algorithm ${n}`;
}

/** DS digest types (RFC 4509, RFC 6605): SHA-1 is accepted but deprecated (RFC 8624 §3.3). */
export const DIGESTS: Record<number, { hash: string; name: string; length: number }> = {
  1: { hash: 'sha1', name: 'SHA-1', length: 20 },
  2: { hash: 'sha256', name: 'SHA-256', length: 32 },
  4: { hash: 'sha384', name: 'SHA-384', length: 48 },
};
