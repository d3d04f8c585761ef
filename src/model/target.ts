/**
 * The target report and the scan document: what `mitmguard scan --format json` prints and what checks, policy,
 * reports and the store read. Fields are only ever added; a field's meaning never changes.
 *
 * Each wing that observes more than the TLS handshake adds its field to `TargetObservations` by declaration merging
 * (as areas add observation kinds to the check registry), so this ground floor imports no wing:
 *
 * ```ts
 * declare module '../model/target.js' { interface TargetObservations { posture?: PostureObservation | null } }
 * ```
 */
import type { ErrorInfo } from './error.js';
import type { Finding } from './finding.js';
import type { TlsFacts } from './tls.js';

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface TargetObservations {}

export interface TargetReport extends TargetObservations {
  /** The target as the user named it. */
  target: string;
  host: string;
  port: number;
  sni?: string;
  /** The IP address connected to instead of resolving `host` (`--resolve`, an inventory entry's `address:`). */
  address?: string;
  /** The STARTTLS protocol run before the ClientHello, when the target needed one. */
  starttls?: string | null;
  ok: boolean;
  error: ErrorInfo | null;
  tls: TlsFacts | null;
  findings: Finding[];
  /** Wall time of this target's scan in milliseconds. */
  durationMs: number;
  /** A client target (`client:<name>`): the client audit that judged it — scenarios served and forgeries accepted. */
  clientAudit?: { scenarios: number; forgeriesAccepted: number } | null;
}

export interface ScanDocument {
  tool: 'mitmguard';
  version: string;
  startedAt: string;
  finishedAt: string;
  targets: TargetReport[];
}

/** The report of a target that could not be assessed: the one place that literal is written. */
export function failedTargetReport(
  target: string,
  error: ErrorInfo,
  fields: Partial<Omit<TargetReport, 'target' | 'ok' | 'error'>> = {},
): TargetReport {
  return { target, host: '', port: 0, tls: null, findings: [], durationMs: 0, ...fields, ok: false, error: { code: error.code, message: error.message } };
}
