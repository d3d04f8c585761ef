/**
 * Grades per pillar and overall, A+ to F (and T), in the spirit of the SSL Labs SSL Server Rating Guide: a numeric
 * score from what was measured, then caps from rules ("TLS 1.0 enabled caps at B", "an untrusted certificate is T"),
 * then A+ only when everything is right and the extra defence is present (HSTS). Every rule is data in GRADE_RULES
 * and documented in docs/grading.md; grading is pure.
 */
import type { Finding, Pillar, Severity } from '../checks/types.js';
import { PILLARS } from '../checks/types.js';
import type { CertificateFacts } from '../scan/types.js';
import type { DerivedFacts } from './facts.js';
import { nameMatches, signatureHash, validityDays } from './facts.js';

/** Best to worst. T (trust) ranks below F: with an untrusted certificate, a man in the middle needs no cryptanalysis. */
export const GRADES = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F', 'T'] as const;
export type Grade = (typeof GRADES)[number];

export const gradeRank = (g: Grade) => GRADES.indexOf(g);
export const worseOf = (a: Grade, b: Grade): Grade => (gradeRank(a) >= gradeRank(b) ? a : b);

export interface GradeContext {
  facts: DerivedFacts;
  /** Findings of this target after policy (overrides applied, accepted risks removed). */
  findings: readonly Finding[];
  now: Date;
}

export interface GradeRule {
  id: string;
  pillar: Pillar | '*';
  /** The best grade a target can get when the rule applies. */
  cap: Grade;
  title: string;
  /** A reason when the rule applies, or null. */
  test(ctx: GradeContext): string | null;
}

export interface AppliedCap {
  rule: string;
  cap: Grade;
  reason: string;
}

export interface PillarGrade {
  pillar: Pillar;
  /** null: nothing in this pillar was assessed for the target (shown as "n/a"). */
  grade: Grade | null;
  score: number | null;
  caps: AppliedCap[];
  /** Why the grade is not A+ or how it got there, for the report. */
  notes: string[];
}

export interface TargetGrades {
  target: string;
  pillars: Record<Pillar, PillarGrade>;
  overall: Grade | null;
}

// ---- scores (SSL Labs guide §3: protocol 30 %, key exchange 30 %, cipher strength 40 %) ----

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
const strengthScore = (bits: number) => (bits <= 0 ? 0 : bits < 512 ? 20 : bits < 1024 ? 40 : bits < 2048 ? 80 : bits < 4096 ? 90 : 100);
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

// ---- rules ----

/** Certificate-pillar finding ids from other areas that mean "a client would not trust this chain". */
export const TRUST_FINDING_PATTERN = /(untrusted|self-signed|incomplete|unknown-(ca|issuer)|name-mismatch|hostname|expired|not-yet-valid|revoked|bad-signature|path)/;

const SEVERITY_CAP: Record<Severity, Grade | null> = { critical: 'F', high: 'C', medium: 'B', low: 'A', info: null };
const protocolOn = (f: DerivedFacts, p: string) => f.protocols.includes(p as never);
const leafDays = (ctx: GradeContext) => (ctx.facts.leaf ? validityDays(ctx.facts.leaf, ctx.now) : null);
const belowRoot = (chain: CertificateFacts[]) => chain.filter((c, i) => !(i > 0 && c.subject === c.issuer));

const severityRule = (s: Severity): GradeRule => ({
  id: `any.severity-${s}`,
  pillar: '*',
  cap: SEVERITY_CAP[s]!,
  title: `A ${s} finding in the pillar caps it at ${SEVERITY_CAP[s]}`,
  test: () => null, // applied per pillar in gradePillar, where the pillar's findings are known
});

