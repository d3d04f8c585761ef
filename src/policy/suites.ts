/**
 * What a cipher suite's IANA name says about it, read from the name itself (RFC 5246 Appendix A.5 naming:
 * `TLS_<kx>_<auth>_WITH_<cipher>_<mac>`; RFC 8446 §B.4: `TLS_<aead>_<hash>` for TLS 1.3). Grading and policy use it.
 */

export interface SuiteTraits {
  name: string;
  /** Ephemeral key exchange (ECDHE/DHE, or any TLS 1.3 suite). */
  forwardSecret: boolean;
  aead: boolean;
  /** Symmetric strength in bits (3DES counted as 112, export as 40). */
  bits: number;
  rc4: boolean;
  /** 64-bit block ciphers: 3DES, DES, IDEA, RC2 (SWEET32). */
  smallBlock: boolean;
  nullCipher: boolean;
  export: boolean;
  anonymous: boolean;
}

/** Ordered: the first pattern that matches the cipher part decides the strength. */
const STRENGTH: ReadonlyArray<readonly [RegExp, number]> = [
  [/_WITH_NULL_|^TLS_NULL/, 0],
  [/EXPORT|_40_|_DES40_/, 40],
  [/_WITH_DES_CBC_|_DES_CBC_SHA$/, 56],
  [/RC4_128|RC2_CBC_128|IDEA_CBC/, 128],
  [/3DES_EDE/, 112],
  [/AES_256|CHACHA20|CAMELLIA_256|ARIA_256/, 256],
  [/AES_128|CAMELLIA_128|ARIA_128|SEED/, 128],
];

/** Traits of one suite from its IANA name. Unknown shapes get the conservative reading (no FS, not AEAD). */
export function suiteTraits(name: string): SuiteTraits {
  const n = name.toUpperCase();
  const tls13 = /^TLS_(AES|CHACHA20|SM4)_/.test(n) && !n.includes('_WITH_');
  const kx = tls13 ? '' : (n.split('_WITH_')[0] ?? '');
  const anonymous = /_ANON_|^TLS_DH_ANON|^TLS_ECDH_ANON/.test(n) || kx.endsWith('_ANON');
  return {
    name,
    forwardSecret: tls13 || /^(SSL|TLS)_(ECDHE|DHE)_/.test(n),
    aead: tls13 || /_GCM_|_CCM|CHACHA20_POLY1305/.test(n),
    bits: STRENGTH.find(([re]) => re.test(n))?.[1] ?? 128,
    rc4: n.includes('RC4'),
    smallBlock: /3DES|_DES_|DES40|IDEA|RC2/.test(n),
    nullCipher: /_WITH_NULL_|^TLS_NULL_/.test(n),
    export: n.includes('EXPORT'),
    anonymous,
  };
}
