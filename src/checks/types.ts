/**
 * The one vocabulary of findings shared by the scanner, the client audit, the detectors and the proxy.
 * See ../../docs/architecture.md: probes → observations → pure checks → findings → policy → grade.
 */
import type { Pillar, Severity } from '../model/index.js';

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
