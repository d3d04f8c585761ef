import { MitmError } from '../errors.js';
import type { Check, CheckHit, ObservationKind, ObservationMap } from './types.js';
import type { Finding } from '../model/index.js';
import { sortFindings } from '../model/index.js';

const ID_PATTERN = /^[a-z0-9]+(\.[a-z0-9-]+)+$/;

/** Type helper: a check is data plus a pure function; this only checks its shape at compile time. */
export function defineCheck<K extends ObservationKind>(check: Check<K>): Check<K> {
  return check;
}

/** A set of checks keyed by id. The global catalogue lives in ./catalogue.ts; tests may build their own. */
export class CheckRegistry {
  private readonly byId = new Map<string, Check>();

  constructor(checks: readonly Check<any>[] = []) {
    for (const c of checks) this.add(c);
  }

  add(check: Check<any>): void {
    if (!ID_PATTERN.test(check.id)) throw new MitmError('MG_ERR_INTERNAL', `check id ${JSON.stringify(check.id)} is not dotted lower-case`);
    if (this.byId.has(check.id)) throw new MitmError('MG_ERR_INTERNAL', `check id ${check.id} registered twice`);
    this.byId.set(check.id, check as Check);
  }

  get(id: string): Check | undefined {
    return this.byId.get(id);
  }

  all(): Check[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Run every check of one observation kind on an observation and return findings for `target`. */
  run<K extends ObservationKind>(kind: K, observation: ObservationMap[K], target: string): Finding[] {
    const findings: Finding[] = [];
    for (const check of this.byId.values()) {
      if (check.source !== kind) continue;
      const out = (check as unknown as Check<K>).evaluate(observation);
      if (!out) continue;
      const hits: CheckHit[] = Array.isArray(out) ? out : [out];
      for (const hit of hits) {
        findings.push({
          id: check.id,
          pillar: check.pillar,
          severity: hit.severity ?? check.severity,
          target,
          title: check.title,
          evidence: hit.evidence,
          remediation: check.remediation,
          references: check.references,
        });
      }
    }
    return sortFindings(findings);
  }
}
