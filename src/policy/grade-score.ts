/**
 * Scores (SSL Labs SSL Server Rating Guide §3: protocol 30 %, key exchange 30 %, cipher strength 40 %) and the
 * score-to-grade bands. Key and group strengths are in RSA-equivalent bits (NIST SP 800-57 Part 1 Table 2).
 */
import type { Severity } from '../model/index.js';
import type { CertificateFacts } from '../model/index.js';
import type { DerivedFacts } from './facts.js';
import type { Grade } from './grade-types.js';

const PROTOCOL_SCORE: Record<string, number> = { SSLv2: 0, SSLv3: 80, 'TLSv1.0': 90, 'TLSv1.1': 95, 'TLSv1.2': 100, 'TLSv1.3': 100 };

/** Strength of a key or group in RSA-equivalent bits (NIST SP 800-57 Part 1 Table 2). */
const GROUP_BITS: Record<string, number> = {
  x25519: 3072, secp256r1: 3072, prime256v1: 3072, 'p-256': 3072, brainpoolp256r1: 3072,
  x448: 7680, secp384r1: 7680, 'p-384': 7680, brainpoolp384r1: 7680, x25519mlkem768: 7680, secp256r1mlkem768: 7680,
  secp521r1: 15360, 'p-521': 15360, secp384r1mlkem1024: 15360,
  ffdhe2048: 2048, ffdhe3072: 3072, ffdhe4096: 4096, ffdhe6144: 6144, ffdhe8192: 8192,
  secp224r1: 2048, secp192r1: 1024,
};

/** RSA-equivalent bits of a certificate key. */
export function keyStrength(cert: CertificateFacts): number {
  if (/rsa|dsa/i.test(cert.keyType) && !/ecdsa/i.test(cert.keyType)) return cert.keyBits;
  if (/ed25519/i.test(cert.keyType)) return 3072;
  if (/ed448/i.test(cert.keyType)) return 7680;
  // EC: 256 → 3072, 384 → 7680, 521 → 15360 (SP 800-57 Table 2).
  if (cert.keyBits >= 512) return 15360;
  if (cert.keyBits >= 384) return 7680;
  if (cert.keyBits >= 256) return 3072;
  if (cert.keyBits >= 224) return 2048;
  return 1024;
}

/** SSL Labs key-exchange bands. */
export const strengthScore = (bits: number) => (bits <= 0 ? 0 : bits < 512 ? 20 : bits < 1024 ? 40 : bits < 2048 ? 80 : bits < 4096 ? 90 : 100);
/** SSL Labs cipher bands. */
const cipherScore = (bits: number) => (bits <= 0 ? 0 : bits < 128 ? 20 : bits < 256 ? 80 : 100);

/** Weakest key exchange seen: anonymous suites are 0; otherwise the weaker of the certificate key and the groups. */
export function keyExchangeBits(f: DerivedFacts): number {
  if (f.suites.some((s) => s.anonymous)) return 0;
  const candidates: number[] = [];
  if (f.leaf && f.suites.some((s) => !s.forwardSecret)) candidates.push(keyStrength(f.leaf)); // RSA key transport
  for (const g of f.groups) candidates.push(GROUP_BITS[g.toLowerCase()] ?? 2048);
  if (f.suites.some((s) => s.export)) candidates.push(512);
  if (candidates.length === 0 && f.leaf) candidates.push(keyStrength(f.leaf));
  return candidates.length ? Math.min(...candidates) : 2048;
}

export function encryptionScore(f: DerivedFacts): number {
  // A redirect-only plaintext listener carries no data of its own; its grade comes from the redirect cap.
  if (f.plaintext) return f.redirectsToHttps ? 100 : 0;
  if (f.protocols.length === 0) return 0;
  const p = f.protocols.map((x) => PROTOCOL_SCORE[x] ?? 0);
  const protocol = (Math.max(...p) + Math.min(...p)) / 2;
  const bits = f.suites.length ? f.suites.map((s) => cipherScore(s.bits)) : [100];
  const cipher = (Math.max(...bits) + Math.min(...bits)) / 2;
  return Math.round(0.3 * protocol + 0.3 * strengthScore(keyExchangeBits(f)) + 0.4 * cipher);
}

/** SSL Labs score bands: 80 A, 65 B, 50 C, 35 D, 20 E, below F. */
export function scoreToGrade(score: number): Grade {
  return score >= 80 ? 'A' : score >= 65 ? 'B' : score >= 50 ? 'C' : score >= 35 ? 'D' : score >= 20 ? 'E' : 'F';
}

/** Pillars graded from findings only (network, mutual-auth): 100 minus a penalty per finding by severity. */
export const SEVERITY_PENALTY: Record<Severity, number> = { critical: 60, high: 35, medium: 20, low: 5, info: 0 };
