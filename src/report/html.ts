/**
 * The HTML report: one self-contained file (inline CSS, inline SVG charts, a few lines of inline script, a CSP that
 * forbids every external load) with the grade per pillar, charts, the certificate expiry timeline, a target table and
 * every finding with its evidence and remediation.
 */
import type { Finding } from '../model/index.js';
import { PILLARS, PILLAR_TITLES, SEVERITIES } from '../model/index.js';
import type { Grade } from '../policy/grade.js';
import { certificateTimeline, pillarBars, severityDonut } from './charts.js';
import { htmlEscape as esc } from './html-escape.js';
import { REPORT_CSS, REPORT_JS } from './html-style.js';
import { targetLabel, type ReportDocument } from './model.js';
import { executiveSummary, ownerText, trendText, type Movement } from './summary.js';

/** What each grade means, on the page itself (the legend): a reader of a mailed report has no docs folder. */
export const GRADE_LEGEND: ReadonlyArray<readonly [Grade | null, string]> = [
  ['A+', 'exemplary: nothing capped the grade and the extra defence (HSTS, a required client certificate, DNSSEC…) is present'],
  ['A', 'good (A- : good, with a warning)'],
  ['B', 'a weakness a man in the middle may exploit (C, D, E: worse with each letter)'],
  ['F', 'broken: a man in the middle reads or alters the traffic without special effort'],
  ['T', 'trust failure: the certificate is not trusted, so a client that checks refuses it and one that does not accepts any certificate, an attacker\'s too; ranks below F'],
  [null, 'n/a: nothing of this defence was observed for the target (for example no DNS check ran)'],
];

const MOVEMENT_CLASS: Record<Movement, string> = { better: 'up', worse: 'down', same: 'same', new: '' };

/** No fetch, font, image or frame may leave the file: the report is safe to open anywhere and works offline. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const gradeClass = (g: Grade | null) => (g === null ? 'g-na' : `g-${g.replace('+', 'p').replace('-', 'm')}`);
const gradeBadge = (g: Grade | null, small = false) => `<span class="grade ${small ? 'sm ' : ''}${gradeClass(g)}">${esc(g ?? 'n/a')}</span>`;
const GRADE_ORDER: readonly string[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F', 'T'];
const sevBadge = (s: string) => `<span class="sev sev-${s}">${esc(s)}</span>`;

const link = (r: string) => (/^https?:\/\//.test(r) ? `<a href="${esc(r)}" rel="noreferrer noopener">${esc(r)}</a>` : esc(r));

function findingCard(f: Finding, owner: string | null): string {
  return `<details class="finding ${f.severity}" data-id="${esc(f.id)}"><summary>${sevBadge(f.severity)}<span class="fid">${esc(f.id)}</span><span>${esc(f.title)}</span><span class="ftarget">${esc(f.target)}</span><span class="owner" data-owner="${esc(owner ?? '')}">${esc(ownerText(owner))}</span></summary><dl class="body"><dt>Owner</dt><dd>${esc(ownerText(owner))}</dd><dt>Evidence</dt><dd>${esc(f.evidence)}</dd><dt>Remediation</dt><dd>${esc(f.remediation)}</dd>${f.relatedTo?.length ? `<dt>Also reported as</dt><dd class="t">${f.relatedTo.map(esc).join(', ')}</dd>` : ''}${f.references.length ? `<dt>References</dt><dd>${f.references.map(link).join(' · ')}</dd>` : ''}</dl></details>`;
}

const trendBadge = (t: { from: Grade | null; movement: Movement }) => (t.movement === 'new' ? '' : `<span class="trend ${MOVEMENT_CLASS[t.movement]}">${esc(trendText(t))}</span>`);

/** The one-page summary for leadership: grade per defence with its trend, the counts, the five worst risks and who owns them. */
function executiveSection(doc: ReportDocument): string {
  const s = executiveSummary(doc);
  const r = doc.report;
  const ownerOf = (target: string | null) => (target ? (r.targets.find((t) => t.target === target)?.owner ?? null) : null);
  const pillarCards = PILLARS.map((p) => {
    const g = s.pillars[p];
    const worst = g.worstTarget && g.to && !g.to.startsWith('A') ? `<p>worst: ${esc(targetLabel(doc, g.worstTarget))} · owner ${esc(ownerText(ownerOf(g.worstTarget)))}</p>` : '';
    return `<div class="card pillar" data-pillar="${p}">${gradeBadge(g.to)}<div><h3>${esc(PILLAR_TITLES[p])}</h3><p>${g.to === null ? 'not assessed' : `${g.findings} finding(s)`} ${trendBadge(g)}</p>${worst}</div></div>`;
  }).join('');
  const counts = SEVERITIES.map((sev) => {
    const c = s.bySeverity[sev];
    const delta = c.from === null ? '' : c.to === c.from ? '' : ` <span class="muted">(${c.to > c.from ? '+' : ''}${c.to - c.from})</span>`;
    return `<span class="count">${sevBadge(sev)} ${c.to}${delta}</span>`;
  }).join(' ');
  const risks = s.topRisks.length
    ? `<ol class="risks">${s.topRisks.map((x) => `<li data-id="${esc(x.finding.id)}">${sevBadge(x.finding.severity)} <b>${esc(x.finding.title)}</b> — ${esc(x.name ? `${x.name} (${x.finding.target})` : x.finding.target)} · <span class="owner">owner ${esc(ownerText(x.owner))}</span><br><span class="muted">${esc(x.finding.remediation)}</span></li>`).join('')}</ol>`
    : '<p class="muted">No findings: nothing a man in the middle could use was found.</p>';
  const since = s.previousAt ? `<p class="muted" id="trend-note">Compared with the report of ${esc(s.previousAt.slice(0, 10))}: overall ${esc(s.overall.from ?? 'n/a')} → ${esc(s.overall.to ?? 'n/a')} ${trendBadge(s.overall)}; findings ${s.findings.from} → ${s.findings.to}.</p>` : '';
  return `<section id="executive"><h2>Executive summary</h2>
<p class="lead">Overall ${gradeBadge(r.grades.overall, true)} under policy <b>${esc(r.policy.name)}</b>: ${r.summary.targets} target(s), ${r.summary.reachable} reachable, ${r.summary.findings} finding(s). ${counts}</p>${since}
<div class="cards" id="summary">${pillarCards}</div>
<h3>Top ${s.topRisks.length || ''} risks</h3>${risks}
${legendTable()}</section>`;
}

