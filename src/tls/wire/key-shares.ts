/**
 * Real key shares for the groups a probe offers (RFC 8446 §4.2.8.2): X25519, X448, P-256 and P-384 key pairs generated
 * with node:crypto once per process. Most probes stop at the ServerHello and never use the private half; the TLS 1.3
 * flight reader (./tls13.ts) does, to compute the shared secret and read the server's encrypted handshake.
 */
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import { MitmError } from '../../errors.js';
import type { KeyShareEntry } from './client-hello.js';
import { groupByCode } from './registry.js';

interface GroupCodec {
  generate(): { privateKey: KeyObject; publicKey: KeyObject };
  /** The key_exchange bytes of our public key. */
  encode(pub: KeyObject): Uint8Array;
  /** The peer's key_exchange bytes as a KeyObject, or a MitmError when they cannot be a key of this group. */
  decode(bytes: Uint8Array): KeyObject;
}

/** SPKI DER prefixes: raw key bytes after these make a SubjectPublicKeyInfo node:crypto can import. */
const SPKI_PREFIX = {
  x25519: Buffer.from('302a300506032b656e032100', 'hex'),
  x448: Buffer.from('3042300506032b656f033900', 'hex'),
  p256: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
  p384: Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex'),
};

function rawKey(name: 'x25519' | 'x448', size: number): GroupCodec {
  return {
    generate: () => generateKeyPairSync(name as 'x25519'),
    encode: (pub) => {
      const der = pub.export({ type: 'spki', format: 'der' });
      return Uint8Array.from(der.subarray(der.length - size));
    },
    decode: (bytes) => {
      if (bytes.length !== size) throw new MitmError('MG_ERR_PROTOCOL', `${name} key share of ${bytes.length} bytes (expected ${size})`);
      return importSpki(Buffer.concat([SPKI_PREFIX[name], bytes]), name);
    },
  };
}

function ecKey(curve: 'prime256v1' | 'secp384r1', prefix: Buffer, coord: number): GroupCodec {
  return {
    generate: () => generateKeyPairSync('ec', { namedCurve: curve }),
    encode: (pub) => {
      const jwk = pub.export({ format: 'jwk' });
      return Uint8Array.from(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]));
    },
    decode: (bytes) => {
      // RFC 8446 §4.2.8.2: UncompressedPointRepresentation only.
      if (bytes.length !== 1 + 2 * coord || bytes[0] !== 4) throw new MitmError('MG_ERR_PROTOCOL', `${curve} key share is not an uncompressed point of ${1 + 2 * coord} bytes`);
      return importSpki(Buffer.concat([prefix, bytes]), curve);
    },
  };
}

function importSpki(der: Buffer, what: string): KeyObject {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (err) {
    throw new MitmError('MG_ERR_PROTOCOL', `the server's ${what} key share is not a valid public key`, { cause: err });
  }
}

const GROUPS: Record<number, GroupCodec> = {
  0x001d: rawKey('x25519', 32),
  0x001e: rawKey('x448', 56),
  0x0017: ecKey('prime256v1', SPKI_PREFIX.p256, 32),
  0x0018: ecKey('secp384r1', SPKI_PREFIX.p384, 48),
};

const cache = new Map<number, { privateKey: KeyObject; share: Uint8Array }>();

function pairFor(group: number): { privateKey: KeyObject; share: Uint8Array } | null {
  const codec = GROUPS[group];
  if (!codec) return null;
  let pair = cache.get(group);
  if (!pair) {
    const { privateKey, publicKey } = codec.generate();
    pair = { privateKey, share: codec.encode(publicKey) };
    cache.set(group, pair);
  }
  return pair;
}

/** The groups we can send a real key share for. */
export const KEY_SHARE_GROUPS = Object.keys(GROUPS).map(Number);

/** A key share entry for `group`, or null when we cannot build one (the server then answers with an HRR). */
export function keyShareFor(group: number): KeyShareEntry | null {
  const pair = pairFor(group);
  return pair ? { group, keyExchange: pair.share } : null;
}

/**
 * The (EC)DHE shared secret of our key share for `group` and the server's `peerShare` (RFC 8446 §7.4.2: the
 * X-coordinate for NIST curves, the raw output for X25519/X448). MG_ERR_PROTOCOL when we offered no share for the group
 * or the server's share is not a key of it.
 */
