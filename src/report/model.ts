/**
 * The report: a scan document plus what policy and grading made of it. Every output format renders this one value.
 * The JSON form is the scan document with a `report` section added (fields are only ever added), so any reader of
 * scan JSON reads report JSON too, and `mitmguard report` can re-grade a report under another policy.
 */
import type { Finding, Pillar, Severity } from '../model/index.js';
import { PILLARS, SEVERITIES } from '../model/index.js';
import { MitmError } from '../errors.js';
import { applyPolicy, evaluatePolicy, type AcceptedFinding } from '../policy/apply.js';
import { deriveFacts, validityDays } from '../policy/facts.js';
import { gradeInventory, gradeTarget, type InventoryGrades, type TargetGrades } from '../policy/grade.js';
import type { Grade } from '../policy/grade-types.js';
import type { Policy } from '../policy/schema.js';
import type { ScanDocument, TargetReport } from '../model/index.js';
import { mergeSameFlaw } from './merge.js';
import { fieldPath, scanDocumentSchema } from './scan-schema.js';

export interface CertificateTimelineEntry {
  target: string;
  name: string | null;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** Whole days from the report time to notAfter; negative when expired. */
  daysLeft: number;
}

export interface TargetSummary {
  target: string;
  /** The inventory's name for the target, when it has one. */
  name: string | null;
  ok: boolean;
  error: TargetReport['error'];
  tags: string[];
  owner: string | null;
  grades: TargetGrades;
  /** Findings that count for this target after policy. */
  findings: Finding[];
}

export interface ReportSection {
  generatedAt: string;
  policy: { name: string; failOn: Severity };
  grades: InventoryGrades;
  targets: TargetSummary[];
  /** Every finding that counts, most severe first. */
  findings: Finding[];
  accepted: AcceptedFinding[];
  summary: {
    targets: number;
    reachable: number;
    unreachable: number;
    findings: number;
    bySeverity: Record<Severity, number>;
    byPillar: Record<Pillar, number>;
    /** Findings per pillar and severity, for the chart. */
    matrix: Record<Pillar, Record<Severity, number>>;
  };
  certificates: CertificateTimelineEntry[];
  /** The earlier report this one is compared with (`--previous F`), for the executive summary's trend. */
  previous?: PreviousRun;
}

/** What an earlier report says, as the executive summary compares with it (`--previous F`, src/report/summary.ts). */
export interface PreviousRun {
  generatedAt: string;
  policy: string;
  overall: Grade | null;
  pillars: Record<Pillar, Grade | null>;
  findings: number;
  bySeverity: Record<Severity, number>;
}

export type ReportDocument = ScanDocument & { report: ReportSection };

export interface BuildReportOptions {
  /** Inventory tags per target (policy target rules match on them). */
  tags?: Readonly<Record<string, readonly string[]>>;
  owners?: Readonly<Record<string, string>>;
  names?: Readonly<Record<string, string>>;
  now?: Date;
}

const zero = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** Dedupe by (id, target, evidence): a scanner check and a re-run must not double-count one problem. */
function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.id}\u0000${f.target}\u0000${f.evidence}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/**
 * Evaluate a scan document under a policy: policy findings, overrides, accepted risks, grades and the summary.
 *
 * @example const report = buildReport(scanDoc, loadPolicy('intermediate')); renderHtml(report)
 */
