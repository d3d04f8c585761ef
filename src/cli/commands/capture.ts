/**
 * `mitmguard capture <file…>`: analyse pcap/pcapng files for men in the middle — ARP, DHCP, IPv6, name-resolution,
 * DNS and TLS interception, plain-text credentials — with a summary per defence. Thin: parse, call src/capture, print.
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or unreadable input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseBaseline, EMPTY_BASELINE, DETECTORS, type Baseline } from '../../capture/index.js';
import { analyseFile, type CaptureReport } from '../../capture/file.js';
import { BaselineLearner } from '../../capture/learn.js';
import { x509ChainJudge } from '../../capture/chain-judge.js';
import { catalogue } from '../../checks/catalogue.js';
import { MitmError } from '../../errors.js';
import { atLeast, PILLARS, PILLAR_TITLES, SEVERITIES, sortFindings, type Finding, type Severity } from '../../model/index.js';
import { findingsToSarif } from '../../report/sarif.js';
import { loadTrustStore } from '../../x509/trust-store-files.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { collect, colors, EXIT, parseFormat, parseSeverity, printJson, SEVERITY_COLOR } from '../output.js';

export interface CaptureCliOptions {
  baseline?: string;
  learn?: string;
  ca?: string[];
  detectors?: string;
  format: string;
  failOn: string;
}

export const CAPTURE_FORMATS = ['text', 'json', 'sarif'] as const;

/** What `capture` and `watch` share: the baseline, the chain judge and the detector selection. */
export function analysisOptions(o: CaptureCliOptions): { baseline: Baseline; judge: ReturnType<typeof x509ChainJudge>; detectors?: string[] } {
  let baseline = EMPTY_BASELINE;
  if (o.baseline) {
    let text: string;
    try {
      text = readFileSync(o.baseline, 'utf8');
    } catch (err) {
      throw new MitmError('MG_ERR_IO', `cannot read --baseline ${o.baseline}: ${(err as Error).message}`);
    }
    baseline = parseBaseline(text, o.baseline);
  }
  const judge = x509ChainJudge(o.ca?.length ? { extraAnchors: loadTrustStore({ paths: o.ca }) } : {});
  const names = o.detectors?.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Set(DETECTORS.map((d) => d.name));
  const unknown = names?.filter((n) => !known.has(n)) ?? [];
  if (unknown.length) throw new MitmError('MG_ERR_USAGE', `unknown detector ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  return { baseline, judge, ...(names ? { detectors: names } : {}) };
}

/** A report's findings plus the catalogue's judgement of its summary (encryption coverage). */
export function reportFindings(r: CaptureReport): Finding[] {
  return sortFindings([...r.findings, ...catalogue.run('capture-summary', r.summary, r.source)]);
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

export function renderCaptureText(r: CaptureReport, findings: Finding[]): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(colors.bold(`${r.source}`) + ` (${r.format ?? 'unreadable'}): ${s.frames} frames, ${s.capturedBytes} bytes, ${s.hosts} hosts, ${s.flows.total} flows (${s.flows.tcp} TCP, ${s.flows.udp} UDP)`);
  if (r.error) out.push(colors.red(`  stopped reading: ${r.error.code}: ${r.error.message}`));
  if (r.truncatedTail) out.push(colors.yellow('  the file ends in the middle of a record (capture cut short)'));
  const skipped = Object.entries(s.skipped);
  if (skipped.length) out.push(`  skipped frames: ${skipped.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  if (s.handedOn) out.push(`  802.11/radiotap frames handed to the Wi-Fi decoder: ${s.handedOn}`);
  out.push(`  encrypted: ${pct(s.encryption.encryptedFlowShare)} of flows, ${pct(s.encryption.encryptedByteShare)} of bytes (unclassified: ${s.encryption.flows.unknown} flows, ${s.encryption.bytes.unknown} bytes)`);
  const protocols = Object.entries(s.protocols).sort((a, b) => b[1].bytes - a[1].bytes);
  if (protocols.length) out.push(`  protocols: ${protocols.map(([p, v]) => `${p} ${v.flows}${v.encrypted === true ? ' 🔒' : v.encrypted === false ? ' (plain)' : ''}`).join(', ')}`);
  if (s.tls.length) out.push(`  TLS: ${s.tls.length} handshakes, SNI ${[...new Set(s.tls.map((t) => t.sni ?? '-'))].slice(0, 10).join(', ')}; versions ${[...new Set(s.tls.map((t) => t.version ?? '?'))].join(', ')}`);
  if (s.plaintextFlows.length) {
    out.push('  largest plain-text flows:');
    for (const f of s.plaintextFlows.slice(0, 5)) out.push(`    ${f.protocol.padEnd(8)} ${f.client} → ${f.server}:${f.serverPort}  ${f.bytes} bytes`);
  }
  out.push('  per defence:');
  for (const p of PILLARS) {
    const mine = findings.filter((f) => f.pillar === p);
    const worst = SEVERITIES.find((sev) => mine.some((f) => f.severity === sev));
    out.push(`    ${PILLAR_TITLES[p].padEnd(24)} ${mine.length ? `${mine.length} finding(s), worst ${SEVERITY_COLOR[worst!](worst!)}` : colors.green('nothing seen')}`);
  }
  if (findings.length) {
    out.push('findings:');
    for (const f of findings) out.push(`  ${SEVERITY_COLOR[f.severity](f.severity.padEnd(8))} ${f.id} ${f.target}: ${f.evidence}`);
  }
  return out.join('\n') + '\n';
}

/** Write a learnt baseline (not a secret: 0644), and say so on stderr. */
export function writeLearnt(path: string, learner: BaselineLearner, source: string): void {
  try {
    writeFileSync(path, learner.yaml(source), { mode: 0o644 });
  } catch (err) {
    throw new MitmError('MG_ERR_IO', `cannot write --learn ${path}: ${(err as Error).message}`);
  }
  process.stderr.write(`mitmguard: baseline written to ${path}\n`);
}

export function setExit(findings: Finding[], failOn: Severity, unreadable: boolean): void {
  process.exitCode = unreadable ? EXIT.ERROR : findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.FINDINGS : EXIT.OK;
}

export function register(program: Command): void {
  program
    .command('capture')
    .description('Analyse pcap/pcapng captures for men in the middle: ARP, DHCP, IPv6 RA/DHCPv6, LLMNR/NBT-NS/mDNS and DNS spoofing, TLS interception, plain-text credentials')
    .argument('<files...>', 'pcap or pcapng files')
    .option('--baseline <file>', 'YAML baseline: gateways, hosts, dhcpServers, routers, dnsServers, nameResponders, dnsAnswers, tls pins (docs/capture.md)')
    .option('--ca <file>', 'extra trust anchor (PEM file or directory) for judging captured TLS chains; repeatable', collect)
    .option('--learn <file>', 'also write the baseline these captures show (hosts, gateways, servers, routers, TLS pins) to this YAML file')
    .option('--detectors <names>', `comma-separated detectors to run (default all: ${DETECTORS.map((d) => d.name).join(', ')})`)
    .option('--format <format>', `output format: ${CAPTURE_FORMATS.join(', ')}`, 'text')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .action(async (files: string[], o: CaptureCliOptions) => {
      const format = parseFormat(o.format, CAPTURE_FORMATS);
      const failOn = parseSeverity(o.failOn);
      const opts = analysisOptions(o);
      const learner = o.learn ? new BaselineLearner(opts.judge) : undefined;
      const reports: CaptureReport[] = [];
      for (const file of files) reports.push(await analyseFile(file, { ...opts, ...(learner ? { learner } : {}) }));
      if (learner) writeLearnt(o.learn!, learner, files.join(', '));
      const perReport = reports.map((r) => reportFindings(r));
      const all = sortFindings(perReport.flat());
      const unreadable = reports.some((r) => r.error !== null);
      if (format === 'json') {
        printJson({ tool: TOOL_NAME, version: VERSION, captures: reports.map((r, i) => ({ ...r, findings: perReport[i] })), findings: all });
      } else if (format === 'sarif') {
        printJson(findingsToSarif(all, { toolName: TOOL_NAME, version: VERSION }));
      } else {
        process.stdout.write(reports.map((r, i) => renderCaptureText(r, perReport[i]!)).join('\n'));
      }
      for (const r of reports) if (r.error) process.stderr.write(`mitmguard: ${r.source}: ${r.error.code}: ${r.error.message}\n`);
      setExit(all, failOn, unreadable);
    });
}