export function sharedSecretFor(group: number, peerShare: Uint8Array): Uint8Array {
  const pair = cache.get(group);
  const codec = GROUPS[group];
  if (!pair || !codec) throw new MitmError('MG_ERR_PROTOCOL', `the server chose group 0x${group.toString(16).padStart(4, '0')}, for which no key share was sent`);
  try {
    return Uint8Array.from(diffieHellman({ privateKey: pair.privateKey, publicKey: codec.decode(peerShare) }));
  } catch (err) {
    if (err instanceof MitmError) throw err;
    throw new MitmError('MG_ERR_PROTOCOL', `key agreement with the server's share failed: ${(err as Error).message}`, { cause: err });
  }
}

/** OpenSSL curve names for the Weierstrass groups we cannot compute a secret for but can still send a real point of. */
const PROBE_CURVES: Record<number, string> = {
  0x0013: 'prime192v1', 0x0015: 'secp224r1', 0x0016: 'secp256k1', 0x0019: 'secp521r1',
  0x001a: 'brainpoolP256r1', 0x001b: 'brainpoolP384r1', 0x001c: 'brainpoolP512r1',
  0x001f: 'brainpoolP256r1', 0x0020: 'brainpoolP384r1', 0x0021: 'brainpoolP512r1',
};

/**
 * The key share of each post-quantum group: ML-KEM's k (2, 3, 4 for 512, 768, 1024), the ECDH group of a hybrid and
 * which half comes first — draft-ietf-tls-ecdhe-mlkem §3: X25519MLKEM768 puts the ML-KEM key first, the NIST-curve
 * hybrids their ECDH point first; X25519Kyber768Draft00 (draft-tls-westerbaan-xyber768d00) X25519 first.
 */
const PQ_SHARE_LAYOUT: Record<number, { k: 2 | 3 | 4; ecdh?: number; ecdhFirst?: boolean }> = {
  0x0200: { k: 2 },
  0x0201: { k: 3 },
  0x0202: { k: 4 },
  0x11eb: { k: 3, ecdh: 0x0017, ecdhFirst: true },
  0x11ec: { k: 3, ecdh: 0x001d },
  0x11ed: { k: 4, ecdh: 0x0018, ecdhFirst: true },
  0x6399: { k: 3, ecdh: 0x001d, ecdhFirst: true },
};

/** FIPS 203 §4.2.1 ByteEncode12 of `count` coefficients below q = 3329: a well-formed ML-KEM vector. */
function mlkemVector(count: number): Uint8Array {
  const out = new Uint8Array((count * 12) / 8);
  for (let i = 0; i < count; i += 2) {
    const a = randomInt(3329);
    const b = randomInt(3329);
    const o = (i / 2) * 3;
    out[o] = a & 0xff;
    out[o + 1] = (a >> 8) | ((b & 0x0f) << 4);
    out[o + 2] = b >> 4;
  }
  return out;
}

/**
 * A key share that a server will accept as well formed for `group`, for probes that only read which group the
 * ServerHello selects (after a HelloRetryRequest, RFC 8446 §4.1.4) and never derive a secret: our real key pair where
 * one exists, otherwise a real point (Weierstrass curves), the subgroup element 4 (FFDHE, RFC 7919 §5.1), or an
 * ML-KEM-768 encapsulation key of in-range
 * coefficients followed by an X25519 key (X25519MLKEM768). Null for groups outside the registry.
 */
export function probeKeyShareFor(group: number): KeyShareEntry | null {
  const real = keyShareFor(group);
  if (real) return real;
  const curve = PROBE_CURVES[group];
  if (curve) {
    const ecdh = createECDH(curve);
    return { group, keyExchange: Uint8Array.from(ecdh.generateKeys()) };
  }
  const info = groupByCode(group);
  if (!info) return null;
  if (info.kind === 'ffdhe') {
    // RFC 7919 §5.1: the peer checks 1 < Y < p-1, and OpenSSL also that Y lies in the prime-order subgroup (Y^q = 1).
    // 4 = 2² is a square, hence in that subgroup, for every FFDHE group; its discrete log is known, which does not
    // matter for a share whose secret is never derived.
    const y = new Uint8Array(info.keyShareLength);
    y[y.length - 1] = 4;
    return { group, keyExchange: y };
  }
  const layout = PQ_SHARE_LAYOUT[group];
  if (layout) {
    // An ML-KEM encapsulation key: k polynomials of 256 coefficients, then the 32-byte seed rho (FIPS 203 §7.1).
    const ek = Buffer.concat([mlkemVector(layout.k * 256), randomBytes(32)]);
    const ecdh = layout.ecdh === undefined ? Buffer.alloc(0) : Buffer.from(probeKeyShareFor(layout.ecdh)!.keyExchange);
    return { group, keyExchange: Uint8Array.from(layout.ecdhFirst ? Buffer.concat([ecdh, ek]) : Buffer.concat([ek, ecdh])) };
  }
  return null;
}