export function buildReport(scan: ScanDocument, policy: Policy, opts: BuildReportOptions = {}): ReportDocument {
  const now = opts.now ?? new Date();
  const targets: TargetSummary[] = [];
  const accepted: AcceptedFinding[] = [];
  const certificates: CertificateTimelineEntry[] = [];
  for (const t of scan.targets) {
    const tags = [...(opts.tags?.[t.target] ?? [])];
    const raw = unique([...t.findings, ...evaluatePolicy(t, policy, { tags, now })]);
    const outcome = applyPolicy(raw, policy, now);
    accepted.push(...outcome.accepted);
    const facts = deriveFacts(t);
    targets.push({
      target: t.target,
      name: opts.names?.[t.target] ?? null,
      ok: t.ok,
      error: t.error,
      tags,
      owner: opts.owners?.[t.target] ?? null,
      // Graded on every finding (a rule may key on a check id); counted and shown one finding per flaw.
      grades: gradeTarget({ facts, findings: outcome.findings, now }),
      findings: mergeSameFlaw(outcome.findings),
    });
    if (facts.leaf) {
      const v = validityDays(facts.leaf, now);
      certificates.push({ target: t.target, name: opts.names?.[t.target] ?? null, subject: facts.leaf.subject, issuer: facts.leaf.issuer, notBefore: facts.leaf.notBefore, notAfter: facts.leaf.notAfter, daysLeft: v.remaining });
    }
  }
  const findings = targets.flatMap((t) => t.findings);
  findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.id.localeCompare(b.id) || a.target.localeCompare(b.target));
  const bySeverity = zero(SEVERITIES);
  const byPillar = zero(PILLARS);
  const matrix = Object.fromEntries(PILLARS.map((p) => [p, zero(SEVERITIES)])) as ReportSection['summary']['matrix'];
  for (const f of findings) {
    bySeverity[f.severity]++;
    byPillar[f.pillar]++;
    matrix[f.pillar][f.severity]++;
  }
  const { report: _previous, ...scanOnly } = scan as ReportDocument;
  return {
    ...scanOnly,
    report: {
      generatedAt: now.toISOString(),
      policy: { name: policy.name, failOn: policy.failOn },
      grades: gradeInventory(targets.map((t) => t.grades)),
      targets,
      findings,
      accepted,
      summary: {
        targets: scan.targets.length,
        reachable: scan.targets.filter((t) => t.ok).length,
        unreachable: scan.targets.filter((t) => !t.ok).length,
        findings: findings.length,
        bySeverity,
        byPillar,
        matrix,
      },
      certificates: certificates.sort((a, b) => a.notAfter.localeCompare(b.notAfter)),
    },
  };
}

/** The display label of a target: its inventory name and address, or the address alone. */
export function targetLabel(report: ReportDocument, target: string | null): string {
  if (target === null) return '';
  const t = report.report.targets.find((x) => x.target === target);
  return t?.name ? `${t.name} (${target})` : target;
}