function legendTable(): string {
  return `<div id="legend" class="legend"><h3>What the grades mean</h3><table>${GRADE_LEGEND.map(([g, text]) => `<tr data-grade="${esc(g ?? 'n/a')}"><td>${gradeBadge(g, true)}</td><td>${esc(text)}</td></tr>`).join('')}</table></div>`;
}

/** "Why these grades": per defence, which rules capped how many targets (one line each); every cap one click away. */
function capsSection(doc: ReportDocument): string {
  const r = doc.report;
  const caps = r.targets
    .flatMap((t) => PILLARS.flatMap((p) => t.grades.pillars[p].caps.map((c) => ({ target: t.target, pillar: p, ...c }))))
    .filter((c) => !c.cap.startsWith('A'));
  if (caps.length === 0) return '';
  const perPillar = PILLARS.map((p) => {
    const own = caps.filter((c) => c.pillar === p);
    if (own.length === 0) return '';
    const rules = [...new Set(own.map((c) => c.rule))].map((rule) => {
      const hits = own.filter((c) => c.rule === rule);
      const worst = hits.reduce((a, b) => (GRADE_ORDER.indexOf(b.cap) > GRADE_ORDER.indexOf(a.cap) ? b : a));
      return { rule, worst: worst.cap, targets: new Set(hits.map((h) => h.target)).size };
    }).sort((a, b) => GRADE_ORDER.indexOf(b.worst) - GRADE_ORDER.indexOf(a.worst) || b.targets - a.targets);
    const summary = rules.map((x) => `<li>${gradeBadge(x.worst, true)} <span class="t">${esc(x.rule)}</span> — ${x.targets} target(s)</li>`).join('');
    const detail = `<details class="caps" data-pillar="${p}"><summary>Every cap under ${esc(PILLAR_TITLES[p])} (${own.length})</summary><table><tr><th>Target</th><th>Cap</th><th>Rule</th><th>Reason</th></tr>${own.map((c) => `<tr><td class="t">${esc(targetLabel(doc, c.target))}</td><td>${gradeBadge(c.cap, true)}</td><td class="t">${esc(c.rule)}</td><td>${esc(c.reason)}</td></tr>`).join('')}</table></details>`;
    return `<div class="card why" data-pillar="${p}"><h3>${gradeBadge(r.grades.pillars[p].grade, true)} ${esc(PILLAR_TITLES[p])}</h3><ul>${summary}</ul>${detail}</div>`;
  }).join('');
  return `<section id="why"><h2>Why these grades</h2><div class="why-grid">${perPillar}</div></section>`;
}

