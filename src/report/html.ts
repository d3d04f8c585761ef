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

/** No fetch, font, image or frame may leave the file: the report is safe to open anywhere and works offline. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const gradeClass = (g: Grade | null) => (g === null ? 'g-na' : `g-${g.replace('+', 'p').replace('-', 'm')}`);
const gradeBadge = (g: Grade | null, small = false) => `<span class="grade ${small ? 'sm ' : ''}${gradeClass(g)}">${esc(g ?? 'n/a')}</span>`;
const sevBadge = (s: string) => `<span class="sev sev-${s}">${esc(s)}</span>`;

const link = (r: string) => (/^https?:\/\//.test(r) ? `<a href="${esc(r)}" rel="noreferrer noopener">${esc(r)}</a>` : esc(r));

function findingCard(f: Finding): string {
  return `<details class="finding ${f.severity}" data-id="${esc(f.id)}"><summary>${sevBadge(f.severity)}<span class="fid">${esc(f.id)}</span><span>${esc(f.title)}</span><span class="ftarget">${esc(f.target)}</span></summary><dl class="body"><dt>Evidence</dt><dd>${esc(f.evidence)}</dd><dt>Remediation</dt><dd>${esc(f.remediation)}</dd>${f.references.length ? `<dt>References</dt><dd>${f.references.map(link).join(' · ')}</dd>` : ''}</dl></details>`;
}

/**
 * Render a report as one self-contained HTML page.
 *
 * @example writeFileSync('mitmguard-report.html', renderHtml(report))
 */
export function renderHtml(doc: ReportDocument): string {
  const r = doc.report;
  const now = new Date(r.generatedAt);
  const cards = PILLARS.map((p) => {
    const g = r.grades.pillars[p];
    const detail = g.grade === null ? 'not assessed' : `${r.summary.byPillar[p]} finding(s)${g.worstTarget && !g.grade.startsWith('A') ? ` · worst: <span title="${esc(g.worstTarget)}">${esc(r.targets.find((t) => t.target === g.worstTarget)?.name ?? g.worstTarget)}</span>` : ''}`;
    return `<div class="card pillar" data-pillar="${p}">${gradeBadge(g.grade)}<div><h3>${esc(PILLAR_TITLES[p])}</h3><p>${detail}</p></div></div>`;
  }).join('');
  const targetRows = r.targets
    .map((t) => {
      const by = SEVERITIES.map((s) => [s, t.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
      const status = t.ok ? by.map(([s, n]) => `${sevBadge(s)}×${n}`).join(' ') || '<span class="muted">none</span>' : `<span class="sev sev-critical">not scanned</span> <span class="muted">${esc(t.error?.code ?? '')}</span>`;
      return `<tr><td class="t">${t.name ? `<b>${esc(t.name)}</b><br>` : ''}${esc(t.target)}</td><td>${gradeBadge(t.grades.overall, true)}</td>${PILLARS.map((p) => `<td>${gradeBadge(t.grades.pillars[p].grade, true)}</td>`).join('')}<td class="counts">${status}</td><td class="muted">${esc(t.tags.join(', '))}</td></tr>`;
    })
    .join('');
  const findingSections = PILLARS.map((p) => {
    const own = r.findings.filter((f) => f.pillar === p);
    if (own.length === 0) return '';
    return `<section class="pillar-findings" data-pillar="${p}"><div class="pillar-head">${gradeBadge(r.grades.pillars[p].grade, true)}<h3>${esc(PILLAR_TITLES[p])}</h3><span class="muted">${own.length} finding(s)</span></div>${own.map(findingCard).join('')}</section>`;
  }).join('');
  const accepted = r.accepted.length
    ? `<h2>Accepted risks</h2><table><tr><th>Check</th><th>Target</th><th>Severity</th><th>Until</th><th>Reason</th></tr>${r.accepted.map((a) => `<tr><td class="t">${esc(a.finding.id)}</td><td class="t">${esc(a.finding.target)}</td><td>${sevBadge(a.finding.severity)}</td><td>${esc(a.risk.expires)}</td><td>${esc(a.risk.reason)}</td></tr>`).join('')}</table>`
    : '';
  const caps = r.targets
    .flatMap((t) => PILLARS.flatMap((p) => t.grades.pillars[p].caps.map((c) => ({ target: t.target, pillar: p, ...c }))))
    .filter((c) => !c.cap.startsWith('A'));
  const capTable = caps.length
    ? `<h2>Why these grades</h2><table><tr><th>Target</th><th>Pillar</th><th>Cap</th><th>Rule</th><th>Reason</th></tr>${caps.map((c) => `<tr><td class="t">${esc(targetLabel(doc, c.target))}</td><td>${esc(PILLAR_TITLES[c.pillar])}</td><td>${gradeBadge(c.cap, true)}</td><td class="t">${esc(c.rule)}</td><td>${esc(c.reason)}</td></tr>`).join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>mitmguard report — ${esc(r.policy.name)} — ${esc(r.generatedAt.slice(0, 10))}</title>
<style>${REPORT_CSS}</style></head>
<body>
<header><div class="head"><div><h1>mitmguard — could a man in the middle read or alter this traffic?</h1>
<div class="meta">Policy <b>${esc(r.policy.name)}</b> · ${r.summary.targets} target(s), ${r.summary.reachable} reachable · scanned ${esc(doc.startedAt)} · mitmguard ${esc(doc.version)}</div></div>
<div class="overall" id="overall-grade">${gradeBadge(r.grades.overall)}<small>overall grade</small></div></div></header>
<main>
<section id="summary"><h2>Grade per defence</h2><div class="cards">${cards}</div></section>
<section id="charts"><h2>Findings</h2><div class="charts"><div class="card">${severityDonut(r.summary.bySeverity)}</div><div class="card">${pillarBars(r.summary.matrix)}</div></div></section>
<section id="certificates"><h2>Certificate expiry timeline</h2><div class="card">${certificateTimeline(r.certificates, now)}</div></section>
<section id="targets"><h2>Targets</h2><table><tr><th>Target</th><th>Overall</th>${PILLARS.map((p) => `<th>${esc(PILLAR_TITLES[p])}</th>`).join('')}<th>Findings</th><th>Tags</th></tr>${targetRows}</table></section>
${capTable}
<section id="findings"><h2>Every finding, with its fix (${r.findings.length})</h2>
<div class="toolbar"><input id="filter" type="search" placeholder="Filter by id, target or text…"><label>Severity <select id="sev"><option value="">all</option>${SEVERITIES.map((s) => `<option>${s}</option>`).join('')}</select></label></div>
${findingSections || '<p class="muted">No findings: nothing a man in the middle could use was found.</p>'}</section>
${accepted}
</main>
<footer>Generated by mitmguard ${esc(doc.version)} at ${esc(r.generatedAt)}. Grades follow docs/grading.md; check ids are listed in docs/checks.md.</footer>
<script>${REPORT_JS}</script>
</body></html>
`;
}
