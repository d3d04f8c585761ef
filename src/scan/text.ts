/**
 * A scan as a person reads it: one block per target — protocols on one line, suites per version (weak ones marked),
 * groups, features, the certificate chain, then findings by severity. Colour comes from the caller (a TTY or not).
 */
import { printable } from '../bytes.js';
import type { Finding } from '../model/index.js';
import { suiteByName } from '../tls/wire/suites.js';
import { PROTOCOL_NAMES, type ScanDocument, type TargetReport } from '../model/index.js';
import { PLAIN_STYLE, type TextStyle } from '../report/style.js';

export { PLAIN_STYLE, type TextStyle } from '../report/style.js';

/** Versions we consider bad to accept; shown red when enabled. */
const LEGACY = new Set(['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1']);

function suiteLine(name: string, st: TextStyle): string {
  const s = suiteByName(name);
  if (!s) return name;
  if (s.cipher === 'NULL' || s.anonymous || s.export || s.cipher.startsWith('RC4') || s.cipher.startsWith('DES')) return st.red(name);
  if (!s.forwardSecret || s.mode === 'cbc') return st.yellow(name);
  return name;
}

const yesNo = (v: boolean | null | undefined, good: boolean, st: TextStyle) =>
  v === null || v === undefined ? st.dim('n/a') : v === good ? st.green(v ? 'yes' : 'no') : st.red(v ? 'yes' : 'no');

function renderTarget(r: TargetReport, st: TextStyle): string[] {
  const head = `${st.bold(printable(r.target))}${r.starttls ? st.dim(` (STARTTLS ${r.starttls})`) : ''} ${st.dim(`${r.durationMs} ms`)}`;
  // A target that failed may still carry findings (the DNS step found the answer forged): they are shown, not hidden.
  if (!r.ok || !r.tls) return [head, `  ${st.red('error')} ${r.error?.code ?? ''}: ${printable(r.error?.message ?? 'unknown')}`, ...(r.findings.length ? renderFindings(r.findings, st) : []), ''];
  const t = r.tls;
  const lines = [head];
  lines.push(
    '  protocols  ' +
      PROTOCOL_NAMES.map((v) => (t.protocols[v] ? (LEGACY.has(v) ? st.red(v) : st.green(v)) : st.dim(`-${v}`))).join('  '),
  );
  for (const v of PROTOCOL_NAMES) {
    const suites = t.cipherSuites[v];
    if (!suites?.length) continue;
    const pref = t.serverPreference[v];
    const order = pref === true ? 'server order' : pref === false ? 'client order' : 'order n/a';
    lines.push(`  ${st.bold(v)} ${st.dim(`(${suites.length}, ${order})`)}`);
    for (const s of suites) lines.push(`    ${suiteLine(s, st)}`);
  }
  lines.push(`  groups     ${t.groups.length ? t.groups.join(', ') : st.dim('none found')}`);
  lines.push(`  alpn       ${t.alpn.length ? t.alpn.join(', ') : st.dim('none')}`);
  lines.push(
    `  secure renegotiation ${yesNo(t.secureRenegotiation, true, st)}   fallback SCSV ${yesNo(t.fallbackScsv, true, st)}   ` +
      `compression ${yesNo(t.compression, false, st)}   OCSP stapled ${t.ocspStapled ? st.green('yes') : 'no'}` +
      (typeof t.dhBits === 'number' ? `   DH ${t.dhBits} bits` : ''),
  );
  t.certificates.forEach((c, i) => {
    // Names in a certificate are the server's to choose, control characters included.
    lines.push(`  ${i === 0 ? 'certificate' : `  chain[${i}]`} ${printable(c.subject) || st.dim('(empty subject)')}`);
    lines.push(st.dim(`      issuer ${printable(c.issuer)}; ${c.keyType}-${c.keyBits}; ${c.signatureAlgorithm}; until ${c.notAfter.slice(0, 10)}`));
    if (i === 0 && c.sans.length) lines.push(st.dim(`      names ${printable(c.sans.join(', '))}`));
  });
  if (t.probeErrors?.length) {
    for (const e of t.probeErrors) lines.push(`  ${st.yellow('probe failed')} ${e.probe}: ${e.code} ${printable(e.message)}`);
  }
  lines.push(...renderFindings(r.findings, st), '');
  return lines;
}

function renderFindings(findings: Finding[], st: TextStyle): string[] {
  if (findings.length === 0) return [`  ${st.green('no findings')}`];
  return [
    `  findings (${findings.length})`,
    ...findings.map((f) => `    ${st.severity[f.severity](f.severity.padEnd(8))} ${f.id}  ${printable(f.title)}\n             ${st.dim(printable(f.evidence))}`),
  ];
}

/** The whole document as text, ending with a one-line summary. */
export function renderScanText(doc: ScanDocument, st: TextStyle = PLAIN_STYLE): string {
  const lines = doc.targets.flatMap((r) => renderTarget(r, st));
  const failed = doc.targets.filter((r) => !r.ok).length;
  const findings = doc.targets.reduce((n, r) => n + r.findings.length, 0);
  lines.push(st.dim(`${doc.targets.length} target(s), ${failed} failed, ${findings} finding(s)`));
  return lines.join('\n') + '\n';
}
