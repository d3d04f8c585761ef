/**
 * Client-audit checks: one check per forged or degraded scenario, generated from the scenario catalogue (tables over
 * branches). A check fires when the client sent application data to its scenario — accepted over TLS, or in cleartext.
 * Ids are `audit.client.<scenario-id>`.
 */
import { SCENARIOS } from '../audit/scenarios/catalogue.js';
import type { ScenarioResult } from '../audit/types.js';
import { CheckRegistry, defineCheck } from './registry.js';
import { sortFindings } from '../model/index.js';
import type { Check } from './types.js';
import type { Finding } from '../model/index.js';

/** The observation a client-audit check reads: one scenario's result. */
/** "Self-signed …" → "self-signed …", but an acronym or a proper name keeps its case ("NUL byte", "X.509 v1"). */
const lowerFirst = (t: string): string => (/^[A-Z][A-Z0-9.]/.test(t) ? t : `${t.charAt(0).toLowerCase()}${t.slice(1)}`);

export type AuditScenarioObservation = Pick<ScenarioResult, 'scenario' | 'verdict' | 'evidence'>;

declare module './types.js' {
  interface ObservationMap {
    'audit-scenario': AuditScenarioObservation;
  }
}

export const auditCheckId = (scenario: string): string => `audit.client.${scenario}`;

export const auditChecks: Check<'audit-scenario'>[] = SCENARIOS.filter((s) => s.expect === 'reject').map((s) =>
  defineCheck({
    id: auditCheckId(s.id),
    source: 'audit-scenario',
    pillar: s.pillar,
    severity: s.severity,
    title: `Client accepts: ${lowerFirst(s.title)}`,
    description: s.description,
    remediation: s.remediation,
    references: s.references,
    evaluate(o) {
      if (o.scenario !== s.id) return null;
      if (o.verdict === 'accepted') return { evidence: `An attacker with this forged server received: ${o.evidence}` };
      // Cleartext is at least as bad as any forged certificate: nothing protects the data at all.
      if (o.verdict === 'accepted-plaintext') return { evidence: `The client sent in cleartext: ${o.evidence}`, severity: 'critical' };
      return null;
    },
  }),
);

const registry = new CheckRegistry(auditChecks);

/** Findings for every accepted scenario of a run, against `target` (the client as the user named it). */
export function findingsForResults(results: readonly ScenarioResult[], target: string): Finding[] {
  return sortFindings(results.flatMap((r) => registry.run('audit-scenario', { scenario: r.scenario, verdict: r.verdict, evidence: r.evidence }, target)));
}
