/**
 * Which scenarios a run serves: the catalogue filtered by the user's selection, the protocol, the pin option and what
 * this OpenSSL can serve. Pure apart from the one-time cipher availability probe.
 */
import { MitmError } from '../errors.js';
import type { AppProtocol } from './protocols/index.js';
import { SCENARIOS, scenarioById, skipReason, unavailableReason } from './scenarios/index.js';
import type { ScenarioDefinition } from './scenarios/types.js';

export interface PlannedScenario {
  scenario: ScenarioDefinition;
  status: 'run' | 'skipped' | 'unavailable';
  reason?: string;
}

export interface PlanOptions {
  protocol: AppProtocol;
  /** Scenario ids to run; the baseline is always added. Absent: the whole catalogue. */
  only?: readonly string[];
  /** Scenario ids to leave out. */
  exclude?: readonly string[];
  pin?: boolean;
  /** Proxy mode serves HTTPS tunnels only: STARTTLS scenarios do not apply. */
  proxy?: boolean;
}

export function planScenarios(options: PlanOptions): PlannedScenario[] {
  for (const id of [...(options.only ?? []), ...(options.exclude ?? [])]) {
    if (!scenarioById(id)) throw new MitmError('MG_ERR_USAGE', `unknown scenario ${JSON.stringify(id)} (see mitmguard audit-client --list)`);
  }
  const only = options.only?.length ? new Set(['baseline', ...options.only]) : undefined;
  const exclude = new Set((options.exclude ?? []).filter((id) => id !== 'baseline'));
  const planned: PlannedScenario[] = [];
  for (const s of SCENARIOS) {
    if ((only && !only.has(s.id)) || exclude.has(s.id)) continue;
    const skip = skipReason(s, options.protocol, { pin: options.pin ?? false });
    if (skip) {
      planned.push({ scenario: s, status: 'skipped', reason: skip });
      continue;
    }
    const unavailable = unavailableReason(s);
    planned.push(unavailable ? { scenario: s, status: 'unavailable', reason: unavailable } : { scenario: s, status: 'run' });
  }
  return planned;
}
