/**
 * The capture wing's observation kinds in the check registry (declaration merging, src/checks/types.ts):
 * `capture-alert` — one finding a detector raised, re-judged by the catalogue row of the same id — and
 * `capture-summary` — a whole capture's summary, judged for its encryption coverage.
 */
import type { Severity } from '../model/index.js';
import type { CaptureSummary } from './analyse.js';

export interface CaptureAlertObservation {
  id: string;
  evidence: string;
  severity: Severity;
}

declare module '../checks/types.js' {
  interface ObservationMap {
    'capture-alert': CaptureAlertObservation;
    'capture-summary': CaptureSummary;
  }
}
