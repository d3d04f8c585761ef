/**
 * `mitmguard lab up|down|status|scan`: the embedded lab of deliberately flawed endpoints on 127.0.0.1.
 * `up` starts it in the background (or in the foreground with --foreground), `down` stops it, `status` lists it,
 * `scan` is the main job: start, scan, report, stop.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';

import { MitmError } from '../../errors.js';
import { colors, EXIT, parsePositiveInt, printJson } from '../output.js';
import { withInterrupt, writeReportFile } from '../inventory-run.js';
import { REPORT_FORMATS, isReportFormat } from '../../report/formats.js';

interface UpOptions {
  basePort?: string;
  foreground?: boolean;
  state: string;
  format: string;
}

interface ScanOptions {
  policy?: string;
  format: string;
  output?: string;
  html?: string;
  json?: string;
  timeout: string;
  basePort?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long `lab up` waits for the background lab to write its state file. */
const UP_WAIT_MS = 60_000;

/** The client-audit scenarios of a running lab, one line each, after the CA file clients are to trust. */
function auditLines(audit: { scenarios: Array<{ scenario: string; url: string; listening?: boolean }> } | undefined, caFile: string): string {
  if (!audit) return '';
  const lines = audit.scenarios.map((a) => `  ${a.listening === undefined ? '' : a.listening ? colors.green('up   ') : colors.red('down ')}${a.scenario.padEnd(34)} ${a.url}\n`);
  return `client-audit scenarios (trust ${caFile}; see docs/lab.md):\n${lines.join('')}`;
}

/** One aligned line per lab endpoint: name, URL, what is wrong with it (the URL column fits the longest URL). */
function endpointLines(endpoints: readonly { name: string; target: string; title: string }[]): string {
  const width = Math.max(26, ...endpoints.map((e) => e.target.length));
  return endpoints.map((e) => `${e.name.padEnd(18)} ${e.target.padEnd(width)} ${e.title}\n`).join('');
}

/** Where the lab DNS server answers and how to ask it (`lab up`). */
function labDnsLine(dns: { host: string; port: number }, statePath: string): string {
  const anchor = join(dirname(statePath), 'lab-anchor.txt');
  return `${'dns'.padEnd(18)} ${`${dns.host}:${dns.port}`.padEnd(26)} lab DNS server for lab.mitmguard.test (udp+tcp); anchor ${anchor}
` +
    colors.dim(`  mitmguard dns check secure.lab.mitmguard.test --resolver ${dns.host}:${dns.port} --anchor ${anchor}
`);
}

