/**
 * The one vocabulary of findings shared by the scanner, the client audit, the detectors and the proxy.
 * See ../../docs/architecture.md: probes → observations → pure checks → findings → policy → grade.
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

/** The finding contract (DESIGN.md): ids are documented in docs/checks.md and never reused for a different meaning. */
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
}

/**
 * Observation kinds, by name. Each area adds its own kind by declaration merging, so the registry stays generic:
 *
 * ```ts
 * declare module '../checks/types.js' { interface ObservationMap { tls: TlsObservation } }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ObservationMap {}

export type ObservationKind = keyof ObservationMap;

/** What a check returns for one observation: nothing (passed), or one or more hits with evidence. */
export interface CheckHit {
  evidence: string;
  /** Override the check's default severity for this hit (e.g. expiring in 3 days vs 25 days). */
  severity?: Severity;
}

export interface Check<K extends ObservationKind = ObservationKind> {
  /** Stable id, dotted: `tls.protocol.tls10-enabled`. */
  id: string;
  /** The observation kind this check reads. */
  source: K;
  pillar: Pillar;
  severity: Severity;
  title: string;
  /** One or two sentences for the catalogue: what the check looks for and why it matters against a man in the middle. */
  description: string;
  remediation: string;
  references: string[];
  /** Pure: observation in, hits out. Never does I/O, never throws on a well-typed observation. */
  evaluate(observation: ObservationMap[K]): CheckHit | CheckHit[] | undefined | null | false;
}
