/**
 * The scenario catalogue as data: every forged or degraded server the audit plays, in one ordered list (the baseline
 * first), and the rule that decides which apply to a run. What the checks (src/checks/audit.ts) read; nothing here
 * opens a socket or builds a TLS context (the recipes in ./certificates.ts and ./transport.ts mint only when called).
 */
import type { AppProtocol } from '../types.js';
import { CERTIFICATE_SCENARIOS } from './certificates.js';
import { TRANSPORT_SCENARIOS } from './transport.js';
import type { ScenarioDefinition } from './types.js';

export const SCENARIOS: readonly ScenarioDefinition[] = [...CERTIFICATE_SCENARIOS, ...TRANSPORT_SCENARIOS];

const BY_ID = new Map(SCENARIOS.map((s) => [s.id, s]));

export function scenarioById(id: string): ScenarioDefinition | undefined {
  return BY_ID.get(id);
}

/** Why a scenario does not apply to this run (protocol, pin), or null when it does. */
export function skipReason(s: ScenarioDefinition, protocol: AppProtocol, opts: { pin: boolean }): string | null {
  if (s.protocols && !s.protocols.includes(protocol)) return `does not apply to ${protocol} (only ${s.protocols.join(', ')})`;
  if (s.requiresPin && !opts.pin) return 'tests key pinning: run with --pin when the client pins the server key ({pin})';
  return null;
}
