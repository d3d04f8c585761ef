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
  registerCheck(bgp);
  registerRov(bgp);
  registerDump(bgp);
  registerCollect(bgp);
}

/** `bgp check` */
function registerCheck(bgp: Command): void {
  bgp.command('check')
    .description('Check MRT files (TABLE_DUMP_V2 RIBs, BGP4MP updates; plain, gzip or bzip2) against monitored prefixes and VRPs')
    .argument('<mrt-files...>', 'MRT files, read in order as one stream')
    .option('--config <file>', "monitor file: BGPalerter's prefixes.yml, or mitmguard's form")
    .option('--monitor <file>', 'the same as --config')
    .option('--vrps <file>', 'VRPs: rpki-client JSON/CSV, Routinator json/jsonext/csv, or rtr://host:port')
    .option('--vrp <file>', 'the same as --vrps')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option('--format <format>', 'text or json', 'text')
    .action(async (files: string[], o: { config?: string; monitor?: string; vrps?: string; vrp?: string; failOn: string; format: string }) => {
      synonyms(o);
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
}

/** `bgp rov` */
function registerRov(bgp: Command): void {
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
}

/** `bgp dump` */
function registerDump(bgp: Command): void {
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
}

/** `bgp collect` */
function registerCollect(bgp: Command): void {
  bgp.command('collect')
    .alias('watch')
    .description('Peer with routers as a passive route collector (it never announces) and run the monitors live')
    .option('--peer <address:port>', 'connect to this router')
    .option('--listen <address:port>', 'accept routers that connect here (default address 127.0.0.1)')
    .option('--bmp-listen <address:port>', 'be a BMP station (RFC 7854): routers export their routes here; no BGP session')
    .option('--asn <n>', 'our AS number in the session (required with --peer and --listen)')
    .option('--local-as <n>', 'the same as --asn')
    .option('--monitor <file>', 'the same as --config')
    .option('--vrp <file>', 'the same as --vrps')
    .option('--webhook <url>', 'also POST each finding as JSON to this URL (http or https), as it is raised')
    .option('--peer-as <n>', "refuse a peer whose AS is not this")
    .option('--router-id <ipv4>', 'our BGP identifier', '198.18.255.254')
    .option('--local-address <ip>', 'source address for --peer (the address the router expects us at)')
    .option('--hold-time <s>', 'hold time proposed (0 or 3-65535)', '90')
    .option('--config <file>', "monitor file: BGPalerter's prefixes.yml, or mitmguard's form")
    .option('--vrps <file>', 'VRPs: rpki-client JSON/CSV or Routinator json/jsonext/csv')
    .option('--duration <s>', 'stop after this many seconds (default: until interrupted or the session ends)')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option('--format <format>', 'text (alerts as they come), jsonl (one finding per line as it comes) or json (one document at the end)', 'text')
    .action(async (o: { peer?: string; listen?: string; bmpListen?: string; asn?: string; localAs?: string; monitor?: string; vrp?: string; webhook?: string; peerAs?: string; routerId: string; localAddress?: string; holdTime: string; config?: string; vrps?: string; duration?: string; failOn: string; format: string }) => {
      synonyms(o);
      if (o.localAs && !o.asn) o.asn = o.localAs;
      const failOn = parseSeverity(o.failOn);
      const format = parseFormat(o.format, ['text', 'json', 'jsonl']);
      const webhook = o.webhook ? parseWebhook(o.webhook) : undefined;
      const deliveries: Promise<void>[] = [];
      if ([o.peer, o.listen, o.bmpListen].filter(Boolean).length !== 1) throw new MitmError('MG_ERR_USAGE', 'give exactly one of --peer, --listen and --bmp-listen');
      if (!o.bmpListen && !o.asn) throw new MitmError('MG_ERR_USAGE', '--asn is required with --peer and --listen');
      if (!o.config && !o.vrps) throw new MitmError('MG_ERR_USAGE', 'give --config (monitored prefixes), --vrps, or both');
      const holdTime = Number(o.holdTime);
      if (!Number.isInteger(holdTime) || (holdTime !== 0 && (holdTime < 3 || holdTime > 65535))) throw new MitmError('MG_ERR_USAGE', '--hold-time must be 0 or 3-65535');
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(o.routerId)) throw new MitmError('MG_ERR_USAGE', '--router-id must be an IPv4 address');
      const { loadMonitorFile, loadVrpFile } = await import('../../bgp/check-files.js');
      const { BgpMonitor } = await import('../../bgp/monitor.js');
      const { RovTable } = await import('../../bgp/rov.js');
      const { collectFromPeer, listenForPeers } = await import('../../bgp/collector.js');
      const monitors = o.config ? await loadMonitorFile(o.config) : { form: 'mitmguard' as const, prefixes: [], asns: [], ignorePeers: [], thresholds: { minPeers: 1, visibilityLoss: 0.5, roaExpiryDays: 7 } };
      const vrps = o.vrps ? await loadVrpFile(o.vrps) : undefined;
      const monitor = new BgpMonitor(monitors, vrps ? { rov: new RovTable(vrps.vrps, vrps.vrps.length), vrps: vrps.vrps, ...(vrps.generated !== undefined ? { vrpGeneratedAt: vrps.generated } : {}) } : {});
      const findings: Finding[] = [];
      const emit = (list: Finding[]) => {
        for (const f of list) {
          findings.push(f);
          if (webhook && deliveries.length < MAX_WEBHOOK_POSTS) deliveries.push(postFinding(webhook, f));
          if (format === 'jsonl') process.stdout.write(JSON.stringify(f) + '\n');
          else if (format === 'text') process.stdout.write(findingsText([f]) + '\n');
        }
      };
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const timer = o.duration ? setTimeout(stop, parsePositiveIntArg('--duration', o.duration) * 1000) : undefined;
      let routes = 0;
      const common = {
        localAs: o.asn ? parseAsnArg(o.asn) : 0, bgpId: o.routerId, holdTime, signal: ac.signal,
        ...(o.peerAs ? { peerAs: parseAsnArg(o.peerAs) } : {}),
        onRoute: (e: Parameters<typeof monitor.observe>[0]) => { routes++; emit(monitor.observe(e)); },
        onSession: (peer: string, e: { type: string; reason?: string }) => {
          process.stderr.write(`mitmguard: session with ${peer}: ${e.type === 'closed' ? `closed (${e.reason})` : e.type}\n`);
        },
      };
      const listenAddr = (text: string, name: string) => {
        const m = /^(?:\[?([0-9a-fA-F:.]+?)\]?:)?(\d{1,5})$/.exec(text);
        if (!m || Number(m[2]) > 65535) throw new MitmError('MG_ERR_USAGE', `${name} must be [ADDRESS:]PORT, got ${JSON.stringify(text)}`);
        return { host: m[1] ?? '127.0.0.1', port: Number(m[2]) };
      };
      let sessions;
      if (o.bmpListen) {
        const { listenBmp } = await import('../../bgp/bmp-receiver.js');
        const { host, port } = listenAddr(o.bmpListen, '--bmp-listen');
        const routers = await listenBmp(host, port, {
          signal: ac.signal, onRoute: common.onRoute,
          onListening: (p) => process.stderr.write(`mitmguard: BMP station listening on ${host}:${p}\n`),
          onMessage: (router, m) => { if (m.type === 'initiation' || m.type === 'termination' || m.type === 'peer-up' || m.type === 'peer-down') process.stderr.write(`mitmguard: BMP ${router}: ${m.type}\n`); },
        });
        sessions = routers.map((r) => ({ peer: r.router, established: r.error === null || r.messages > 0, updates: r.routeMonitoring, closed: r.error ? `${r.error.code}: ${r.error.message}` : 'closed', ...(r.error ? { error: r.error } : {}) }));
      } else if (o.peer) {
        const { host, port } = parsePeer(o.peer);
        sessions = [await collectFromPeer(host, port, { ...common, ...(o.localAddress ? { localAddress: o.localAddress } : {}) })];
      } else {
        const { host, port } = listenAddr(o.listen!, '--listen');
        sessions = await listenForPeers(host, port, { ...common, onListening: (p) => process.stderr.write(`mitmguard: listening on ${host}:${p}\n`) });
      }
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      emit(monitor.finish());
      await Promise.all(deliveries);
      if (format === 'json') printJson({ ...header(), sessions, routes, findings });
      else if (format === 'text') process.stdout.write(`${routes} route events from ${sessions.length} session(s); ${findings.length} finding(s)\n`);
      const failed = sessions.length > 0 && sessions.every((s) => !s.established);
      process.exitCode = failed ? EXIT.ERROR : findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.FINDINGS : EXIT.OK;
    });
}

/** `--monitor` / `--vrp` (the issue's names) fill `--config` / `--vrps`. */
function synonyms(o: { config?: string; monitor?: string; vrps?: string; vrp?: string }): void {
  if (o.monitor && !o.config) o.config = o.monitor;
  if (o.vrp && !o.vrps) o.vrps = o.vrp;
}

/** Webhook deliveries per run; past it findings are still printed, not posted. */
const MAX_WEBHOOK_POSTS = 10_000;

function parseWebhook(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MitmError('MG_ERR_USAGE', `--webhook ${JSON.stringify(text)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MitmError('MG_ERR_USAGE', '--webhook must be an http or https URL');
  return url;
}

/** POST one finding; a failed delivery is reported on stderr and never stops the collector. */
async function postFinding(url: URL, f: Finding): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f), signal: AbortSignal.timeout(10_000) });
    if (!res.ok) process.stderr.write(`mitmguard: webhook answered ${res.status}\n`);
    await res.body?.cancel();
  } catch (err) {
    process.stderr.write(`mitmguard: webhook delivery failed: ${(err as Error).message}\n`);
  }
}

function parsePositiveIntArg(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 31_536_000) throw new MitmError('MG_ERR_USAGE', `${name} must be a positive number of seconds`);
  return n;
}