const SPECIFIC_RULES: GradeRule[] = [
    { id: 'encryption.plaintext', pillar: 'encryption', cap: 'F', title: 'A plaintext service is F', test: (c) => (c.facts.plaintext && !c.facts.redirectsToHttps ? 'no TLS at all' : null) },
    {
      id: 'encryption.redirect-to-https',
      pillar: 'encryption',
      cap: 'B',
      title: 'Plain HTTP that only redirects to HTTPS caps at B (the first request can be stripped)',
      test: (c) => (c.facts.plaintext && c.facts.redirectsToHttps ? 'plaintext request answered with a redirect to https://' : null),
    },
    { id: 'encryption.sslv2', pillar: 'encryption', cap: 'F', title: 'SSL 2.0 enabled is F', test: (c) => (protocolOn(c.facts, 'SSLv2') ? 'SSL 2.0 accepted' : null) },
    { id: 'encryption.sslv3', pillar: 'encryption', cap: 'C', title: 'SSL 3.0 enabled caps at C', test: (c) => (protocolOn(c.facts, 'SSLv3') ? 'SSL 3.0 accepted (POODLE)' : null) },
    {
      id: 'encryption.tls10-tls11',
      pillar: 'encryption',
      cap: 'B',
      title: 'TLS 1.0 or 1.1 enabled caps at B',
      test: (c) => {
        const old = ['TLSv1.0', 'TLSv1.1'].filter((p) => protocolOn(c.facts, p));
        return old.length ? `${old.join(' and ')} accepted (RFC 8996)` : null;
      },
    },
    {
      id: 'encryption.no-tls12',
      pillar: 'encryption',
      cap: 'C',
      title: 'Neither TLS 1.2 nor TLS 1.3 supported caps at C',
      test: (c) => (c.facts.protocols.length && !protocolOn(c.facts, 'TLSv1.2') && !protocolOn(c.facts, 'TLSv1.3') ? 'only protocols older than TLS 1.2' : null),
    },
    {
      id: 'encryption.null-export-anon',
      pillar: 'encryption',
      cap: 'F',
      title: 'NULL, export or anonymous suites are F',
      test: (c) => {
        const bad = c.facts.suites.filter((s) => s.nullCipher || s.export || s.anonymous).map((s) => s.name);
        return bad.length ? `accepted ${bad.join(', ')}` : null;
      },
    },
    { id: 'encryption.rc4', pillar: 'encryption', cap: 'C', title: 'RC4 caps at C', test: (c) => (c.facts.suites.some((s) => s.rc4) ? 'RC4 suites accepted (RFC 7465)' : null) },
    {
      id: 'encryption.64-bit-block',
      pillar: 'encryption',
      cap: 'C',
      title: '3DES or another 64-bit block cipher caps at C',
      test: (c) => (c.facts.suites.some((s) => s.smallBlock) ? '64-bit block cipher accepted (SWEET32)' : null),
    },
    {
      id: 'encryption.no-forward-secrecy',
      pillar: 'encryption',
      cap: 'B',
      title: 'No forward-secret suite caps at B',
      test: (c) => (c.facts.suites.length && !c.facts.suites.some((s) => s.forwardSecret) ? 'no ECDHE/DHE suite: recorded traffic decrypts with the key' : null),
    },
    {
      id: 'encryption.some-non-fs',
      pillar: 'encryption',
      cap: 'A-',
      title: 'Suites without forward secrecy alongside forward-secret ones cap at A-',
      test: (c) => (c.facts.suites.some((s) => s.forwardSecret) && c.facts.suites.some((s) => !s.forwardSecret) ? 'RSA key transport still accepted' : null),
    },
    {
      id: 'encryption.no-aead',
      pillar: 'encryption',
      cap: 'B',
      title: 'No AEAD suite caps at B',
      test: (c) => (c.facts.suites.length && !c.facts.suites.some((s) => s.aead) ? 'only CBC or stream ciphers' : null),
    },
    { id: 'encryption.compression', pillar: 'encryption', cap: 'C', title: 'TLS compression caps at C', test: (c) => (c.facts.compression === true ? 'TLS compression enabled (CRIME)' : null) },
    {
      id: 'encryption.insecure-renegotiation',
      pillar: 'encryption',
      cap: 'C',
      title: 'No secure renegotiation caps at C',
      test: (c) => (c.facts.secureRenegotiation === false && !(c.facts.protocols.length === 1 && protocolOn(c.facts, 'TLSv1.3')) ? 'RFC 5746 renegotiation_info not supported' : null),
    },
    {
      id: 'encryption.no-fallback-scsv',
      pillar: 'encryption',
      cap: 'A-',
      title: 'Several pre-1.3 versions without TLS_FALLBACK_SCSV caps at A-',
      test: (c) =>
        c.facts.fallbackScsv === false && c.facts.protocols.filter((p) => p !== 'TLSv1.3').length > 1 ? 'downgrade protection (RFC 7507) missing' : null,
    },
    {
      id: 'encryption.weak-key-exchange',
      pillar: 'encryption',
      cap: 'B',
      title: 'Key exchange weaker than 2048-bit RSA equivalent caps at B',
      test: (c) => {
        const b = c.facts.tls ? keyExchangeBits(c.facts) : 4096;
        return b > 0 && b < 2048 ? `key exchange ≈ ${b}-bit RSA` : null;
      },
    },
    {
      id: 'encryption.broken-key-exchange',
      pillar: 'encryption',
      cap: 'F',
      title: 'Key exchange weaker than 1024-bit RSA equivalent is F',
      test: (c) => {
        const b = c.facts.tls ? keyExchangeBits(c.facts) : 4096;
        return b < 1024 ? `key exchange ≈ ${b}-bit RSA` : null;
      },
    },
    {
      id: 'certificates.expired',
      pillar: 'certificates',
      cap: 'T',
      title: 'An expired or not yet valid leaf certificate is T',
      test: (c) => {
        const d = leafDays(c);
        return d && (d.remaining < 0 || d.notYetValid) ? (d.notYetValid ? 'not yet valid' : `expired ${-d.remaining} days ago`) : null;
      },
    },
    {
      id: 'certificates.self-signed',
      pillar: 'certificates',
      cap: 'T',
      title: 'A self-signed leaf certificate is T',
      test: (c) => (c.facts.leaf && c.facts.leaf.subject === c.facts.leaf.issuer && c.facts.chain.length === 1 ? 'the leaf is its own issuer' : null),
    },
    {
      id: 'certificates.name-mismatch',
      pillar: 'certificates',
      cap: 'T',
      title: 'A certificate that does not name the host is T',
      test: (c) => (c.facts.leaf && !nameMatches(c.facts.host, c.facts.leaf.sans) ? `${c.facts.host} is not in the SAN (${c.facts.leaf.sans.join(', ') || 'empty'})` : null),
    },
    {
      id: 'certificates.untrusted',
      pillar: 'certificates',
      cap: 'T',
      title: 'A finding that a client would not trust the chain is T',
      test: (c) => {
        const f = c.findings.find((x) => x.pillar === 'certificates' && TRUST_FINDING_PATTERN.test(x.id));
        return f ? `${f.id}: ${f.evidence}` : null;
      },
    },
    {
      id: 'certificates.md5-signature',
      pillar: 'certificates',
      cap: 'F',
      title: 'An MD5-signed certificate in the chain is F',
      test: (c) => (belowRoot(c.facts.chain).some((x) => signatureHash(x.signatureAlgorithm) === 'md5') ? 'MD5 signature (collisions are practical)' : null),
    },
    {
      id: 'certificates.sha1-signature',
      pillar: 'certificates',
      cap: 'C',
      title: 'A SHA-1-signed certificate in the chain caps at C',
      test: (c) => (belowRoot(c.facts.chain).some((x) => signatureHash(x.signatureAlgorithm) === 'sha1') ? 'SHA-1 signature (chosen-prefix collisions are practical)' : null),
    },
    {
      id: 'certificates.key-below-1024',
      pillar: 'certificates',
      cap: 'F',
      title: 'A certificate key weaker than 1024-bit RSA is F',
      test: (c) => (c.facts.leaf && keyStrength(c.facts.leaf) < 1024 ? `${c.facts.leaf.keyType} ${c.facts.leaf.keyBits}` : null),
    },
    {
      id: 'certificates.key-below-2048',
      pillar: 'certificates',
      cap: 'B',
      title: 'A certificate key weaker than 2048-bit RSA caps at B',
      test: (c) => (c.facts.leaf && keyStrength(c.facts.leaf) < 2048 ? `${c.facts.leaf.keyType} ${c.facts.leaf.keyBits}` : null),
    },
    {
      id: 'certificates.expires-soon',
      pillar: 'certificates',
      cap: 'A-',
      title: 'A leaf certificate expiring within 30 days caps at A-',
      test: (c) => {
        const d = leafDays(c);
        return d && d.remaining >= 0 && d.remaining < 30 ? `expires in ${d.remaining} days` : null;
      },
    },
    {
      id: 'mutual-auth.optional-client-certificate',
      pillar: 'mutual-auth',
      cap: 'A-',
      title: 'A client certificate requested but not required caps at A-',
      test: (c) => (c.facts.clientAuth === 'requested' ? 'clients without a certificate are let in' : null),
    },
];

