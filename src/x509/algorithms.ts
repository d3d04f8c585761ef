/**
 * Public keys and signature algorithms: what a key is (type, size, curve), whether the strict profile accepts it
 * (CABF BR §6.1.5, §7.1.3), and signature verification through node:crypto with a cache per (issuer key, signed bytes).
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { DerReader, TAG, decodeOid, decodeSmallInt } from './der.js';
import type { AlgorithmIdentifier, Certificate } from './certificate.js';
import { MitmError } from '../errors.js';

export interface KeyInfo {
  /** rsa, ec, ed25519, ed448, dsa, or the OID of anything else. */
  type: string;
  bits: number;
  /** EC curve name (P-256, P-384, P-521, secp256k1, P-192, …) or "explicit" for explicit parameters. */
  curve?: string;
  /** Why the strict profile refuses this key; undefined when acceptable. */
  weakness?: string;
}

const KEY_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
};

const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
};

/** CABF BR §6.1.5: RSA ≥ 2048 bits and a multiple of 8; ECDSA on P-256, P-384 or P-521 with named curves only. */
export const STRONG_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);
export const MIN_RSA_BITS = 2048;

/** Named limit: imported public keys kept, keyed by SPKI bytes (the same CA keys recur across a scan). */
export const MAX_CACHED_KEYS = 4096;
const keyCache = new Map<string, KeyObject | null>();

/** The node:crypto key for a certificate's SPKI, or null when node cannot import it (an invalid key). */
export function publicKeyOf(cert: Certificate): KeyObject | null {
  const spki = Buffer.from(cert.spki.der.buffer, cert.spki.der.byteOffset, cert.spki.der.byteLength);
  const id = spki.toString('latin1');
  const cached = keyCache.get(id);
  if (cached !== undefined) return cached;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  // Importing a key costs more than a signature check; a bounded cache, emptied when full, keeps memory flat.
  if (keyCache.size >= MAX_CACHED_KEYS) keyCache.clear();
  keyCache.set(id, key);
  return key;
}

/** Describe the subject public key and judge it against the strict profile. */
export function keyInfo(cert: Certificate): KeyInfo {
  const alg = cert.spki.algorithm;
  const type = KEY_OIDS[alg.oid] ?? alg.oid;
  if (type === 'ec') {
    // CVE-2020-0601: explicit curve parameters let a forger choose the generator. Named curves only (RFC 5480 §2.1.1).
    if (alg.params?.tag !== TAG.OID) return { type, bits: 0, curve: 'explicit', weakness: 'EC key with explicit curve parameters (RFC 5480 §2.1.1, CVE-2020-0601)' };
    let oid: string;
    try {
      oid = decodeOid(alg.params.value);
    } catch {
      return { type, bits: 0, curve: 'invalid', weakness: 'EC key with a malformed curve identifier' };
    }
    const curve = CURVES[oid];
    if (!curve) return { type, bits: 0, curve: oid, weakness: `EC key on unsupported curve ${oid}` };
    return STRONG_CURVES.has(curve.name)
      ? { type, bits: curve.bits, curve: curve.name }
      : { type, bits: curve.bits, curve: curve.name, weakness: `EC key on ${curve.name}, not P-256/P-384/P-521 (CABF BR §6.1.5)` };
  }
  const key = publicKeyOf(cert);
  if (type === 'rsa') {
    // RFC 3279 §2.3.1: rsaEncryption parameters MUST be NULL.
    if (alg.params?.tag !== TAG.NULL) return { type, bits: 0, weakness: 'RSA key algorithm identifier without NULL parameters' };
    const bits = (key?.asymmetricKeyDetails?.modulusLength as number | undefined) ?? 0;
    if (!key) return { type, bits, weakness: 'RSA public key cannot be decoded' };
    if (bits < MIN_RSA_BITS) return { type, bits, weakness: `RSA key of ${bits} bits, under ${MIN_RSA_BITS} (CABF BR §6.1.5)` };
    if (bits % 8 !== 0) return { type, bits, weakness: `RSA modulus of ${bits} bits is not a multiple of 8 (CABF BR §6.1.5)` };
    return { type, bits };
  }
  if (type === 'ed25519' || type === 'ed448') {
    if (alg.params) return { type, bits: 0, weakness: `${type} key algorithm identifier with parameters (RFC 8410 §3)` };
    return key ? { type, bits: type === 'ed25519' ? 256 : 456 } : { type, bits: 0, weakness: `${type} public key cannot be decoded` };
  }
  if (type === 'dsa') return { type, bits: (key?.asymmetricKeyDetails?.modulusLength as number | undefined) ?? 0, weakness: 'DSA keys are not allowed (CABF BR §6.1.5)' };
  return { type, bits: 0, weakness: `unsupported public key algorithm ${alg.oid}` };
}

