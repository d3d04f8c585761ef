/**
 * `mitmguard bgp check|rov|dump|collect`: thin — parse options, call src/bgp, print text or one JSON document.
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it (for `rov`, an Invalid route), 2 usage error,
 * unreadable input or a file that could not be decoded.
 */
import type { Command } from 'commander';
import { MitmError } from '../../errors.js';
import { atLeast, SEVERITIES, type Finding } from '../../model/index.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { colors, EXIT, parseFormat, parseSeverity, printJson, SEVERITY_COLOR } from '../output.js';

const header = () => ({ tool: TOOL_NAME, version: VERSION });

function findingsText(findings: Finding[]): string {
  return findings.map((f) => `  ${SEVERITY_COLOR[f.severity](f.severity.padEnd(8))} ${f.id} ${f.target}: ${f.evidence}`).join('\n');
}

function parseAsnArg(text: string): number {
  const t = text.replace(/^AS/i, '');
  if (!/^\d{1,10}$/.test(t) || Number(t) > 0xffffffff) throw new MitmError('MG_ERR_USAGE', `${JSON.stringify(text)} is not an AS number`);
  return Number(t);
}

function parsePeer(text: string): { host: string; port: number } {
  const m = /^\[?([0-9a-fA-F:.]+?)\]?:(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new MitmError('MG_ERR_USAGE', `--peer must be ADDRESS:PORT, got ${JSON.stringify(text)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

export function register(program: Command): void {
  const bgp = program.command('bgp').description('BGP hijack detection and RPKI route origin validation: MRT files, a live collector session, VRPs');

  bgp.command('check')
    .description('Check MRT files (TABLE_DUMP_V2 RIBs, BGP4MP updates; plain, gzip or bzip2) against monitored prefixes and VRPs')
    .argument('<mrt-files...>', 'MRT files, read in order as one stream')
    .option('--config <file>', "monitor file: BGPalerter's prefixes.yml, or mitmguard's form")
    .option('--vrps <file>', 'VRPs: rpki-client JSON/CSV or Routinator json/jsonext/csv')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option('--format <format>', 'text or json', 'text')
    .action(async (files: string[], o: { config?: string; vrps?: string; failOn: string; format: string }) => {
      const failOn = parseSeverity(o.failOn);
      const format = parseFormat(o.format);
      if (!o.config && !o.vrps) throw new MitmError('MG_ERR_USAGE', 'give --config (monitored prefixes), --vrps, or both');
      const { checkMrtFiles, loadMonitorFile, loadVrpFile } = await import('../../bgp/check-files.js');
      const monitors = o.config ? await loadMonitorFile(o.config) : undefined;
      const vrps = o.vrps ? await loadVrpFile(o.vrps) : undefined;
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      const doc = await checkMrtFiles(files, { ...(monitors ? { monitors } : {}), ...(vrps ? { vrps } : {}), signal: ac.signal });
      process.removeListener('SIGINT', stop);
      if (format === 'json') printJson(doc);
      else {
        const out: string[] = [];
        for (const f of doc.files) out.push(`${f.file}: ${f.records} records, ${f.routes} routes, ${f.withdrawals} withdrawals${f.error ? colors.red(` — ${f.error.code}: ${f.error.message}`) : ''}`);
        if (doc.vrps) out.push(`VRPs: ${doc.vrps.count} (${doc.vrps.format})`);
        if (doc.rpki) out.push(`RPKI: ${doc.rpki.valid} valid, ${doc.rpki.invalid} invalid, ${doc.rpki['not-found']} not found`);
        out.push(doc.findings.length ? `findings (${doc.findings.length}):\n${findingsText(doc.findings)}` : 'no findings');
        process.stdout.write(out.join('\n') + '\n');
      }
      const failed = doc.files.some((f) => f.error);
      process.exitCode = failed ? EXIT.ERROR : doc.findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.FINDINGS : EXIT.OK;
    });

  bgp.command('rov')
    .description('RFC 6811 route origin validation of one route: valid, invalid (origin AS or max length) or not found')
    .argument('<prefix>', 'the announced prefix, e.g. 192.0.2.0/24')
    .argument('<origin-as>', 'the origin AS, e.g. 64500 or AS64500')
    .requiredOption('--vrps <file>', 'VRPs: rpki-client JSON/CSV or Routinator json/jsonext/csv')
    .option('--format <format>', 'text or json', 'text')
    .action(async (prefixText: string, asText: string, o: { vrps: string; format: string }) => {
      const format = parseFormat(o.format);
      const { parsePrefix } = await import('../../bgp/prefix.js');
      const { RovTable, formatVrp } = await import('../../bgp/rov.js');
      const { loadVrpFile } = await import('../../bgp/check-files.js');
      let prefix;
      try {
        prefix = parsePrefix(prefixText);
      } catch (err) {
        throw new MitmError('MG_ERR_USAGE', (err as Error).message);
      }
      const origin = parseAsnArg(asText);
      const set = await loadVrpFile(o.vrps);
      const r = new RovTable(set.vrps, set.vrps.length).explain(prefix, origin);
      const doc = { ...header(), route: { prefix: prefixText, origin }, state: r.state, ...(r.reason ? { reason: r.reason } : {}), matched: r.matched!.map(formatVrp), unmatched: r.unmatched!.map(formatVrp) };
      if (format === 'json') printJson(doc);
      else {
        const state = r.state === 'valid' ? colors.green('valid') : r.state === 'invalid' ? colors.red(`invalid (${r.reason})`) : colors.yellow('not-found');
        const lines = [`${prefixText} AS${origin}: ${state}`];
        for (const v of doc.matched) lines.push(`  matched   ${v}`);
        for (const v of doc.unmatched) lines.push(`  unmatched ${v}`);
        process.stdout.write(lines.join('\n') + '\n');
      }
      process.exitCode = r.state === 'invalid' ? EXIT.FINDINGS : EXIT.OK;
    });

  bgp.command('dump')
    .description('Print the routes of MRT files as `bgpdump -m` lines (one route per line, pipe-separated)')
    .argument('<mrt-files...>', 'MRT files (plain, gzip or bzip2)')
    .action(async (files: string[]) => {
      const { readMrtFile } = await import('../../bgp/mrt-reader.js');
      const { bgpdumpLines } = await import('../../bgp/bgpdump-format.js');
      for (const file of files) {
        let buf: string[] = [];
        for await (const record of readMrtFile(file)) {
          for (const l of bgpdumpLines(record)) buf.push(l);
          if (buf.length >= 4096) {
            if (!process.stdout.write(buf.join('\n') + '\n')) await new Promise((r) => process.stdout.once('drain', r));
            buf = [];
          }
        }
        if (buf.length) process.stdout.write(buf.join('\n') + '\n');
      }
      process.exitCode = EXIT.OK;
    });

  void parsePeer;
}
