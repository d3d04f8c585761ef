/**
 * The grading rules as data: caps per pillar (GRADE_RULES) and what lifts A to A+ (A_PLUS_RULES). Each rule has a unit
 * test in grade.test.ts and a row in docs/grading.md.
 */
import type { Pillar, Severity } from '../model/index.js';
import type { CertificateFacts } from '../model/index.js';
import type { DerivedFacts } from './facts.js';
import { nameMatches, signatureHash, validityDays } from './facts.js';
import type { Grade, GradeContext, GradeRule } from './grade-types.js';
import { keyExchangeBits, keyStrength } from './grade-score.js';


/**
 * Finding ids that mean "a client would not trust this chain" (SSL Labs' T): the strict validator's verdicts
 * (src/checks/certificates.ts) and the policy's own expiry check. A pin mismatch is not here: it is critical, so F.
 */
export const TRUST_FINDING_IDS: ReadonlySet<string> = new Set([
  'cert.chain.expired',
  'cert.chain.not-yet-valid',
  'cert.chain.self-signed',
  'cert.chain.untrusted-root',
  'cert.chain.incomplete',
  'cert.chain.hostname-mismatch',
  'cert.chain.revoked',
  'cert.chain.invalid',
  'policy.cert.expired',
]);

export const SEVERITY_CAP: Record<Severity, Grade | null> = { critical: 'F', high: 'C', medium: 'B', low: 'A', info: null };
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
        const f = c.findings.find((x) => x.pillar === 'certificates' && TRUST_FINDING_IDS.has(x.id));
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