export interface SignatureScheme {
  name: string;
  /** Key type that must sign with it. */
  key: 'rsa' | 'ec' | 'ed25519' | 'ed448';
  hash: string | null;
  pss?: boolean;
  /** Why the strict profile refuses it (MD5, SHA-1). */
  weakness?: string;
  /** Parameters: 'null' (RSA PKCS#1, RFC 4055 §5), 'absent' (ECDSA, EdDSA: RFC 5758 §3.2, RFC 8410 §3) or 'pss'. */
  params: 'null' | 'absent' | 'pss';
}

export const SIGNATURE_SCHEMES: Record<string, SignatureScheme> = {
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', key: 'rsa', hash: 'md5', params: 'null', weakness: 'MD5 signature (RFC 6151)' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', key: 'rsa', hash: 'sha1', params: 'null', weakness: 'SHA-1 signature (CABF BR §7.1.3.2)' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', key: 'rsa', hash: 'sha256', params: 'null' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', key: 'rsa', hash: 'sha384', params: 'null' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', key: 'rsa', hash: 'sha512', params: 'null' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', key: 'rsa', hash: null, pss: true, params: 'pss' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', key: 'ec', hash: 'sha1', params: 'absent', weakness: 'SHA-1 signature (CABF BR §7.1.3.2)' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', key: 'ec', hash: 'sha256', params: 'absent' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', key: 'ec', hash: 'sha384', params: 'absent' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', key: 'ec', hash: 'sha512', params: 'absent' },
  '1.3.101.112': { name: 'Ed25519', key: 'ed25519', hash: null, params: 'absent' },
  '1.3.101.113': { name: 'Ed448', key: 'ed448', hash: null, params: 'absent' },
};

const HASH_OIDS: Record<string, { name: string; len: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', len: 20 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', len: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', len: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', len: 64 },
};

/** RSASSA-PSS-params (RFC 4055 §3.1), accepted only in the form CABF BR §7.1.3.2 allows: MGF1 with the same hash, salt = hash length. */
export function decodePssParams(alg: AlgorithmIdentifier): { hash: string; saltLength: number } {
  if (!alg.params || alg.params.tag !== TAG.SEQUENCE) throw new MitmError('MG_ERR_X509_PARSE', 'RSASSA-PSS without parameters');
  const r = new DerReader(alg.params.value, 'RSASSA-PSS-params');
  const h = r.optional(0xa0);
  if (!h) throw new MitmError('MG_ERR_X509_PARSE', 'RSASSA-PSS with default SHA-1 hash');
  const hr = new DerReader(h.value, 'hashAlgorithm');
  const hashAlg = hr.enter(TAG.SEQUENCE);
  const hashOid = decodeOid(hashAlg.read(TAG.OID).value);
  const hash = HASH_OIDS[hashOid];
  if (!hash) throw new MitmError('MG_ERR_X509_PARSE', `RSASSA-PSS with unsupported hash ${hashOid}`);
  const m = r.optional(0xa1);
  if (!m) throw new MitmError('MG_ERR_X509_PARSE', 'RSASSA-PSS with default MGF1-SHA-1');
  const mr = new DerReader(m.value, 'maskGenAlgorithm').enter(TAG.SEQUENCE);
  if (decodeOid(mr.read(TAG.OID).value) !== '1.2.840.113549.1.1.8') throw new MitmError('MG_ERR_X509_PARSE', 'RSASSA-PSS mask generation is not MGF1');
  const mgfHash = decodeOid(mr.enter(TAG.SEQUENCE).read(TAG.OID).value);
  if (mgfHash !== hashOid) throw new MitmError('MG_ERR_X509_PARSE', 'RSASSA-PSS MGF1 hash differs from the message hash');
  const s = r.optional(0xa2);
  const saltLength = s ? decodeSmallInt(new DerReader(s.value).read(TAG.INTEGER).value, 'saltLength') : 20;
  if (saltLength !== hash.len) throw new MitmError('MG_ERR_X509_PARSE', `RSASSA-PSS salt length ${saltLength} is not the hash length ${hash.len}`);
  const tf = r.optional(0xa3);
  if (tf && decodeSmallInt(new DerReader(tf.value).read(TAG.INTEGER).value, 'trailerField') !== 1) throw new MitmError('MG_ERR_X509_PARSE', 'RSASSA-PSS trailer field is not 1');
  r.end();
  return { hash: hash.name, saltLength };
}

