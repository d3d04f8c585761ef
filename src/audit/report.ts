/** Text rendering of an audit report (JSON is the report object itself; SARIF comes from src/report/sarif.ts). */
import { printable } from '../bytes.js';
import type { AuditReport, ScenarioAddress, ScenarioVerdict } from './types.js';
import { PLAIN_STYLE, type TextStyle } from '../report/style.js';
export type { TextStyle } from '../report/style.js';

const plain = PLAIN_STYLE;

const VERDICT_STYLE: Record<ScenarioVerdict, 'red' | 'green' | 'yellow' | 'dim'> = {
  accepted: 'red',
  'accepted-plaintext': 'red',
  rejected: 'green',
  inconclusive: 'yellow',
  unavailable: 'dim',
  skipped: 'dim',
};

/** The table of verdicts, evidence for every accepted or inconclusive scenario, and a summary line. */
export function renderAuditText(report: AuditReport, style: TextStyle = plain): string {
  const lines: string[] = [];
  lines.push(style.bold(`mitmguard audit-client — ${report.mode} mode, ${report.protocol}, host ${printable(report.host)}`));
  if (report.client) lines.push(style.dim(`client: ${printable(report.client)}`));
  const h = report.clientHello;
  if (h) {
    const pq = h.postQuantumGroups.length ? style.green(`post-quantum: yes (${h.postQuantumGroups.join(', ')})`) : style.yellow('post-quantum: no');
    lines.push(`offered: ${h.versions.join(', ')}; groups ${h.groups.join(', ') || 'none'}; ${pq}`);
    lines.push(style.dim(`signature schemes ${h.signatureSchemes.join(', ') || 'none'}; JA4 ${h.ja4}; JA3 ${h.ja3Hash}`));
  }
  lines.push('');
  const width = Math.max(...report.results.map((r) => r.scenario.length));
  for (const r of report.results) {
    // The baseline is the one scenario that must be accepted.
    const verdictStyle = r.scenario === 'baseline' ? (r.verdict === 'accepted' ? 'green' : 'yellow') : VERDICT_STYLE[r.verdict];
    lines.push(`  ${style[verdictStyle](r.verdict.padEnd(18))} ${r.scenario.padEnd(width)}  ${r.title}`);
    const important = r.verdict === 'accepted' || r.verdict === 'accepted-plaintext' || r.verdict === 'inconclusive';
    // The evidence quotes what the client sent (a request line, a command): a client must not be able to print
    // terminal controls into the report that judges it.
    if (important && r.scenario !== 'baseline') lines.push(style.dim(`  ${' '.repeat(18)} ${' '.repeat(width)}  ${printable(r.reason ?? r.evidence)}`));
    if (r.scenario === 'baseline' && r.verdict !== 'accepted') lines.push(style.yellow(`  ${' '.repeat(18)} ${' '.repeat(width)}  ${printable(r.reason ?? r.evidence)}`));
  }
  const s = report.summary;
  lines.push('');
  const verdictLine = s.forgedAccepted
    ? style.red(`${s.forgedAccepted} forged or degraded scenario(s) accepted: an attacker in the middle would have received the data shown above.`)
    : style.green('No forged or degraded scenario was accepted.');
  lines.push(verdictLine);
  lines.push(style.dim(`accepted ${s.accepted}, accepted-plaintext ${s['accepted-plaintext']}, rejected ${s.rejected}, inconclusive ${s.inconclusive}, unavailable ${s.unavailable}, skipped ${s.skipped}`));
  return lines.join('\n') + '\n';
}

/** Where each scenario is served (listen and proxy modes), for a person to point a device at. */
export function renderAddresses(addresses: ScenarioAddress[], info: { caFile: string; pin: string; token: string }): string {
  const width = Math.max(...addresses.map((a) => a.scenario.length));
  const lines = [
    `Lab CA certificate (install it as trusted on the client for the baseline): ${info.caFile}`,
    `SPKI pin of the baseline key: sha256//${info.pin}`,
    `Canary token (use it as the password or in the URL): ${info.token}`,
    '',
    ...addresses.map((a) => `  ${a.scenario.padEnd(width)}  ${a.proxy ? `proxy ${a.proxy}` : a.url}`),
    '',
  ];
  return lines.join('\n');
}
