/**
 * `mitmguard wifi capture|config`: thin — read the capture or the configuration files, call src/wifi, print text or one
 * JSON document. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or unreadable input.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { atLeast, SEVERITIES, type Finding, type Severity } from '../../model/index.js';
import { isMitmError, MitmError, toMitmError } from '../../errors.js';
import { AirAnalysis } from '../../wifi/analyse.js';
import { EMPTY_BASELINE, parseAirBaseline } from '../../wifi/baseline.js';
import { readFrames } from '../../wifi/read-frames.js';
import { auditWifiConfigs } from '../../wifi/config/read.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { printable } from '../../bytes.js';
import { colors, EXIT, parseFormat, parseSeverity, printJson, SEVERITY_COLOR } from '../output.js';

interface CommonOptions {
  format: string;
  failOn: string;
}

const header = () => ({ tool: TOOL_NAME, version: VERSION });

export function findingsText(findings: Finding[]): string {
  // Targets and evidence carry SSIDs from the air and names from files: control characters are shown, never obeyed.
  return findings.map((f) => `  ${SEVERITY_COLOR[f.severity](f.severity.padEnd(8))} ${f.id} ${colors.dim(printable(f.target))}\n           ${printable(f.evidence)}`).join('\n');
}

export function exitFor(findings: Finding[], failOn: Severity): void {
  process.exitCode = findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.FINDINGS : EXIT.OK;
}

function common(cmd: Command): Command {
  return cmd
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option('--format <format>', 'text or json', 'text');
}

export function register(program: Command): void {
  const wifi = program.command('wifi').description('Wi-Fi: air inventory and intrusion detection from 802.11 captures; supplicant and access point configuration audit');

  common(
    wifi.command('capture')
      .description('Inventory every network in an 802.11 capture (radiotap, PPI or raw 802.11 pcap) with its security, and raise intrusion alerts')
      .argument('<file>', "pcap capture file, or '-' for a pcap stream on stdin (tcpdump -i wlan0mon -w - | mitmguard wifi capture -): alerts are printed to stderr as they happen")
      .option('--baseline <file>', 'air baseline YAML: our networks and their BSSIDs and security, allow-lists, policy, thresholds'),
  ).action(async (file: string, o: CommonOptions & { baseline?: string }) => {
    const failOn = parseSeverity(o.failOn);
    const format = parseFormat(o.format);
    let baseline = EMPTY_BASELINE;
    if (o.baseline) {
      let text: string;
      try {
        text = readFileSync(o.baseline, 'utf8');
      } catch (err) {
        throw toMitmError(err, 'MG_ERR_IO');
      }
      baseline = parseAirBaseline(text, o.baseline);
    }
    const analysis = new AirAnalysis({ baseline, target: file });
    let frames = 0;
    const live = file === '-';
    const stop = new AbortController();
    const onSigint = () => {
      stop.abort();
      process.stdin.destroy();
    };
    if (live) process.once('SIGINT', onSigint); // Ctrl-C ends a live capture: the report covers what was seen
    try {
      for await (const frame of readFrames(live ? process.stdin : file)) {
        const alerts = analysis.push(frame);
        frames++;
        if (live) for (const f of alerts) process.stderr.write(printable(`mitmguard: alert: ${f.severity} ${f.id} ${f.target}: ${f.evidence}`) + '\n');
        if (stop.signal.aborted) break;
      }
    } catch (err) {
      // A capture cut off while it was being written ends inside a record: keep what was read, say so.
      if (stop.signal.aborted) {
        process.stderr.write(`mitmguard: interrupted after ${frames} frames\n`);
      } else {
        if (!(isMitmError(err, 'MG_ERR_TRUNCATED') && frames > 0)) throw err;
        analysis.truncated(err.message);
        process.stderr.write(`mitmguard: warning: ${err.message}; analysed the ${frames} complete frames\n`);
      }
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    const report = analysis.finish();
    if (report.frames.total > 0 && report.frames.decoded === 0) {
      throw new MitmError('MG_ERR_UNSUPPORTED', `${file}: no 802.11 frame could be decoded (${report.frames.notWifi} frames of another link type)`);
    }
    if (format === 'json') {
      printJson({ ...header(), file, frames: report.frames, networks: report.networks, networksDropped: report.networksDropped, alerts: report.alerts, findings: report.findings });
    } else {
      const out = [`${file}: ${report.frames.total} frames, ${report.frames.decoded} decoded, ${report.networks.length} networks, ${report.alerts.length} alerts`];
      out.push(colors.bold('  BSSID              CH   dBm  SECURITY                     PMF       SSID'));
      for (const n of [...report.networks].sort((a, b) => a.ssid.localeCompare(b.ssid) || a.bssid.localeCompare(b.bssid))) {
        const extra = [n.security.tkip ? 'TKIP' : '', n.security.wps ? 'WPS' : ''].filter(Boolean).join(' ');
        out.push(`  ${n.bssid}  ${String(n.channel ?? '?').padStart(3)}  ${String(n.signalDbm ?? '').padStart(4)}  ${(n.security.label + (extra ? ` ${extra}` : '')).padEnd(27)}  ${n.security.pmf.padEnd(8)}  ${n.hidden ? '<hidden>' : printable(JSON.stringify(n.ssid))}`);
      }
      if (report.findings.length) out.push('findings:', findingsText(report.findings));
      process.stdout.write(out.join('\n') + '\n');
    }
    exitFor(report.findings, failOn);
  });

  common(
    wifi.command('config')
      .description('Audit Wi-Fi profiles: wpa_supplicant.conf, NetworkManager keyfiles (.nmconnection), iwd profiles (.psk/.8021x/.open), hostapd.conf')
      .argument('<paths...>', 'files or directories'),
  ).action(async (paths: string[], o: CommonOptions) => {
    const failOn = parseSeverity(o.failOn);
    const format = parseFormat(o.format);
    const result = auditWifiConfigs(paths);
    if (format === 'json') printJson({ ...header(), profiles: result.profiles, errors: result.errors, findings: result.findings });
    else {
      const out = [`${result.profiles.length} profiles in ${result.files} files`];
      for (const p of result.profiles) out.push(printable(`  ${p.file}:${p.line}  ${p.format.padEnd(14)} ${p.role.padEnd(6)} ${JSON.stringify(p.ssid ?? p.name)}  ${p.keyMgmt.join(',')}  pmf ${p.pmf}`));
      for (const e of result.errors) out.push(colors.red(printable(`  ${e.file}: ${e.code}: ${e.message}`)));
      if (result.findings.length) out.push('findings:', findingsText(result.findings));
      process.stdout.write(out.join('\n') + '\n');
    }
    if (result.errors.length) process.exitCode = EXIT.ERROR;
    else exitFor(result.findings, failOn);
  });
}