export function register(program: Command): void {
  const lab = program.command('lab').description('Deliberately flawed TLS and HTTP endpoints on 127.0.0.1, to see every check work');
  const stateOption = ['--state <file>', 'where the running lab records its endpoints', '.mitmguard/lab.json'] as const;

  lab
    .command('up')
    .description('Start the lab (in the background unless --foreground)')
    .option('--base-port <port>', 'listen on base, base+1, … instead of ephemeral ports')
    .option('--foreground', 'run in this process until Ctrl-C')
    .option(...stateOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: UpOptions) => {
      const { readLabState, verifyLabProcess, processIdentity, writeLabState, removeLabState, startLab, startLabAudit, labAuditBasePort, labAuditCaPath } = await import('../../lab/index.js');
      const statePath = resolve(opts.state);
      const existing = readLabState(statePath);
      if (existing && verifyLabProcess(existing).running) throw new MitmError('MG_ERR_USAGE', `the lab is already running (pid ${existing.pid}); run \`mitmguard lab down\` first`);
      const basePort = opts.basePort ? parsePositiveInt('--base-port', opts.basePort, 65_000) : 0;
      if (opts.foreground) {
        const running = await startLab({ basePort });
        // The client-audit hostile endpoint, on the ports after the lab's servers (src/lab/audit.ts).
        const audit = await startLabAudit({ basePort: labAuditBasePort(basePort, [...running.endpoints.map((e) => e.port), ...(running.dns ? [running.dns.port] : [])]) }).catch(async (err) => {
          await running.stop();
          throw err;
        });
        const identity = processIdentity(process.pid);
        writeLabState(statePath, {
          pid: process.pid,
          ...(identity ? { process: identity } : {}),
          startedAt: new Date().toISOString(),
          rootPem: running.rootPem,
          endpoints: running.endpoints.map((e) => ({ name: e.spec.name, title: e.spec.title, target: e.target, port: e.port, pillar: e.spec.pillar })),
          audit: { caPem: audit.caPem, pin: audit.pin, scenarios: audit.scenarios },
          ...(running.dns ? { dns: { host: running.dns.host, port: running.dns.port, zone: 'lab.mitmguard.test.', anchorText: running.dns.anchorText, bindAnchorText: running.dns.bindAnchorText } } : {}),
        });
        process.stdout.write(endpointLines(running.endpoints.map((e) => ({ name: e.spec.name, target: e.target, title: e.spec.title }))));
        process.stdout.write(auditLines(audit, labAuditCaPath(statePath)));
        if (running.dns) process.stdout.write(labDnsLine(running.dns, statePath));
        process.stdout.write(colors.dim('lab running; Ctrl-C or `mitmguard lab down` stops it\n'));
        await new Promise<void>((done) => {
          const stop = () => void Promise.all([running.stop(), audit.stop()]).then(() => (removeLabState(statePath), done()));
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        return;
      }
      removeLabState(statePath);
      const args = [...process.execArgv, process.argv[1]!, 'lab', 'up', '--foreground', '--state', statePath, ...(basePort ? ['--base-port', String(basePort)] : [])];
      const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
      child.unref();
      const deadline = Date.now() + UP_WAIT_MS;
      while (Date.now() < deadline) {
        const s = readLabState(statePath);
        if (s && s.pid === child.pid) {
          if (opts.format === 'json') printJson(s);
          else {
            process.stdout.write(endpointLines(s.endpoints));
            process.stdout.write(auditLines(s.audit, labAuditCaPath(statePath)));
            if (s.dns) process.stdout.write(labDnsLine(s.dns, statePath));
            process.stdout.write(colors.dim(`lab running in the background (pid ${s.pid}); \`mitmguard lab down\` stops it\n`));
          }
          return;
        }
        if (child.exitCode !== null) break;
        await sleep(100);
      }
      throw new MitmError('MG_ERR_IO', 'the lab did not start (run `mitmguard lab up --foreground` to see why)');
    });

  lab
    .command('down')
    .description('Stop the background lab')
    .option(...stateOption)
    .action(async (opts: { state: string }) => {
      const { readLabState, processAlive, verifyLabProcess, removeLabState } = await import('../../lab/index.js');
      const statePath = resolve(opts.state);
      const s = readLabState(statePath);
      if (!s) {
        process.stdout.write('no lab is running\n');
        return;
      }
      const check = verifyLabProcess(s);
      if (!check.running && check.alive) {
        // Never signal a process we cannot prove is our lab: the state file may be planted, or the pid reused.
        throw new MitmError('MG_ERR_CONFIG', `${statePath}: ${check.reason}; not signalling it (remove the file if the lab is gone)`);
      }
      if (check.running) {
        process.kill(s.pid, 'SIGTERM');
        for (let i = 0; i < 50 && processAlive(s.pid); i++) await sleep(100);
      }
      removeLabState(statePath);
      process.stdout.write(`lab stopped (pid ${s.pid})\n`);
    });

  lab
    .command('status')
    .description('Show whether the lab runs and which endpoints answer')
    .option(...stateOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { state: string; format: string }) => {
      const { readLabState, verifyLabProcess, portOpen, labAuditCaPath } = await import('../../lab/index.js');
      const s = readLabState(resolve(opts.state));
      const alive = s ? verifyLabProcess(s).running : false;
      const endpoints = s ? await Promise.all(s.endpoints.map(async (e) => ({ ...e, listening: alive && (await portOpen(e.port)) }))) : [];
      const caFile = labAuditCaPath(resolve(opts.state));
      const scenarios = s?.audit ? await Promise.all(s.audit.scenarios.map(async (a) => ({ ...a, listening: alive && (await portOpen(a.port)) }))) : [];
      const audit = s?.audit ? { caFile, pin: s.audit.pin, scenarios } : null;
      if (opts.format === 'json') printJson({ running: alive, pid: s?.pid ?? null, endpoints, audit });
      else if (!alive) process.stdout.write('lab is not running\n');
      else {
        process.stdout.write(`lab running (pid ${s!.pid}, since ${s!.startedAt})\n`);
        for (const e of endpoints) process.stdout.write(`  ${e.listening ? colors.green('up  ') : colors.red('down')} ${e.name.padEnd(18)} ${e.target}\n`);
        process.stdout.write(auditLines(audit ?? undefined, caFile));
      }
      process.exitCode = alive ? EXIT.OK : EXIT.FINDINGS;
    });

  lab
    .command('scan')
    .description('The main job: start the lab, scan it under the policy, print the report, write files, stop the lab')
    .option('--policy <file|preset>', 'policy file or preset (default: intermediate)')
    .option('--format <format>', 'stdout format: text, json, sarif, junit or html', 'text')
    .option('--output <file>', 'write the --format output to a file instead of stdout')
    .option('--html <file>', 'also write the HTML report here')
    .option('--json <file>', 'also write the JSON report here')
    .option('--timeout <ms>', 'per-connection timeout in milliseconds', '5000')
    .option('--base-port <port>', 'listen on base, base+1, … instead of ephemeral ports')
    .action(async (opts: ScanOptions) => {
      if (!isReportFormat(opts.format)) throw new MitmError('MG_ERR_USAGE', `--format must be one of ${REPORT_FORMATS.join(', ')}`);
      const format = opts.format;
      const timeoutMs = parsePositiveInt('--timeout', opts.timeout, 600_000);
      const basePort = opts.basePort ? parsePositiveInt('--base-port', opts.basePort, 65_000) : 0;
      const { scanLab } = await import('../../lab/index.js');
      const { scanTarget } = await import('../../scan/index.js');
      const { renderReport, renderHtml } = await import('../../report/index.js');
      const { loadPolicy } = await import('../../policy/file.js');
      const { createProgress } = await import('../../inventory/progress.js');
      const started = Date.now();
      const progress = createProgress(process.stderr);
      try {
        const { report, misses, interrupted, clients } = await withInterrupt(process.stderr, (signal) => scanLab({
          scanTarget: (t, o) => scanTarget(t, { ...o, timeoutMs }),
          policy: loadPolicy(opts.policy),
          basePort,
          signal,
          onProgress: progress.onProgress,
        }));
        const color = !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
        const main = renderReport(report, format, { color });
        if (opts.output) writeReportFile(opts.output, main);
        else process.stdout.write(main);
        if (opts.html) writeReportFile(opts.html, renderHtml(report));
        if (opts.json) writeReportFile(opts.json, JSON.stringify(report, null, 2) + '\n');
        const wrote = [opts.output, opts.html, opts.json].filter(Boolean);
        if (wrote.length) process.stderr.write(`wrote ${wrote.join(', ')}\n`);
        for (const c of clients) process.stderr.write(`lab client ${c.client.name}: baseline ${c.report.results.find((r) => r.scenario === 'baseline')?.verdict ?? 'missing'}, ${c.report.summary.forgedAccepted} forged scenario(s) accepted of ${c.report.results.filter((r) => r.scenario !== 'baseline' && (r.verdict === 'accepted' || r.verdict === 'accepted-plaintext' || r.verdict === 'rejected')).length} judged\n`);
        if (interrupted) throw new MitmError('MG_ERR_ABORTED', 'the lab scan was interrupted');
        if (misses.length) {
          process.stderr.write(colors.red(`lab: ${misses.length} expectation(s) not met:\n`) + misses.map((m) => `  ${m.endpoint}: ${m.what}\n`).join(''));
          process.exitCode = EXIT.FINDINGS;
        } else {
          process.stderr.write(colors.green(`lab: every expected flaw was found under its pillar (${((Date.now() - started) / 1000).toFixed(1)} s)\n`));
          process.exitCode = EXIT.OK;
        }
      } finally {
        progress.close();
      }
    });
}
