/**
 * The executive summary every format opens with: the grade per defence (and how it moved since the previous report,
 * when one is given), the counts, and the five worst risks with the team that owns each. Pure: a report document in,
 * plain data out; the renderers lay it out.
 */
import type { Finding, Pillar, Severity } from '../model/index.js';
import { PILLARS, SEVERITIES } from '../model/index.js';
import { GRADES, type Grade } from '../policy/grade-types.js';
import { MitmError } from '../errors.js';
import type { PreviousRun, ReportDocument } from './model.js';
export type { PreviousRun } from './model.js';

/** How many risks the summary names. */
export const TOP_RISKS = 5;

/** What the summary keeps of an earlier report (`--previous F`): enough for a trend, nothing else. */
export type Movement = 'better' | 'worse' | 'same' | 'new';

export interface GradeTrend {
  from: Grade | null;
  to: Grade | null;
  movement: Movement;
}

export interface ExecutiveSummary {
  overall: GradeTrend;
  pillars: Record<Pillar, GradeTrend & { worstTarget: string | null; findings: number }>;
  findings: { from: number | null; to: number };
  bySeverity: Record<Severity, { from: number | null; to: number }>;
  previousAt: string | null;
  topRisks: Array<{ finding: Finding; owner: string | null; name: string | null }>;
}

const rank = (g: Grade | null) => (g === null ? -1 : GRADES.indexOf(g));

function movement(from: Grade | null | undefined, to: Grade | null): Movement {
  if (from === undefined) return 'new';
  if (from === to) return 'same';
  if (from === null || to === null) return 'new';
  return rank(to) < rank(from) ? 'better' : 'worse';
}

/**
 * The trend-relevant part of an earlier report document; MG_ERR_MALFORMED when it is a scan without a report section.
 *
 * @example previousRun(JSON.parse(readFileSync('last-week.json', 'utf8')))
 */
export function previousRun(doc: unknown, file = '<previous>'): PreviousRun {
  const r = (doc as Partial<ReportDocument> | null)?.report;
  if (!r || typeof r !== 'object' || !r.grades || !r.summary) {
    throw new MitmError('MG_ERR_MALFORMED', `${file}: not a mitmguard report (no report section; write one with \`--format json\` under a policy, or \`mitmguard report scan.json --format json\`)`, { details: { file, field: 'report' } });
  }
  return {
    generatedAt: String(r.generatedAt ?? ''),
    policy: String(r.policy?.name ?? ''),
    overall: r.grades.overall ?? null,
    pillars: Object.fromEntries(PILLARS.map((p) => [p, r.grades.pillars?.[p]?.grade ?? null])) as Record<Pillar, Grade | null>,
    findings: Number(r.summary.findings ?? 0),
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, Number(r.summary.bySeverity?.[s] ?? 0)])) as Record<Severity, number>,
  };
}

/**
 * The TOP_RISKS worst findings, spread over targets: the worst finding of each target first (most severe first, as
 * report.findings is sorted), then the next ones, so one badly broken client does not fill the whole list.
 */
export function topRisks(findings: readonly Finding[]): Finding[] {
  const picked: Finding[] = [];
  const seen = new Set<string>();
  for (const f of findings) if (picked.length < TOP_RISKS && !seen.has(f.target)) (picked.push(f), seen.add(f.target));
  for (const f of findings) if (picked.length < TOP_RISKS && !picked.includes(f)) picked.push(f);
  const order = new Map(findings.map((f, i) => [f, i]));
  return picked.sort((a, b) => order.get(a)! - order.get(b)!);
}

/**
 * Build the executive summary of a report, with the trend against `doc.report.previous` when it is set.
 *
 * @example const s = executiveSummary(report); s.topRisks[0]?.owner
 */
export function executiveSummary(doc: ReportDocument): ExecutiveSummary {
  const r = doc.report;
  const prev = r.previous;
  const byTarget = new Map(r.targets.map((t) => [t.target, t]));
  return {
    overall: { from: prev?.overall ?? null, to: r.grades.overall, movement: movement(prev ? prev.overall : undefined, r.grades.overall) },
    pillars: Object.fromEntries(
      PILLARS.map((p) => {
        const g = r.grades.pillars[p];
        return [p, { from: prev?.pillars[p] ?? null, to: g.grade, movement: movement(prev ? prev.pillars[p] : undefined, g.grade), worstTarget: g.worstTarget, findings: r.summary.byPillar[p] }];
      }),
    ) as ExecutiveSummary['pillars'],
    findings: { from: prev?.findings ?? null, to: r.summary.findings },
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, { from: prev?.bySeverity[s] ?? null, to: r.summary.bySeverity[s] }])) as ExecutiveSummary['bySeverity'],
    previousAt: prev?.generatedAt ?? null,
    topRisks: topRisks(r.findings).map((finding) => ({ finding, owner: byTarget.get(finding.target)?.owner ?? null, name: byTarget.get(finding.target)?.name ?? null })),
  };
}

/** "▲ from C", "▼ from A", "= since …" — the words and arrow for a trend, or '' without a previous report. */
export function trendText(t: { from: Grade | null; movement: Movement }): string {
  const words: Record<Movement, string> = { better: `▲ up from ${t.from ?? 'n/a'}`, worse: `▼ down from ${t.from ?? 'n/a'}`, same: '= unchanged', new: '' };
  return words[t.movement];
}

/** The owner shown beside a target or finding: the inventory's `owner`, or a plain "no owner" so a gap is visible. */
export const ownerText = (owner: string | null): string => owner ?? 'no owner';
