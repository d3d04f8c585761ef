/**
 * Inline SVG charts for the HTML report: drawn here as strings so the page needs no script and makes no request.
 * Each chart carries a <title> and text labels so it reads without colour.
 */
import type { Pillar, Severity } from '../model/index.js';
import { PILLARS, PILLAR_TITLES, SEVERITIES } from '../model/index.js';
import { htmlEscape as esc } from './html-escape.js';
import type { CertificateTimelineEntry } from './model.js';

export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#9b1c31',
  high: '#d9480f',
  medium: '#e8a100',
  low: '#1c7ed6',
  info: '#868e96',
};

/** Donut of findings by severity (one arc per non-zero severity), total in the middle. */
export function severityDonut(by: Record<Severity, number>): string {
  const total = SEVERITIES.reduce((n, s) => n + by[s], 0);
  const r = 60;
  const C = 2 * Math.PI * r;
  let offset = 0;
  const arcs = SEVERITIES.filter((s) => by[s] > 0).map((s) => {
    const len = (by[s] / total) * C;
    const arc = `<circle r="${r}" cx="90" cy="90" fill="none" stroke="${SEVERITY_COLOURS[s]}" stroke-width="26" stroke-dasharray="${len.toFixed(2)} ${(C - len).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" transform="rotate(-90 90 90)"><title>${by[s]} ${s}</title></circle>`;
    offset += len;
    return arc;
  });
  const legend = SEVERITIES.map(
    (s, i) =>
      `<g transform="translate(200 ${28 + i * 26})"><rect width="14" height="14" rx="3" fill="${SEVERITY_COLOURS[s]}"/><text x="22" y="12" class="lbl">${s}</text><text x="120" y="12" class="num" text-anchor="end">${by[s]}</text></g>`,
  ).join('');
  const ring = total === 0 ? `<circle r="${r}" cx="90" cy="90" fill="none" stroke="#2f9e44" stroke-width="26"><title>no findings</title></circle>` : arcs.join('');
  return `<svg id="chart-severity" class="chart" viewBox="0 0 340 180" role="img" aria-labelledby="chart-severity-title"><title id="chart-severity-title">Findings by severity: ${SEVERITIES.map((s) => `${by[s]} ${s}`).join(', ')}</title>${ring}<text x="90" y="88" text-anchor="middle" class="big">${total}</text><text x="90" y="108" text-anchor="middle" class="lbl">findings</text>${legend}</svg>`;
}

/** Horizontal stacked bars: findings per pillar, split by severity. */
export function pillarBars(matrix: Record<Pillar, Record<Severity, number>>): string {
  const max = Math.max(1, ...PILLARS.map((p) => SEVERITIES.reduce((n, s) => n + matrix[p][s], 0)));
  const width = 300;
  const rows = PILLARS.map((p, i) => {
    let x = 0;
    const y = 14 + i * 40;
    const segs = SEVERITIES.filter((s) => matrix[p][s] > 0).map((s) => {
      const w = (matrix[p][s] / max) * width;
      const seg = `<rect x="${(170 + x).toFixed(1)}" y="${y}" width="${Math.max(w, 2).toFixed(1)}" height="22" rx="3" fill="${SEVERITY_COLOURS[s]}"><title>${esc(PILLAR_TITLES[p])}: ${matrix[p][s]} ${s}</title></rect>`;
      x += w;
      return seg;
    });
    const total = SEVERITIES.reduce((n, s) => n + matrix[p][s], 0);
    return `<text x="0" y="${y + 16}" class="lbl">${esc(PILLAR_TITLES[p])}</text>${segs.join('')}<text x="${(176 + x).toFixed(1)}" y="${y + 16}" class="num">${total}</text>`;
  }).join('');
  return `<svg id="chart-pillars" class="chart" viewBox="0 0 510 170" role="img" aria-labelledby="chart-pillars-title"><title id="chart-pillars-title">Findings per pillar</title><line x1="170" y1="6" x2="170" y2="166" stroke="#ced4da"/>${rows}</svg>`;
}

const DAY = 86_400_000;

/**
 * Certificate expiry timeline: one bar per target from notBefore to notAfter on a shared time axis, a line at "now",
 * and the bar coloured by how much validity is left (expired, under 30 days, fine).
 */
export function certificateTimeline(entries: readonly CertificateTimelineEntry[], now: Date): string {
  if (entries.length === 0) return `<p id="cert-timeline" class="muted">No certificates were collected.</p>`;
  const times = entries.flatMap((e) => [Date.parse(e.notBefore), Date.parse(e.notAfter)]).concat(now.getTime());
  // Clamp the axis to a readable window: a 10-year root should not flatten everyone else to a dot.
  const lo = Math.max(Math.min(...times), now.getTime() - 400 * DAY);
  const hi = Math.min(Math.max(...times), now.getTime() + 800 * DAY);
  const span = Math.max(hi - lo, DAY);
  const left = 190;
  const width = 560;
  const xOf = (t: number) => left + ((Math.min(Math.max(t, lo), hi) - lo) / span) * width;
  const rowH = 26;
  const short = (s: string) => (s.length > 26 ? `${s.slice(0, 25)}…` : s);
  const colour = (d: number) => (d < 0 ? '#c92a2a' : d < 30 ? '#e8a100' : '#2f9e44');
  const rows = entries
    .map((e, i) => {
      const y = 30 + i * rowH;
      const x1 = xOf(Date.parse(e.notBefore));
      const x2 = xOf(Date.parse(e.notAfter));
      const label = e.daysLeft < 0 ? `expired ${-e.daysLeft} d ago` : `${e.daysLeft} d left`;
      return (
        `<text x="0" y="${y + 13}" class="lbl">${esc(short(e.name ?? e.target))}</text>` +
        `<rect class="cert-bar" x="${x1.toFixed(1)}" y="${y}" width="${Math.max(x2 - x1, 3).toFixed(1)}" height="16" rx="4" fill="${colour(e.daysLeft)}"><title>${esc(e.subject)} — ${esc(e.notBefore.slice(0, 10))} → ${esc(e.notAfter.slice(0, 10))} (${label})</title></rect>` +
        `<text x="${left + width + 14}" y="${y + 13}" class="num small" style="fill:${colour(e.daysLeft)}">${label}</text>`
      );
    })
    .join('');
  const h = 40 + entries.length * rowH;
  const nowX = xOf(now.getTime());
  const ticks = Array.from({ length: 5 }, (_, i) => lo + (span * i) / 4)
    .map((t) => `<text x="${xOf(t).toFixed(1)}" y="16" class="small" text-anchor="middle">${new Date(t).toISOString().slice(0, 7)}</text>`)
    .join('');
  return `<svg id="cert-timeline" class="chart" viewBox="0 0 880 ${h}" data-entries="${entries.length}" role="img" aria-labelledby="cert-timeline-title"><title id="cert-timeline-title">Certificate validity per target</title>${ticks}<line x1="${nowX.toFixed(1)}" y1="20" x2="${nowX.toFixed(1)}" y2="${h}" stroke="#212529" stroke-dasharray="4 3"/><text x="${nowX.toFixed(1)}" y="${h - 2}" class="small" text-anchor="middle">now</text>${rows}</svg>`;
}
