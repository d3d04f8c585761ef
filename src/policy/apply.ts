/**
 * Policy in action: which target rules apply to a target, the policy's own findings for it, and what severity
 * overrides and accepted risks do to every finding.
 */
import { CheckRegistry } from '../checks/registry.js';
import { sortFindings } from '../model/index.js';
import type { Finding } from '../model/index.js';
import type { TargetReport } from '../model/index.js';
import { policyChecks } from '../checks/policy.js';
import { deriveFacts } from './facts.js';
import type { AcceptedRisk, Policy, TargetRule } from './schema.js';

const policyRegistry = new CheckRegistry(policyChecks);

/** A glob (`*` any run, `?` one character) as an anchored, case-insensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The policy's target rules that apply to a target: any shared tag, or the pattern matches the target. */
export function rulesFor(policy: Policy, target: string, tags: readonly string[] = []): TargetRule[] {
  return policy.targets.filter(
    (r) => (r.tags?.some((t) => tags.includes(t)) ?? false) || (r.pattern !== undefined && globToRegExp(r.pattern).test(target)),
  );
}

/**
 * The policy's own findings for one target report (minimum version, suites, keys, lifetime, HSTS, mTLS zones, pins).
 *
 * @example evaluatePolicy(report, loadPolicy('modern'), { tags: ['internal'], now: new Date() })
 */
export function evaluatePolicy(report: TargetReport, policy: Policy, opts: { tags?: readonly string[]; now?: Date } = {}): Finding[] {
  const now = (opts.now ?? new Date()).toISOString();
  return policyRegistry.run('policy', { facts: deriveFacts(report), policy, rules: rulesFor(policy, report.target, opts.tags), now }, report.target);
}

export interface AcceptedFinding {
  finding: Finding;
  risk: AcceptedRisk;
}

export interface PolicyOutcome {
  /** Findings that count: overrides applied, accepted risks removed. */
  findings: Finding[];
  /** Findings covered by an accepted risk that has not expired. */
  accepted: AcceptedFinding[];
}

/**
 * Apply severity overrides, then accepted risks. A risk counts until the end of its `expires` day (UTC); after it, the
 * finding is active again and its evidence says the acceptance lapsed, so nobody mistakes it for a new problem.
 */
export function applyPolicy(findings: readonly Finding[], policy: Policy, now: Date = new Date()): PolicyOutcome {
  const today = now.toISOString().slice(0, 10);
  const active: Finding[] = [];
  const accepted: AcceptedFinding[] = [];
  for (const original of findings) {
    const override = policy.severityOverrides[original.id];
    const f = override ? { ...original, severity: override } : { ...original };
    const risk = policy.acceptedRisks.find((r) => r.id === f.id && (r.target === undefined || globToRegExp(r.target).test(f.target)));
    if (risk && risk.expires >= today) {
      accepted.push({ finding: f, risk });
      continue;
    }
    if (risk) f.evidence = `${f.evidence} (accepted risk expired ${risk.expires}: ${risk.reason})`;
    active.push(f);
  }
  return { findings: sortFindings(active), accepted };
}
