/**
 * The terminal report: one screen of summary (grades per pillar, counts, one line per target), then every finding
 * with its evidence and remediation. Colour only when asked (the CLI decides from the TTY and NO_COLOR).
 */
import { textStyle, type TextStyle } from './style.js';
import { printable } from '../bytes.js';
import type { Finding, Severity } from '../model/index.js';
import { PILLARS, PILLAR_TITLES, SEVERITIES } from '../model/index.js';
import type { Grade } from '../policy/grade.js';
import { targetLabel, type ReportDocument } from './model.js';
import { executiveSummary, ownerText, trendText } from './summary.js';

export interface TextOptions {
  color?: boolean;
  /** Omit the per-finding details (summary only). */
  summaryOnly?: boolean;
}

type Paint = TextStyle;

const gradePaint = (c: Paint, g: Grade | null): string => {
  const s = (g ?? 'n/a').padEnd(3);
  if (g === null) return c.dim(s);
  if (g.startsWith('A')) return c.bold(c.green(s));
  if (g === 'B') return c.yellow(s);
  if (g === 'C' || g === 'D' || g === 'E') return c.bold(c.yellow(s));
  return c.bold(c.red(s));
};

const SHORT: Record<(typeof PILLARS)[number], string> = { encryption: 'ENC', certificates: 'CERT', network: 'NET', 'mutual-auth': 'MTLS' };

function counts(c: Paint, by: Record<Severity, number>): string {
  return SEVERITIES.filter((s) => by[s] > 0)
    .map((s) => c.severity[s](`${by[s]} ${s}`))
    .join(', ') || c.green('none');
}

function findingBlock(c: Paint, f: Finding, owner: string | null): string[] {
  // Evidence and targets carry peer-supplied text (a request line, a certificate name): controls are made visible.
  return [
    `${c.severity[f.severity](`[${f.severity.toUpperCase()}]`)} ${c.bold(printable(f.id))}  ${printable(f.target)}  ${c.dim(`(${f.pillar})`)}`,
    `    ${printable(f.title)}`,
    `    ${c.dim('owner:')}    ${ownerText(owner)}`,
    `    ${c.dim('evidence:')} ${printable(f.evidence)}`,
    `    ${c.dim('fix:')}      ${printable(f.remediation)}`,
    ...(f.relatedTo?.length ? [`    ${c.dim('also:')}     ${f.relatedTo.join(', ')} (the same flaw, counted once)`] : []),
    ...(f.references.length ? [`    ${c.dim('refs:')}     ${f.references.join(', ')}`] : []),
  ];
}

/**
 * Render a report for a terminal.
 *
 * @example process.stdout.write(renderText(report, { color: process.stdout.isTTY }))
 */
export function renderText(doc: ReportDocument, opts: TextOptions = {}): string {
  const c = textStyle(opts.color ?? false);
  const r = doc.report;
  const out: string[] = [];
  out.push(
    `${c.bold('mitmguard')} ${doc.version ?? '(version not recorded)'} — policy ${c.bold(r.policy.name)} — ${r.summary.targets} target(s), ${r.summary.reachable} reachable — ${r.generatedAt}`,
    '',
    `${c.bold('Overall grade')}  ${gradePaint(c, r.grades.overall)}`,
    '',
  );
  const summary = executiveSummary(doc);
  const owners = new Map(r.targets.map((t) => [t.target, t.owner]));
  const withTrend = (t: Parameters<typeof trendText>[0]) => (trendText(t) ? c.dim(`  ${trendText(t)}`) : '');
  if (summary.previousAt) out.splice(out.length - 1, 0, c.dim(`  compared with the report of ${summary.previousAt.slice(0, 10)}:${withTrend(summary.overall) || ' no change'}`));
  for (const p of PILLARS) {
    const g = r.grades.pillars[p];
    const worst = g.worstTarget && g.grade && !g.grade.startsWith('A') ? c.dim(`  worst: ${printable(targetLabel(doc, g.worstTarget))} (owner ${ownerText(owners.get(g.worstTarget) ?? null)})`) : '';
    out.push(`  ${PILLAR_TITLES[p].padEnd(24)} ${gradePaint(c, g.grade)} ${String(r.summary.byPillar[p]).padStart(4)} finding(s)${withTrend(summary.pillars[p])}${worst}`);
  }
  out.push('', `${c.bold('Findings')}  ${counts(c, r.summary.bySeverity)}${summary.findings.from !== null ? c.dim(`  (${summary.findings.from} in the previous report)`) : ''}${r.accepted.length ? c.dim(`  (${r.accepted.length} accepted risk(s) not counted)`) : ''}`, '');
  if (summary.topRisks.length) {
    out.push(c.bold(`Top ${summary.topRisks.length} risks`));
    summary.topRisks.forEach((x, i) => out.push(`  ${i + 1}. ${c.severity[x.finding.severity](x.finding.severity.padEnd(8))} ${printable(x.finding.title)} — ${printable(x.name ? `${x.name} ${x.finding.target}` : x.finding.target)} ${c.dim(`(owner ${ownerText(x.owner)})`)}`));
    out.push('');
  }
  const label = (t: (typeof r.targets)[number]) => printable(t.name ? `${t.name} ${t.target}` : t.target);
  const width = Math.min(56, Math.max(6, ...r.targets.map((t) => label(t).length)));
  const anyOwner = r.targets.some((t) => t.owner);
  const ownerWidth = Math.min(24, Math.max(5, ...r.targets.map((t) => ownerText(t.owner).length)));
  out.push(c.dim(`  ${'TARGET'.padEnd(width)}  ALL  ${PILLARS.map((p) => SHORT[p].padEnd(4)).join(' ')}  ${anyOwner ? `${'OWNER'.padEnd(ownerWidth)}  ` : ''}FINDINGS`));
  for (const t of r.targets) {
    const full = label(t);
    const name = full.length > width ? `${full.slice(0, width - 1)}…` : full.padEnd(width);
    const by = Object.fromEntries(SEVERITIES.map((s) => [s, t.findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
    // A failed target may still have findings (SMTP without STARTTLS): show them beside the error, not instead.
    const status = t.ok ? counts(c, by) : t.findings.length ? `${counts(c, by)} ${c.dim(`(scan ended: ${t.error?.code ?? 'error'})`)}` : c.red(`not scanned: ${t.error?.code ?? 'error'}`);
    const owner = anyOwner ? `${ownerText(t.owner).slice(0, ownerWidth).padEnd(ownerWidth)}  ` : '';
    out.push(`  ${name}  ${gradePaint(c, t.grades.overall)}  ${PILLARS.map((p) => gradePaint(c, t.grades.pillars[p].grade).padEnd(4)).join(' ')}  ${owner}${status}`);
  }
  if (opts.summaryOnly) return out.join('\n') + '\n';
  out.push('', c.bold(`Details (${r.findings.length})`), '');
  for (const p of PILLARS) {
    const own = r.findings.filter((f) => f.pillar === p);
    if (own.length === 0) continue;
    out.push(c.bold(c.underline(PILLAR_TITLES[p])), '');
    for (const f of own) out.push(...findingBlock(c, f, owners.get(f.target) ?? null), '');
  }
  if (r.accepted.length) {
    out.push(c.bold('Accepted risks'), '');
    for (const a of r.accepted) out.push(printable(`  ${a.finding.id}  ${a.finding.target}  until ${a.risk.expires}: ${a.risk.reason}`));
    out.push('');
  }
  return out.join('\n');
}