/** Read a scan or report document from JSON text; anything else is MG_ERR_MALFORMED. */
export function parseScanDocument(text: string, file = '<input>'): ScanDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MitmError('MG_ERR_MALFORMED', `${file}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const doc = value as Partial<ScanDocument> | null;
  if (!doc || typeof doc !== 'object' || doc.tool !== 'mitmguard' || !Array.isArray(doc.targets)) {
    throw new MitmError('MG_ERR_MALFORMED', `${file}: not a mitmguard scan document (expected tool "mitmguard" and a targets array)`);
  }
  for (const [i, t] of doc.targets.entries()) {
    if (!t || typeof t.target !== 'string' || !Array.isArray(t.findings)) {
      throw new MitmError('MG_ERR_MALFORMED', `${file}: targets[${i}] lacks a target name or a findings array`, { details: { file, field: `targets[${i}]` } });
    }
    t.findings.forEach((f, j) => checkFinding(f, `targets[${i}].findings[${j}]`, file));
  }
  // Every other field the policy, grading and renderers read (src/report/scan-schema.ts).
  const checked = scanDocumentSchema.safeParse(doc);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = fieldPath(issue.path);
    throw new MitmError('MG_ERR_MALFORMED', `${file}: ${field || '(document)'}: ${issue.message}`, { details: { file, field } });
  }
  return doc as ScanDocument;
}

/** The fields every finding carries (DESIGN.md "Finding") and what each must hold. */
const FINDING_FIELDS: ReadonlyArray<readonly [keyof Finding, string, (v: unknown) => boolean]> = [
  ['id', 'a check id', (v) => typeof v === 'string' && v.length > 0],
  ['pillar', `one of ${PILLARS.join(', ')}`, (v) => (PILLARS as readonly unknown[]).includes(v)],
  ['severity', `one of ${SEVERITIES.join(', ')}`, (v) => (SEVERITIES as readonly unknown[]).includes(v)],
  ['target', 'a string', (v) => typeof v === 'string'],
  ['title', 'a string', (v) => typeof v === 'string'],
  ['evidence', 'a string', (v) => typeof v === 'string'],
  ['remediation', 'a string', (v) => typeof v === 'string'],
  ['references', 'an array of strings', (v) => Array.isArray(v) && v.every((r) => typeof r === 'string')],
];

/** A finding read from a file: MG_ERR_MALFORMED naming the first field that is missing or wrong. */
function checkFinding(f: unknown, where: string, file: string): void {
  if (!f || typeof f !== 'object') throw new MitmError('MG_ERR_MALFORMED', `${file}: ${where} is not a finding object`, { details: { file, field: where } });
  for (const [key, want, ok] of FINDING_FIELDS) {
    const v = (f as Record<string, unknown>)[key];
    if (ok(v)) continue;
    const field = `${where}.${key}`;
    throw new MitmError('MG_ERR_MALFORMED', `${file}: ${field} is ${v === undefined ? 'missing' : `${JSON.stringify(v)?.slice(0, 40)}`}; it must be ${want}`, { details: { file, field } });
  }
}

/** Exit status by --fail-on: true when any finding that counts is at or above the threshold. */
export function failsAt(report: ReportDocument, threshold: Severity): boolean {
  const limit = SEVERITIES.indexOf(threshold);
  return report.report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit);
}

/** Error codes that mean the target was never reached: nothing about it is known, whatever else was found. */
export const NOT_REACHED_CODES: ReadonlySet<string> = new Set(['MG_ERR_CONNECT', 'MG_ERR_TIMEOUT', 'MG_ERR_DNS', 'MG_ERR_CONNECTION_RESET', 'MG_ERR_ABORTED', 'MG_ERR_INTERNAL']);

/**
 * The targets that could not be assessed, as `target (CODE: message)` lines for the exit-code contract (exit 2 unless
 * --allow-unreachable): never reached, or failed with nothing found. A failure that is itself the answer — an SMTP
 * server that does not offer STARTTLS, with its findings — was assessed.
 */
export function notAssessed(report: ReportDocument): string[] {
  return report.report.targets
    .filter((t) => !t.ok && (NOT_REACHED_CODES.has(t.error?.code ?? 'MG_ERR_INTERNAL') || t.findings.length === 0))
    .map((t) => `${t.target} (${t.error?.code ?? 'MG_ERR_INTERNAL'}: ${t.error?.message ?? 'not scanned'})`);
}

/**
 * The names, owners and tags a previous report already carries (`mitmguard report old-report.json` without
 * `--inventory`): re-grading keeps who owns what instead of printing "no owner" everywhere.
 */
export function labelsOfReport(doc: ScanDocument): Required<Pick<BuildReportOptions, 'tags' | 'owners' | 'names'>> {
  const targets = (doc as Partial<ReportDocument>).report?.targets;
  const out = { tags: {} as Record<string, string[]>, owners: {} as Record<string, string>, names: {} as Record<string, string> };
  if (!Array.isArray(targets)) return out;
  for (const t of targets) {
    if (!t || typeof t.target !== 'string') continue;
    if (Array.isArray(t.tags) && t.tags.every((x) => typeof x === 'string')) out.tags[t.target] = t.tags;
    if (typeof t.owner === 'string') out.owners[t.target] = t.owner;
    if (typeof t.name === 'string') out.names[t.target] = t.name;
  }
  return out;
}