export const GRADE_RULES: GradeRule[] = [...(['critical', 'high', 'medium', 'low'] as const).map(severityRule), ...SPECIFIC_RULES];

/** What lifts A to A+, per pillar. A pillar absent here tops out at A. */
export const A_PLUS_RULES: Partial<Record<Pillar, { id: string; title: string; test(ctx: GradeContext): boolean }>> = {
  encryption: {
    id: 'encryption.a-plus-hsts',
    title: 'A+ needs HSTS with max-age of at least 180 days (15552000 s), and no cap below A',
    test: (c) => (c.facts.hsts?.maxAge ?? 0) >= 15_552_000,
  },
  certificates: {
    id: 'certificates.a-plus-ocsp',
    title: 'A+ needs a stapled OCSP response (revocation a client can check without a third party), and no cap below A',
    test: (c) => c.facts.ocspStapled,
  },
  'mutual-auth': {
    id: 'mutual-auth.a-plus-required',
    title: 'A+ needs the server to require a client certificate, and no cap below A',
    test: (c) => c.facts.clientAuth === 'required',
  },
};

/** Whether a pillar was assessed for a target at all (else the grade is n/a). */
const ASSESSED: Record<Pillar, (c: GradeContext, own: readonly Finding[]) => boolean> = {
  encryption: (c) => c.facts.tls || c.facts.plaintext,
  certificates: (c, own) => c.facts.leaf !== null || own.length > 0,
  network: (_c, own) => own.length > 0,
  // A server that never asks for a client certificate is only judged where policy expects mTLS (then it has a finding).
  'mutual-auth': (c, own) => c.facts.clientAuth === 'requested' || c.facts.clientAuth === 'required' || own.length > 0,
};

