/**
 * Certificate checks: the verdict of strict path validation and the lints of certificate analysis, read from a
 * `certificate-chain` observation (the ChainAssessment of src/x509/assess.ts).
 */
import type { ChainAssessment } from '../x509/assess.js';
import type { CertificateAnalysis, LintResult } from '../x509/analysis.js';
import type { ValidationCode, ValidationIssue } from '../x509/types.js';
import { defineCheck } from './registry.js';
import type { CheckHit } from './types.js';

declare module './types.js' {
  interface ObservationMap {
    'certificate-chain': ChainAssessment;
  }
}

const certLabel = (a: ChainAssessment, i: number | null): string => {
  if (i === null) return 'chain';
  const c = a.path[i] ?? a.presented[i] ?? undefined;
  return c ? `certificate ${i} (${c.subject || '<empty subject>'})` : `certificate ${i}`;
};

/** One hit per issue with one of `codes`, errors and (when `warnings`) warnings alike. */
const issuesWith = (codes: ValidationCode[]) => (a: ChainAssessment): CheckHit[] => {
  const list: ValidationIssue[] = [...a.errors, ...a.warnings];
  return list.filter((i) => codes.includes(i.code)).map((i) => ({ evidence: `${certLabel(a, i.certIndex)}: ${i.message}` }));
};

/**
 * `incomplete-chain` issues split by what lacks an issuer: a CA certificate the server sent (the chain reaches a root
 * that is not trusted: `untrusted`) or the leaf itself (an intermediate is missing: not `untrusted`).
 */
const missingIssuer = (a: ChainAssessment, untrusted: boolean): CheckHit[] =>
  [...a.errors, ...a.warnings]
    .filter((i) => i.code === 'incomplete-chain')
    .filter((i) => {
      const c = i.certIndex === null ? null : (a.path[i.certIndex] ?? a.presented[i.certIndex] ?? null);
      return Boolean(c && i.certIndex! > 0 && c.isCa) === untrusted;
    })
    .map((i) => ({
      evidence: untrusted
        ? `${certLabel(a, i.certIndex)}: its issuer is not a trust anchor (${i.message.replace(/; an intermediate is missing or the root is unknown$/, '')}); a private root? \`--ca\` adds it`
        : `${certLabel(a, i.certIndex)}: ${i.message}`,
    }));

/** The certificates a lint looks at: the built path, else what was presented. */
const analysed = (a: ChainAssessment): CertificateAnalysis[] =>
  a.path.length ? a.path : a.presented.filter((c): c is CertificateAnalysis => c !== null);

const lintHits = (id: LintResult['id'], leafOnly = false) => (a: ChainAssessment): CheckHit[] =>
  analysed(a).flatMap((c, i) =>
    (leafOnly && i > 0 ? [] : c.lints.filter((l) => l.id === id)).map((l) => ({ evidence: `certificate ${i} (${c.subject}): ${l.message}`, severity: l.severity })),
  );

const RFC5280 = 'https://www.rfc-editor.org/rfc/rfc5280';
const RFC9525 = 'https://www.rfc-editor.org/rfc/rfc9525';
const CABF = 'https://cabforum.org/working-groups/server/baseline-requirements/requirements/';

/** Codes reported by their own check; `cert.chain.invalid` reports every other error. */
const OWN_CHECK: ReadonlySet<ValidationCode> = new Set([
  'expired', 'not-yet-valid', 'self-signed', 'untrusted-root', 'incomplete-chain', 'hostname-mismatch', 'weak-key', 'weak-signature', 'revoked',
]);

