/**
 * Built-in policies. Each is a plain Policy value, so a policy file can `extends:` one and change a single line.
 *
 * Sources (read, summarised here in our own words and values):
 * - modern, intermediate: Mozilla Server Side TLS guidelines, version 5.7 (https://wiki.mozilla.org/Security/Server_Side_TLS,
 *   https://ssl-config.mozilla.org/guidelines/5.7.json).
 * - nist-800-52r2: NIST SP 800-52 Rev. 2 (2019) §3.1 (versions), §3.3.1 (cipher suites), §3.2 (certificates).
 * - ncsc-nl: NCSC-NL "ICT-beveiligingsrichtlijnen voor Transport Layer Security (TLS)" (2021/2025), levels "good" and
 *   "sufficient" allowed, "phase out" and "insufficient" refused.
 */
import type { Policy } from './schema.js';

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** Mozilla intermediate, TLS 1.2 part: forward secret AEAD suites only. */
const MOZILLA_INTERMEDIATE_TLS12 = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

/** SP 800-52r2 §3.3.1.1: ECDHE/DHE with AES-GCM, AES-CCM or AES-CBC (SHA-2), plus TLS 1.3 AES suites. */
const NIST_TLS12 = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CCM',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_AES_128_CCM',
  'TLS_DHE_RSA_WITH_AES_256_CCM',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
];

/** NCSC-NL "good" and "sufficient" TLS 1.2 suites (ECDHE/DHE, AEAD or CBC with SHA-2). */
const NCSC_TLS12 = [
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
];

const base = (name: string): Policy => ({
  name,
  tls: {},
  certificates: {},
  hsts: {},
  targets: [],
  severityOverrides: {},
  acceptedRisks: [],
  failOn: 'high',
});

export const PRESETS = {
  /** Mozilla "modern": TLS 1.3 only. */
  modern: {
    ...base('modern'),
    tls: { minVersion: 'TLSv1.3', allowedCipherSuites: TLS13_SUITES, allowedGroups: ['x25519', 'secp256r1', 'secp384r1', 'X25519MLKEM768'] },
    certificates: { minRsaBits: 2048, minEcBits: 256, maxLifetimeDays: 90, minDaysToExpiry: 14, allowedSignatureHashes: ['sha256', 'sha384', 'sha512'] },
    hsts: { required: true, minMaxAge: 63072000 },
  },
  /** Mozilla "intermediate": TLS 1.2 and 1.3, forward secret AEAD suites. The default policy. */
  intermediate: {
    ...base('intermediate'),
    tls: {
      minVersion: 'TLSv1.2',
      allowedCipherSuites: [...TLS13_SUITES, ...MOZILLA_INTERMEDIATE_TLS12],
      allowedGroups: ['x25519', 'secp256r1', 'secp384r1', 'X25519MLKEM768', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096'],
    },
    certificates: { minRsaBits: 2048, minEcBits: 256, maxLifetimeDays: 366, minDaysToExpiry: 14, allowedSignatureHashes: ['sha256', 'sha384', 'sha512'] },
    hsts: { required: true, minMaxAge: 63072000 },
  },
  /** NIST SP 800-52r2 for US federal systems: TLS 1.2 minimum, FIPS-approved suites and curves. */
  'nist-800-52r2': {
    ...base('nist-800-52r2'),
    tls: {
      minVersion: 'TLSv1.2',
      allowedCipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_AES_128_CCM_SHA256', ...NIST_TLS12],
      allowedGroups: ['secp256r1', 'secp384r1', 'secp521r1', 'x25519', 'x448', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'],
    },
    certificates: { minRsaBits: 2048, minEcBits: 256, maxLifetimeDays: 398, minDaysToExpiry: 14, allowedSignatureHashes: ['sha256', 'sha384', 'sha512'] },
    hsts: { required: true, minMaxAge: 31536000 },
  },
  /** NCSC-NL TLS guidelines: TLS 1.2 and 1.3; ECDHE/DHE with AEAD or SHA-2 CBC. */
  'ncsc-nl': {
    ...base('ncsc-nl'),
    tls: {
      minVersion: 'TLSv1.2',
      allowedCipherSuites: [...TLS13_SUITES, ...NCSC_TLS12],
      allowedGroups: ['secp384r1', 'secp256r1', 'x448', 'x25519', 'X25519MLKEM768', 'ffdhe4096', 'ffdhe3072', 'ffdhe2048'],
    },
    certificates: { minRsaBits: 3072, minEcBits: 256, maxLifetimeDays: 398, minDaysToExpiry: 14, allowedSignatureHashes: ['sha256', 'sha384', 'sha512'] },
    hsts: { required: true, minMaxAge: 31536000 },
  },
} satisfies Record<string, Policy>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
export const DEFAULT_PRESET: PresetName = 'intermediate';