function baseScore(pillar: Pillar, ctx: GradeContext, own: readonly Finding[]): number {
  if (pillar === 'encryption') return encryptionScore(ctx.facts);
  if (pillar === 'certificates' && ctx.facts.leaf) return strengthScore(keyStrength(ctx.facts.leaf));
  return Math.max(0, 100 - own.reduce((n, f) => n + SEVERITY_PENALTY[f.severity], 0));
}

/** Grade one pillar of one target. */
export function gradePillar(pillar: Pillar, ctx: GradeContext): PillarGrade {
  const own = ctx.findings.filter((f) => f.pillar === pillar);
  if (!ASSESSED[pillar](ctx, own)) return { pillar, grade: null, score: null, caps: [], notes: ['not assessed'] };
  const score = baseScore(pillar, ctx, own);
  const caps: AppliedCap[] = [];
  for (const rule of GRADE_RULES) {
    if (rule.pillar !== pillar) continue;
    const reason = rule.test(ctx);
    if (reason) caps.push({ rule: rule.id, cap: rule.cap, reason });
  }
  for (const f of own) {
    const cap = SEVERITY_CAP[f.severity];
    if (cap) caps.push({ rule: `any.severity-${f.severity}`, cap, reason: `${f.id}: ${f.title}` });
  }
  let grade = caps.reduce<Grade>((g, c) => worseOf(g, c.cap), scoreToGrade(score));
  const notes: string[] = [];
  const plus = A_PLUS_RULES[pillar];
  if (grade === 'A' && plus && caps.length === 0) {
    if (plus.test(ctx)) grade = 'A+';
    else notes.push(`not A+: ${plus.title.replace(/^A\+ needs /, 'needs ')}`);
  }
  return { pillar, grade, score, caps: dedupeCaps(caps), notes };
}

/** One entry per rule and reason, worst first, so the report stays short. */
function dedupeCaps(caps: AppliedCap[]): AppliedCap[] {
  const seen = new Set<string>();
  return caps
    .filter((c) => {
      const k = `${c.rule}\u0000${c.reason}`;
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => gradeRank(b.cap) - gradeRank(a.cap));
}

/** Worst of the assessed grades; null when none was assessed. */
export function worstGrade(grades: ReadonlyArray<Grade | null>): Grade | null {
  return grades.reduce<Grade | null>((w, g) => (g === null ? w : w === null ? g : worseOf(w, g)), null);
}

/** Every pillar of one target, and its overall grade (the worst assessed pillar). */
export function gradeTarget(ctx: GradeContext): TargetGrades {
  const pillars = Object.fromEntries(PILLARS.map((p) => [p, gradePillar(p, ctx)])) as Record<Pillar, PillarGrade>;
  return { target: ctx.facts.target, pillars, overall: worstGrade(PILLARS.map((p) => pillars[p].grade)) };
}

export interface InventoryGrades {
  /** Per pillar: the worst target grade, and which target set it. */
  pillars: Record<Pillar, { grade: Grade | null; worstTarget: string | null; distribution: Partial<Record<Grade, number>> }>;
  overall: Grade | null;
}

/** Grades across targets: a chain is as strong as its weakest link, so each pillar takes its worst target. */
export function gradeInventory(targets: readonly TargetGrades[]): InventoryGrades {
  const pillars = Object.fromEntries(
    PILLARS.map((p) => {
      let grade: Grade | null = null;
      let worstTarget: string | null = null;
      const distribution: Partial<Record<Grade, number>> = {};
      for (const t of targets) {
        const g = t.pillars[p].grade;
        if (g === null) continue;
        distribution[g] = (distribution[g] ?? 0) + 1;
        if (grade === null || gradeRank(g) > gradeRank(grade)) [grade, worstTarget] = [g, t.target];
      }
      return [p, { grade, worstTarget, distribution }];
    }),
  ) as InventoryGrades['pillars'];
  return { pillars, overall: worstGrade(PILLARS.map((p) => pillars[p].grade)) };
}
