/**
 * Certificate analysis for the inventory: facts a person checks (names, key, algorithm, validity, pins, URLs, SCTs)
 * and lint results. Pure: certificate and time in, plain data out.
 */
import { keyInfo, signatureAlgorithmName, SIGNATURE_SCHEMES } from './algorithms.js';
import type { Certificate } from './certificate.js';
import { describeGeneralName } from './general-name.js';
import { isSelfSigned } from './path-rules.js';
import { pinOfSpki, spkiSha256OfDer } from './pin.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Named lint thresholds. */
export const LINT_LIMITS = {
  /** CABF BR §6.3.2: subscriber certificates issued on or after 2020-09-01 live at most 398 days. */
  maxLeafValidityDays: 398,
  maxLeafValidityFrom: new Date('2020-09-01T00:00:00Z'),
  /** Expiring-soon warning window. */
  expiringSoonDays: 30,
  /** Inside this window the expiring-soon finding is high. */
  expiringUrgentDays: 7,
} as const;

export type LintId = 'validity-too-long' | 'missing-san' | 'weak-key' | 'sha1-signature' | 'md5-signature' | 'expiring-soon' | 'expired' | 'not-yet-valid';

export interface LintResult {
  id: LintId;
  severity: 'high' | 'medium' | 'low' | 'info';
  message: string;
}

export interface CertificateAnalysis {
  subject: string;
  issuer: string;
  serial: string;
  sans: string[];
  keyType: string;
  keyBits: number;
  curve?: string;
  signatureAlgorithm: string;
  notBefore: string;
  notAfter: string;
  /** Whole days from the analysis time to notAfter (negative when expired). */
  daysLeft: number;
  validityDays: number;
  isCa: boolean;
  selfSigned: boolean;
  /** `sha256//<base64>` of the SubjectPublicKeyInfo DER: curl --pinnedpubkey syntax; the base64 is the RFC 7469 §2.4 pin-sha256 value. */
  spkiPin: string;
  /** SHA-256 of the certificate DER, lower-case hex. */
  sha256: string;
  ocsp: string[];
  caIssuers: string[];
  crlDistributionPoints: string[];
  /** Number of embedded SCTs (RFC 6962 §3.3); 0 when none. */
  scts: number;
  lints: LintResult[];
}

/** RFC 7469 §2.4 pin-sha256 value: base64 of SHA-256 over the SubjectPublicKeyInfo DER exactly as the certificate holds it. */
export function spkiSha256(cert: Certificate): string {
  return spkiSha256OfDer(cert.spki.der);
}

/** SPKI pin of a certificate in curl --pinnedpubkey syntax, `sha256//<base64>` (the base64 is RFC 7469's pin-sha256). */
export function spkiPin(cert: Certificate): string {
  return pinOfSpki(cert.spki.der);
}

type LintRule = (c: Certificate, a: Omit<CertificateAnalysis, 'lints'>, at: Date, isLeaf: boolean) => LintResult | undefined;

/** Lint rules, each a row: id, when it applies, what it says. */
export const LINT_RULES: LintRule[] = [
  (c, a, _at, leaf) =>
    leaf && !a.isCa && c.notBefore >= LINT_LIMITS.maxLeafValidityFrom && a.validityDays > LINT_LIMITS.maxLeafValidityDays
      ? { id: 'validity-too-long', severity: 'medium', message: `validity of ${a.validityDays} days exceeds ${LINT_LIMITS.maxLeafValidityDays} (CABF BR §6.3.2)` }
      : undefined,
  (c, _a, _at, leaf) =>
    leaf && !c.ext.subjectAltName ? { id: 'missing-san', severity: 'high', message: 'no subjectAltName: modern clients will not match any host name (RFC 9525 §6.3)' } : undefined,
  (c) => {
    const k = keyInfo(c);
    return k.weakness ? { id: 'weak-key', severity: 'high', message: k.weakness } : undefined;
  },
  (c, a) => {
    // A self-signed certificate's own signature protects nothing; only issued certificates are judged on it.
    const s = SIGNATURE_SCHEMES[c.signatureAlgorithm.oid];
    if (!s?.weakness || a.selfSigned) return undefined;
    return s.hash === 'md5'
      ? { id: 'md5-signature', severity: 'high', message: `${a.signatureAlgorithm}: MD5 collisions are practical (RFC 6151)` }
      : { id: 'sha1-signature', severity: 'high', message: `${a.signatureAlgorithm}: SHA-1 chosen-prefix collisions are practical (CABF BR §7.1.3.2)` };
  },
  (c, a, at) => (at > c.notAfter ? { id: 'expired', severity: 'high', message: `expired ${-a.daysLeft} days ago (${a.notAfter})` } : undefined),
  (c, _a, at) => (at < c.notBefore ? { id: 'not-yet-valid', severity: 'high', message: `not valid until ${c.notBefore.toISOString()}` } : undefined),
  (c, a, at) =>
    at <= c.notAfter && a.daysLeft <= LINT_LIMITS.expiringSoonDays
      ? { id: 'expiring-soon', severity: a.daysLeft <= LINT_LIMITS.expiringUrgentDays ? 'high' : 'medium', message: `expires in ${a.daysLeft} days (${a.notAfter})` }
      : undefined,
];

/**
 * Analyse one certificate at time `at`.
 *
 * @example
 * const a = analyseCertificate(parseCertificate(der), new Date(), true);
 * console.log(a.spkiPin, a.daysLeft, a.lints.map((l) => l.id));
 */
export function analyseCertificate(cert: Certificate, at: Date = new Date(), isLeaf = true): CertificateAnalysis {
  const k = keyInfo(cert);
  const base: Omit<CertificateAnalysis, 'lints'> = {
    subject: cert.subject.text,
    issuer: cert.issuer.text,
    serial: cert.serialHex,
    sans: (cert.ext.subjectAltName ?? []).map(describeGeneralName),
    keyType: k.type,
    keyBits: k.bits,
    ...(k.curve ? { curve: k.curve } : {}),
    signatureAlgorithm: signatureAlgorithmName(cert.signatureAlgorithm),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    daysLeft: Math.floor((cert.notAfter.getTime() - at.getTime()) / DAY_MS),
    validityDays: Math.round((cert.notAfter.getTime() - cert.notBefore.getTime()) / DAY_MS),
    isCa: Boolean(cert.ext.basicConstraints?.ca),
    selfSigned: isSelfSigned(cert),
    spkiPin: spkiPin(cert),
    sha256: cert.fingerprint,
    ocsp: cert.ext.authorityInfoAccess?.ocsp ?? [],
    caIssuers: cert.ext.authorityInfoAccess?.caIssuers ?? [],
    crlDistributionPoints: cert.ext.crlDistributionPoints ?? [],
    scts: cert.ext.sctCount ?? 0,
  };
  const lints = LINT_RULES.map((r) => r(cert, base, at, isLeaf)).filter((l): l is LintResult => l !== undefined);
  return { ...base, lints };
}
