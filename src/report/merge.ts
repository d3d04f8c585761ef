/**
 * One finding per flaw. A policy check often restates what a scanner check already found (the certificate expired:
 * `cert.chain.expired` and `policy.cert.expired`; TLS 1.0 on: `tls.protocol.tls10-enabled` and
 * `policy.tls.min-version`), and counting both inflates every total. The table below says which findings describe the
 * same flaw; in a report they become one finding: the policy's (the mandate the organisation chose), at its severity
 * (so a `severityOverrides` entry for it decides; in every preset it is at least as severe as what it absorbs), its
 * evidence followed by the others', and `relatedTo` naming the ids it absorbed.
 * Grades are computed before the merge, from every finding, so a rule keyed on a check id still applies.
 */
import type { Finding } from '../model/index.js';

/** Policy finding id → the check ids that report the same flaw on the same target. */
export const SAME_FLAW: Readonly<Record<string, readonly string[]>> = {
  'policy.tls.min-version': ['tls.protocol.sslv2-enabled', 'tls.protocol.sslv3-enabled', 'tls.protocol.tls10-enabled', 'tls.protocol.tls11-enabled'],
  'policy.tls.plaintext': ['posture.plaintext.http', 'starttls.not-offered', 'policy.tls.starttls-required'],
  'policy.tls.hsts-missing': ['http.hsts.missing'],
  'policy.cert.expired': ['cert.chain.expired'],
  'policy.cert.key-too-small': ['cert.chain.weak-key'],
  'policy.cert.signature-hash': ['cert.chain.weak-signature'],
  'policy.mtls.not-required': ['mtls.client-certificate-optional'],
};

/**
 * Merge the findings of one target that describe the same flaw (SAME_FLAW). Order is kept; a finding with no partner
 * is returned unchanged.
 *
 * @example mergeSameFlaw([tls10, tls11, minVersion]) // → [minVersion with relatedTo [tls10 id, tls11 id]]
 */
export function mergeSameFlaw(findings: readonly Finding[]): Finding[] {
  const absorbed = new Set<Finding>();
  const merged = new Map<Finding, Finding>();
  for (const [keepId, others] of Object.entries(SAME_FLAW)) {
    for (const keep of findings.filter((f) => f.id === keepId && !absorbed.has(f))) {
      const group = findings.filter((f) => f !== keep && !absorbed.has(f) && f.target === keep.target && others.includes(f.id));
      if (group.length === 0) continue;
      for (const g of group) absorbed.add(g);
      const base = merged.get(keep) ?? keep;
      merged.set(keep, {
        ...base,
        evidence: [base.evidence, ...group.map((g) => `${g.id}: ${g.evidence}`)].join('; '),
        relatedTo: [...(base.relatedTo ?? []), ...group.map((g) => g.id)],
      });
    }
  }
  return findings.filter((f) => !absorbed.has(f)).map((f) => merged.get(f) ?? f);
}