export interface SignatureCheck {
  ok: boolean;
  /** Why verification failed (bad signature, unsupported algorithm, key mismatch). */
  reason?: string;
  scheme?: SignatureScheme;
}

let verifications = 0;
/** Count of real signature verifications since process start (benchmarks and work bounds read it). */
export const verificationCount = (): number => verifications;

const sigCache = new WeakMap<Uint8Array, Map<Uint8Array, SignatureCheck>>();

/** Verify that `issuer`'s key signed `child` (RFC 5280 §6.1.3(a)(1)); results are cached per (issuer, child) pair. */
export function verifySignedBy(child: Certificate, issuer: Certificate): SignatureCheck {
  let perIssuer = sigCache.get(issuer.der);
  if (!perIssuer) sigCache.set(issuer.der, (perIssuer = new Map()));
  const hit = perIssuer.get(child.der);
  if (hit) return hit;
  const result = verifyRaw(child.tbs, child.signatureAlgorithm, child.signature, issuer);
  perIssuer.set(child.der, result);
  return result;
}

/** Verify a signature over `data` made with `alg` by the key in `issuer`. */
export function verifyRaw(data: Uint8Array, alg: AlgorithmIdentifier, signature: Uint8Array, issuer: Certificate): SignatureCheck {
  const scheme = SIGNATURE_SCHEMES[alg.oid];
  if (!scheme) return { ok: false, reason: `unsupported signature algorithm ${alg.oid}` };
  const paramsOk =
    scheme.params === 'pss' ? true : scheme.params === 'null' ? alg.params?.tag === TAG.NULL && alg.params.value.length === 0 : alg.params === undefined;
  if (!paramsOk) return { ok: false, reason: `${scheme.name} with wrong parameters encoding`, scheme };
  const key = publicKeyOf(issuer);
  if (!key) return { ok: false, reason: 'issuer public key cannot be decoded', scheme };
  if (key.asymmetricKeyType !== scheme.key) return { ok: false, reason: `${scheme.name} signature but the issuer key is ${key.asymmetricKeyType}`, scheme };
  try {
    verifications++;
    let ok: boolean;
    if (scheme.pss) {
      const p = decodePssParams(alg);
      ok = verify(p.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, signature);
    } else if (scheme.key === 'rsa') {
      ok = verify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    } else {
      ok = verify(scheme.hash, data, key, signature);
    }
    return ok ? { ok, scheme } : { ok, reason: 'signature does not verify', scheme };
  } catch (err) {
    return { ok: false, reason: `signature cannot be verified: ${err instanceof Error ? err.message : String(err)}`, scheme };
  }
}

/** Human name of a signature algorithm (for analysis output). */
export function signatureAlgorithmName(alg: AlgorithmIdentifier): string {
  const s = SIGNATURE_SCHEMES[alg.oid];
  if (!s) return alg.oid;
  if (s.pss) {
    try {
      return `rsassaPss(${decodePssParams(alg).hash})`;
    } catch {
      return 'rsassaPss(invalid parameters)';
    }
  }
  return s.name;
}