/**
 * Render a report as one self-contained HTML page.
 *
 * @example writeFileSync('mitmguard-report.html', renderHtml(report))
 */
export function renderHtml(doc: ReportDocument): string {
  const r = doc.report;
  const now = new Date(r.generatedAt);
  const owners = new Map(r.targets.map((t) => [t.target, t.owner]));
  const targetRows = r.targets
    .map((t) => {
      const by = SEVERITIES.map((s) => [s, t.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
      const counted = by.map(([s, n]) => `${sevBadge(s)}×${n}`).join(' ');
      const status = t.ok ? counted || '<span class="muted">none</span>' : t.findings.length ? `${counted} <span class="muted">(scan ended: ${esc(t.error?.code ?? '')})</span>` : `<span class="sev sev-critical">not scanned</span> <span class="muted">${esc(t.error?.code ?? '')}</span>`;
      return `<tr><td class="t">${t.name ? `<b>${esc(t.name)}</b><br>` : ''}${esc(t.target)}</td><td>${gradeBadge(t.grades.overall, true)}</td>${PILLARS.map((p) => `<td>${gradeBadge(t.grades.pillars[p].grade, true)}</td>`).join('')}<td class="counts">${status}</td><td class="owner">${esc(ownerText(t.owner))}</td><td class="muted">${esc(t.tags.join(', '))}</td></tr>`;
    })
    .join('');
  const findingSections = PILLARS.map((p) => {
    const own = r.findings.filter((f) => f.pillar === p);
    if (own.length === 0) return '';
    return `<section class="pillar-findings" data-pillar="${p}"><div class="pillar-head">${gradeBadge(r.grades.pillars[p].grade, true)}<h3>${esc(PILLAR_TITLES[p])}</h3><span class="muted">${own.length} finding(s)</span></div>${own.map((f) => findingCard(f, owners.get(f.target) ?? null)).join('')}</section>`;
  }).join('');
  const accepted = r.accepted.length
    ? `<h2>Accepted risks</h2><table><tr><th>Check</th><th>Target</th><th>Severity</th><th>Until</th><th>Reason</th></tr>${r.accepted.map((a) => `<tr><td class="t">${esc(a.finding.id)}</td><td class="t">${esc(a.finding.target)}</td><td>${sevBadge(a.finding.severity)}</td><td>${esc(a.risk.expires)}</td><td>${esc(a.risk.reason)}</td></tr>`).join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>mitmguard report — ${esc(r.policy.name)} — ${esc(r.generatedAt.slice(0, 10))}</title>
<style>${REPORT_CSS}</style></head>
<body>
<header><div class="head"><div><h1>mitmguard — could a man in the middle read or alter this traffic?</h1>
<div class="meta">Policy <b>${esc(r.policy.name)}</b> · ${r.summary.targets} target(s), ${r.summary.reachable} reachable · scanned ${esc(doc.startedAt)} · mitmguard ${esc(doc.version ?? '(version not recorded)')}</div></div>
<div class="overall" id="overall-grade">${gradeBadge(r.grades.overall)}<small>overall grade</small></div></div></header>
<main>
${executiveSection(doc)}
<section id="charts"><h2>Findings</h2><div class="charts"><div class="card">${severityDonut(r.summary.bySeverity)}</div><div class="card">${pillarBars(r.summary.matrix)}</div></div></section>
<section id="certificates"><h2>Certificate expiry timeline</h2><div class="card">${certificateTimeline(r.certificates, now)}</div></section>
<section id="targets"><h2>Targets</h2><table><tr><th>Target</th><th>Overall</th>${PILLARS.map((p) => `<th>${esc(PILLAR_TITLES[p])}</th>`).join('')}<th>Findings</th><th>Owner</th><th>Tags</th></tr>${targetRows}</table></section>
${capsSection(doc)}
<section id="findings"><h2>Every finding, with its fix (${r.findings.length})</h2>
<div class="toolbar"><input id="filter" type="search" placeholder="Filter by id, target or text…"><label>Severity <select id="sev"><option value="">all</option>${SEVERITIES.map((s) => `<option>${s}</option>`).join('')}</select></label></div>
${findingSections || '<p class="muted">No findings: nothing a man in the middle could use was found.</p>'}</section>
${accepted}
</main>
<footer>Generated by mitmguard ${esc(doc.version ?? '(version not recorded)')} at ${esc(r.generatedAt)}. The grades are explained in the <a href="#legend">legend</a> above; every finding id is a stable mitmguard check id.</footer>
<script>${REPORT_JS}</script>
</body></html>
`;
}
