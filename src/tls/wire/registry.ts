/**
 * Registry tables (data, not branches): protocol versions, named groups, signature schemes, extension types, alert
 * descriptions and handshake message types, with the RFC each value comes from.
 */

/** Protocol versions on the wire (RFC 8446 §4.1.2 legacy_version, §4.2.1 supported_versions). SSLv2 is 0x0002. */
export const VERSIONS = {
  'SSLv2': 0x0002,
  'SSLv3': 0x0300,
  'TLSv1.0': 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
} as const;
export type VersionName = keyof typeof VERSIONS;

const VERSION_BY_CODE = new Map(Object.entries(VERSIONS).map(([n, c]) => [c as number, n as VersionName]));

/** The name of a wire version, or `0xXXXX` for unknown values (e.g. drafts or GREASE). */
export function versionName(code: number): string {
  return VERSION_BY_CODE.get(code) ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** Record content types (RFC 8446 §5.1). */
export const CONTENT_TYPE = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23, heartbeat: 24 } as const;

/** Handshake message types (RFC 8446 §4, RFC 5246 §7.4, RFC 6066 §8 certificate_status). */
export const HANDSHAKE_TYPE = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
  certificateStatus: 22,
} as const;

export interface NamedGroup {
  code: number;
  /** IANA name (RFC 8446 §4.2.7, RFC 8422 §5.1.1, RFC 7919 §2). */
  name: string;
  kind: 'ec' | 'ecx' | 'ffdhe' | 'hybrid' | 'kem';
  /** Security strength in bits, for judging weak groups. */
  bits: number;
  /** Key share length in bytes when we can build one (RFC 8446 §4.2.8.2). */
  keyShareLength: number;
}

/** Named groups (IANA "TLS Supported Groups"). */
export const NAMED_GROUPS: readonly NamedGroup[] = [
  { code: 0x0013, name: 'secp192r1', kind: 'ec', bits: 96, keyShareLength: 49 },
  { code: 0x0015, name: 'secp224r1', kind: 'ec', bits: 112, keyShareLength: 57 },
  { code: 0x0016, name: 'secp256k1', kind: 'ec', bits: 128, keyShareLength: 65 },
  { code: 0x0017, name: 'secp256r1', kind: 'ec', bits: 128, keyShareLength: 65 },
  { code: 0x0018, name: 'secp384r1', kind: 'ec', bits: 192, keyShareLength: 97 },
  { code: 0x0019, name: 'secp521r1', kind: 'ec', bits: 256, keyShareLength: 133 },
  { code: 0x001a, name: 'brainpoolP256r1', kind: 'ec', bits: 128, keyShareLength: 65 },
  { code: 0x001b, name: 'brainpoolP384r1', kind: 'ec', bits: 192, keyShareLength: 97 },
  { code: 0x001c, name: 'brainpoolP512r1', kind: 'ec', bits: 256, keyShareLength: 129 },
  { code: 0x001d, name: 'x25519', kind: 'ecx', bits: 128, keyShareLength: 32 },
  { code: 0x001e, name: 'x448', kind: 'ecx', bits: 224, keyShareLength: 56 },
  { code: 0x001f, name: 'brainpoolP256r1tls13', kind: 'ec', bits: 128, keyShareLength: 65 },
  { code: 0x0020, name: 'brainpoolP384r1tls13', kind: 'ec', bits: 192, keyShareLength: 97 },
  { code: 0x0021, name: 'brainpoolP512r1tls13', kind: 'ec', bits: 256, keyShareLength: 129 },
  { code: 0x0100, name: 'ffdhe2048', kind: 'ffdhe', bits: 103, keyShareLength: 256 },
  { code: 0x0101, name: 'ffdhe3072', kind: 'ffdhe', bits: 125, keyShareLength: 384 },
  { code: 0x0102, name: 'ffdhe4096', kind: 'ffdhe', bits: 150, keyShareLength: 512 },
  { code: 0x0103, name: 'ffdhe6144', kind: 'ffdhe', bits: 175, keyShareLength: 768 },
  { code: 0x0104, name: 'ffdhe8192', kind: 'ffdhe', bits: 192, keyShareLength: 1024 },
  // Post-quantum key agreement: ML-KEM (FIPS 203) alone and hybrid with ECDH (draft-ietf-tls-mlkem,
  // draft-ietf-tls-ecdhe-mlkem; IANA "TLS Supported Groups" 0x0200–0x0202, 0x11eb–0x11ed), and the pre-standard
  // X25519Kyber768Draft00 (0x6399) early Chrome and Cloudflare deployments used. `bits`: the classical strength of
  // the hybrid's ECDH half (what a judge of weak groups needs); the key share is the ECDH share plus the ML-KEM key.
  { code: 0x0200, name: 'MLKEM512', kind: 'kem', bits: 128, keyShareLength: 800 },
  { code: 0x0201, name: 'MLKEM768', kind: 'kem', bits: 192, keyShareLength: 1184 },
  { code: 0x0202, name: 'MLKEM1024', kind: 'kem', bits: 256, keyShareLength: 1568 },
  { code: 0x11eb, name: 'SecP256r1MLKEM768', kind: 'hybrid', bits: 128, keyShareLength: 1249 },
  { code: 0x11ec, name: 'X25519MLKEM768', kind: 'hybrid', bits: 192, keyShareLength: 1216 },
  { code: 0x11ed, name: 'SecP384r1MLKEM1024', kind: 'hybrid', bits: 192, keyShareLength: 1665 },
  { code: 0x6399, name: 'X25519Kyber768Draft00', kind: 'hybrid', bits: 128, keyShareLength: 1216 },
];

/** Groups whose key agreement resists a quantum computer (ML-KEM alone or in a hybrid): "harvest now, decrypt later". */
export const isPostQuantumGroup = (nameOrCode: string | number): boolean => {
  const g = typeof nameOrCode === 'number' ? GROUP_BY_CODE.get(nameOrCode) : GROUP_BY_NAME.get(nameOrCode.toLowerCase());
  return g !== undefined && (g.kind === 'hybrid' || g.kind === 'kem');
};

const GROUP_BY_CODE = new Map(NAMED_GROUPS.map((g) => [g.code, g]));
const GROUP_BY_NAME = new Map(NAMED_GROUPS.map((g) => [g.name.toLowerCase(), g]));
export const groupByCode = (code: number): NamedGroup | undefined => GROUP_BY_CODE.get(code);
export const groupName = (code: number): string => GROUP_BY_CODE.get(code)?.name ?? `0x${code.toString(16).padStart(4, '0')}`;

/** Signature schemes (RFC 8446 §4.2.3), the ones real clients offer. */
export const SIGNATURE_SCHEMES: Readonly<Record<string, number>> = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
  // RFC 5246 §7.4.1.4.1 (hash, signature) pairs that TLS 1.2 servers with DSA keys or SHA-224 still need.
  dsa_sha256: 0x0402,
  dsa_sha1: 0x0202,
  rsa_sha224: 0x0301,
  ecdsa_sha224: 0x0303,
  dsa_sha224: 0x0302,
};

/** Extension types (IANA "TLS ExtensionType Values"). */
export const EXTENSION_TYPE = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  heartbeat: 15,
  alpn: 16,
  signedCertificateTimestamp: 18,
  padding: 21,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  recordSizeLimit: 28,
  sessionTicket: 35,
  preSharedKey: 41,
  supportedVersions: 43,
  cookie: 44,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

/** Alert descriptions (RFC 8446 §6, RFC 7507 §2 inappropriate_fallback). */
export const ALERT_DESCRIPTIONS: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};