export const certificateChecks = [
  defineCheck({
    id: 'cert.chain.expired', source: 'certificate-chain', pillar: 'certificates', severity: 'critical',
    title: 'Certificate in the chain has expired',
    description: 'A certificate of the presented chain is past its notAfter time. Clients refuse it, and users trained to click through the warning will also click through a forged certificate.',
    remediation: 'Renew the certificate (and any expired intermediate) and deploy the new chain; automate renewal (ACME).',
    references: [`${RFC5280}#section-4.1.2.5`],
    evaluate: issuesWith(['expired']),
  }),
  defineCheck({
    id: 'cert.chain.not-yet-valid', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'Certificate in the chain is not yet valid',
    description: 'A certificate is before its notBefore time: a clock or issuance error that makes clients fail and trains users to ignore warnings.',
    remediation: 'Check the server and CA clocks; deploy a certificate whose validity has started.',
    references: [`${RFC5280}#section-4.1.2.5`],
    evaluate: issuesWith(['not-yet-valid']),
  }),
  defineCheck({
    id: 'cert.chain.self-signed', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'Self-signed certificate',
    description: 'The server presents a self-signed certificate that no trust anchor vouches for; a man in the middle can present his own self-signed certificate just as well.',
    remediation: 'Use a certificate from a public CA or from the organisation\'s private CA, and distribute that CA to clients (mitmguard --ca).',
    references: [`${RFC5280}#section-6.1`],
    evaluate: issuesWith(['self-signed']),
  }),
  defineCheck({
    id: 'cert.chain.untrusted-root', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'Chain ends in an untrusted root',
    description: 'The chain leads to a root CA that is not a trust anchor: the server sent a self-signed root, or every intermediate up to a root nobody trusts. Clients that accept it cannot tell it from an attacker\'s CA.',
    remediation: 'Issue from a trusted CA, or add the organisation\'s root to the trust store of every client (and to mitmguard with --ca).',
    references: [`${RFC5280}#section-6.1`],
    // Also a chain that stops at a CA certificate whose issuer is unknown: every intermediate was sent and the root is
    // simply not trusted (a private root) — not an "incomplete chain", which the server operator would fix differently.
    evaluate: (a) => [...issuesWith(['untrusted-root'])(a), ...missingIssuer(a, true)],
  }),
  defineCheck({
    id: 'cert.chain.incomplete', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'Incomplete certificate chain',
    description: 'No issuer was found for the leaf: the server omits an intermediate (or the leaf comes straight from an unknown root). Clients that do not fetch missing intermediates fail, and some then fall back to insecure behaviour.',
    remediation: 'Serve the full chain (leaf, then every intermediate up to, but not including, the root).',
    references: [`${RFC5280}#section-6.1`, 'https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2'],
    evaluate: (a) => missingIssuer(a, false),
  }),
  defineCheck({
    id: 'cert.chain.hostname-mismatch', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'Certificate does not match the host name',
    description: 'The leaf\'s subjectAltName does not cover the name or address the client asked for (no CN fallback, RFC 9525). A client that accepts it would accept a certificate for any name.',
    remediation: 'Issue a certificate whose subjectAltName lists every name (or IP address) clients use.',
    references: [`${RFC9525}#section-6.3`],
    evaluate: issuesWith(['hostname-mismatch']),
  }),
  defineCheck({
    id: 'cert.chain.weak-key', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'Weak or forbidden key in the chain',
    description: 'A certificate carries an RSA key under 2048 bits, a DSA key, a curve other than P-256/P-384/P-521, or explicit EC parameters (CVE-2020-0601): keys an attacker may factor or forge.',
    remediation: 'Reissue with RSA ≥ 2048 bits (multiple of 8) or ECDSA P-256/P-384 on a named curve.',
    references: [`${CABF}#615-key-sizes`, 'https://nvd.nist.gov/vuln/detail/CVE-2020-0601'],
    evaluate: issuesWith(['weak-key']),
  }),
  defineCheck({
    id: 'cert.chain.weak-signature', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'MD5 or SHA-1 signature in the chain',
    description: 'A certificate is signed with MD5 or SHA-1; chosen-prefix collisions let an attacker obtain a CA signature that also covers a forged certificate.',
    remediation: 'Reissue the certificate (and intermediates) with SHA-256 or stronger.',
    references: ['https://www.rfc-editor.org/rfc/rfc6151', `${CABF}#7132-signature-algorithmidentifier`],
    evaluate: issuesWith(['weak-signature']),
  }),
  defineCheck({
    id: 'cert.chain.revoked', source: 'certificate-chain', pillar: 'certificates', severity: 'critical',
    title: 'Certificate is revoked',
    description: 'A given CRL lists a certificate of the chain: its key may be in an attacker\'s hands.',
    remediation: 'Replace the certificate with a newly issued one on a new key.',
    references: [`${RFC5280}#section-6.3`],
    evaluate: issuesWith(['revoked']),
  }),
  defineCheck({
    id: 'cert.chain.invalid', source: 'certificate-chain', pillar: 'certificates', severity: 'high',
    title: 'Certificate chain fails strict validation',
    description: 'Path validation failed for a reason other than the specific checks (CA constraints, path length, key usage, name constraints, unknown critical extensions, malformed encodings, bad signatures, profile rules).',
    remediation: 'Reissue the offending certificate following RFC 5280 and the CABF Baseline Requirements; the evidence names the rule.',
    references: [`${RFC5280}#section-6.1`, CABF],
    evaluate: (a) => a.errors.filter((i) => !OWN_CHECK.has(i.code)).map((i) => ({ evidence: `${certLabel(a, i.certIndex)}: [${i.code}] ${i.message}` })),
  }),
  defineCheck({
    id: 'cert.chain.profile-warning', source: 'certificate-chain', pillar: 'certificates', severity: 'low',
    title: 'Certificate breaks a profile rule (compatible profile)',
    description: 'Under the compatible profile, RFC 5280 / CABF profile violations are warnings rather than failures; each is still a sign of careless issuance.',
    remediation: 'Reissue the certificate following the rule named in the evidence.',
    references: [CABF],
    evaluate: (a) => a.warnings.filter((i) => i.code === 'profile').map((i) => ({ evidence: `${certLabel(a, i.certIndex)}: ${i.message}` })),
  }),
  defineCheck({
    id: 'cert.lint.expiring-soon', source: 'certificate-chain', pillar: 'certificates', severity: 'medium',
    title: 'Certificate expires soon',
    description: 'A certificate of the chain expires within 30 days (high within 7): an outage that pushes people to accept warnings is near.',
    remediation: 'Renew now and automate renewal.',
    references: [`${RFC5280}#section-4.1.2.5`],
    evaluate: lintHits('expiring-soon'),
  }),
  defineCheck({
    id: 'cert.lint.validity-too-long', source: 'certificate-chain', pillar: 'certificates', severity: 'low',
    title: 'Leaf validity longer than 398 days',
    description: 'The leaf certificate lives longer than CABF BR §6.3.2 allows; a stolen key stays useful longer and browsers reject such public certificates.',
    remediation: 'Issue leaf certificates for 398 days or less (90 days with automation).',
    references: [`${CABF}#632-certificate-operational-periods-and-key-pair-usage-periods`],
    evaluate: lintHits('validity-too-long', true),
  }),
  defineCheck({
    id: 'cert.lint.missing-san', source: 'certificate-chain', pillar: 'certificates', severity: 'medium',
    title: 'Leaf certificate has no subjectAltName',
    description: 'Without a subjectAltName no RFC 9525 client can match the server name; only legacy clients with CN fallback accept it.',
    remediation: 'Reissue with every server name in the subjectAltName.',
    references: [`${RFC9525}#section-6.3`],
    evaluate: lintHits('missing-san', true),
  }),
];
