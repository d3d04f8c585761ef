/**
 * ACME's JSON Web Signatures (RFC 8555 §6.2, RFC 7515 flattened JSON serialisation): parse the request body, check
 * the protected header's shape, verify ES256 / RS256 (RFC 7518 §3.3, §3.4) with the account key, and the JWK
 * thumbprint (RFC 7638) that key authorizations are built from. Pure apart from node:crypto.
 */
import { createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { MitmError } from '../../errors.js';

/** Named limit: an ACME request body larger than this is refused (a CSR fits in far less). */
export const MAX_JWS_BYTES = 64 * 1024;
export const JWS_ALGORITHMS = ['ES256', 'RS256'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

export interface ProtectedHeader {
  alg: JwsAlgorithm;
  nonce: string;
  url: string;
  jwk?: JsonWebKey;
  kid?: string;
}

export interface ParsedJws {
  header: ProtectedHeader;
  /** The decoded payload text; '' for POST-as-GET (RFC 8555 §6.3). */
  payload: string;
  signingInput: Buffer;
  signature: Buffer;
}

const bad = (type: 'malformed' | 'badSignatureAlgorithm' | 'badNonce' | 'unauthorized', why: string): MitmError =>
  new MitmError(type === 'unauthorized' ? 'MG_ERR_FORBIDDEN' : 'MG_ERR_MALFORMED', why, { details: { acme: type } });

const B64URL = /^[A-Za-z0-9_-]*$/;
const b64 = (s: unknown, what: string): Buffer => {
  if (typeof s !== 'string' || !B64URL.test(s)) throw bad('malformed', `${what} is not base64url`);
  return Buffer.from(s, 'base64url');
};

export function parseJws(body: Buffer): ParsedJws {
  if (body.length > MAX_JWS_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `request body over ${MAX_JWS_BYTES} bytes`);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw bad('malformed', 'body is not JSON');
  }
  if (!doc || typeof doc !== 'object' || typeof doc.protected !== 'string' || typeof doc.payload !== 'string' || typeof doc.signature !== 'string') {
    throw bad('malformed', 'body is not a flattened JWS (protected, payload, signature)');
  }
  let header: ProtectedHeader;
  try {
    header = JSON.parse(b64(doc.protected, 'protected').toString('utf8')) as ProtectedHeader;
  } catch (err) {
    throw err instanceof MitmError ? err : bad('malformed', 'protected header is not JSON');
  }
  if (!header || typeof header !== 'object') throw bad('malformed', 'protected header is not an object');
  if (!(JWS_ALGORITHMS as readonly string[]).includes(header.alg)) throw bad('badSignatureAlgorithm', `alg ${String(header.alg)} is not one of ${JWS_ALGORITHMS.join(', ')}`);
  if (typeof header.nonce !== 'string' || !header.nonce) throw bad('badNonce', 'no nonce in the protected header');
  if (typeof header.url !== 'string') throw bad('malformed', 'no url in the protected header');
  // RFC 8555 §6.2: exactly one of jwk and kid.
  if ((header.jwk === undefined) === (header.kid === undefined)) throw bad('malformed', 'the protected header must carry exactly one of jwk and kid');
  return {
    header,
    payload: b64(doc.payload, 'payload').toString('utf8'),
    signingInput: Buffer.from(`${doc.protected}.${doc.payload}`, 'ascii'),
    signature: b64(doc.signature, 'signature'),
  };
}

export function keyFromJwk(jwk: JsonWebKey): KeyObject {
  if (!jwk || typeof jwk !== 'object' || (jwk.kty !== 'EC' && jwk.kty !== 'RSA') || 'd' in jwk) throw bad('malformed', 'jwk must be a public EC or RSA key');
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw bad('malformed', 'jwk is not a usable public key');
  }
}

/** Verify the signature with `key`; the alg must fit the key (ES256 ⇔ P-256, RS256 ⇔ RSA ≥ 2048). */
export function verifyJws(jws: ParsedJws, key: KeyObject): void {
  const d = key.asymmetricKeyDetails;
  if (jws.header.alg === 'ES256') {
    if (key.asymmetricKeyType !== 'ec' || d?.namedCurve !== 'prime256v1') throw bad('badSignatureAlgorithm', 'ES256 needs a P-256 key');
    // RFC 7518 §3.4: R || S, 32 octets each.
    if (jws.signature.length !== 64 || !verify('sha256', jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature)) throw bad('unauthorized', 'JWS signature does not verify');
  } else {
    if (key.asymmetricKeyType !== 'rsa' || (d?.modulusLength ?? 0) < 2048) throw bad('badSignatureAlgorithm', 'RS256 needs an RSA key of 2048 bits or more');
    if (!verify('sha256', jws.signingInput, key, jws.signature)) throw bad('unauthorized', 'JWS signature does not verify');
  }
}

/** RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace; base64url. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
