/**
 * The finding: the one vocabulary shared by the scanner, the client audit, the detectors, the proxy, the store and the
 * API (DESIGN.md, "Contracts others rely on"). Ids are documented in docs/checks.md and never reused for another meaning.
 */

export const PILLARS = ['encryption', 'certificates', 'network', 'mutual-auth'] as const;
export type Pillar = (typeof PILLARS)[number];

export const PILLAR_TITLES: Record<Pillar, string> = {
  encryption: 'Encryption everywhere',
  certificates: 'Certificate validation',
  network: 'Network security',
  'mutual-auth': 'Mutual authentication',
};

/** Ordered from most to least severe. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse: critical = 4 … info = 0. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

export interface Finding {
  id: string;
  pillar: Pillar;
  severity: Severity;
  /** The target as the user named it (`host:port`, `smtp://host:25`, a file, a client command). */
  target: string;
  title: string;
  /** What was observed, in words and values a person can verify. Never a secret. */
  evidence: string;
  remediation: string;
  references: string[];
  /**
   * Ids of other findings about the same flaw on the same target, merged into this one so one flaw counts once (the
   * report's SAME_FLAW table, src/report/merge.ts); their evidence is appended to this finding's. Absent when none.
   */
  relatedTo?: string[];
}

/** Most severe first, then by id, then by target: a stable order for every report. Sorts in place and returns it. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id) || a.target.localeCompare(b.target),
  );
}
