/**
 * `mitmguard lab up|down|status|scan`: the embedded lab of deliberately flawed endpoints on 127.0.0.1.
 * `up` starts it in the background (or in the foreground with --foreground), `down` stops it, `status` lists it,
 * `scan` is the main job: start, scan, report, stop.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';

import { MitmError } from '../../errors.js';
import { atLeast } from '../../model/index.js';
import { checkOutputPath, checkPdfOutput, colors, DEFAULT_TIMEOUT_MS, emitPdf, EXIT, loadPrevious, numberOption, parseFormat, parsePositiveInt, parseSeverity, printJson } from '../output.js';
import { withInterrupt, writeReportFile } from '../inventory-run.js';
import { OUTPUT_FORMATS } from '../../report/formats.js';

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
  failOn?: string;
  previous?: string;
}

/** The files a running lab writes beside its state file (src/lab/state.ts), listed by `lab down`. */
const LAB_FILES = ['lab-root.pem', 'lab-audit-ca.pem', 'lab-anchor.txt', 'lab-anchor.bind'] as const;

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

/** Where the running lab records its endpoints: the `--state` option of `lab up`, `down` and `status`. */
const stateOption = ['--state <file>', 'where the running lab records its endpoints', '.mitmguard/lab.json'] as const;

export function register(program: Command): void {
  const lab = program.command('lab').description('Deliberately flawed TLS and HTTP endpoints on 127.0.0.1, to see every check work');
  registerUp(lab);
  registerDown(lab);
  registerStatus(lab);
  registerScan(lab);
}

/** `lab up` */
function registerUp(lab: Command): void {
  lab
    .command('up')
    .description('Start the lab (in the background unless --foreground)')
    .option('--base-port <port>', 'listen on base, base+1, … instead of ephemeral ports')
    .option('--foreground', 'run in this process until Ctrl-C')
    .option(...stateOption)
    .option('-f, --format <format>', 'text or json', 'text')
    .action(async (opts: UpOptions) => {
      parseFormat(opts.format);
      const { readLabState, processAlive, verifyLabProcess, processIdentity, writeLabState, removeLabState, startLab, startLabAudit, labAuditBasePort, labAuditCaPath } = await import('../../lab/index.js');
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
      // The background lab's stderr goes to a log beside the state file, so a failure (a port in use) can be shown.
      const logPath = join(dirname(statePath), 'lab-up.log');
      mkdirSync(dirname(statePath), { recursive: true });
      const log = openSync(logPath, 'w', 0o600);
      const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', log] });
      closeSync(log);
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
      let why = '';
      try {
        why = readFileSync(logPath, 'utf8').split('\n').map((l) => l.replace(/^mitmguard: (MG_ERR_[A-Z0-9_]+: )?/, '').trim()).filter(Boolean).pop() ?? '';
      } catch {
        // no log: the reason stays unknown
      }
      throw new MitmError('MG_ERR_IO', `the lab did not start${why ? `: ${why}` : ''} (details: ${logPath}; \`mitmguard lab up --foreground\` runs it in this terminal)`);
    });
}

/** `lab down` */
function registerDown(lab: Command): void {
  lab
    .command('down')
    .description('Stop the background lab')
    .option(...stateOption)
    .option('-f, --format <format>', 'text or json', 'text')
    .action(async (opts: { state: string; format: string }) => {
      const format = parseFormat(opts.format);
      const { readLabState, processAlive, verifyLabProcess, removeLabState } = await import('../../lab/index.js');
      const statePath = resolve(opts.state);
      const s = readLabState(statePath);
      if (!s) {
        if (format === 'json') printJson({ stopped: false, pid: null, removed: [] });
        else process.stdout.write('no lab is running\n');
        return;
      }
      // The foreground lab removes its own files as it stops: list what is there now, remove whatever is left after.
      const present = [statePath, ...LAB_FILES.map((f) => join(dirname(statePath), f))].filter((f) => existsSync(f));
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
      const removed = present.filter((f) => !existsSync(f));
      if (format === 'json') printJson({ stopped: true, pid: s.pid, removed });
      else process.stdout.write(`lab stopped (pid ${s.pid}); removed ${removed.map((f) => f.split('/').pop()).join(', ')} from ${dirname(statePath)} (certificates and keys are minted per start: the next \`lab up\` writes new ones)\n`);
    });
}

/** `lab status` */
function registerStatus(lab: Command): void {
  lab
    .command('status')
    .description('Show whether the lab runs and which endpoints answer')
    .option(...stateOption)
    .option('-f, --format <format>', 'text or json', 'text')
    .action(async (opts: { state: string; format: string }) => {
      parseFormat(opts.format);
      const { readLabState, processAlive, verifyLabProcess, portOpen, labAuditCaPath } = await import('../../lab/index.js');
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
}

/** `lab scan` */
function registerScan(lab: Command): void {
  lab
    .command('scan')
    .description('The main job: start the lab, scan it under the policy, print the report, write files, stop the lab')
    .option('--policy <file|preset>', 'policy file or preset (default: intermediate)')
    .option('-f, --format <format>', 'stdout format: text, json, sarif, junit, html or pdf (headless Chromium)', 'text')
    .option('-o, --output <file>', 'write the --format output to a file instead of stdout')
    .option('--html <file>', 'also write the HTML report here')
    .option('--json <file>', 'also write the JSON report here')
    .option('--previous <report.json>', 'an earlier report (JSON) to compare with: the summary shows how each grade moved')
    .option('--fail-on <severity>', 'also exit 1 when a finding is at or above this severity (default: only an expected flaw not found fails; the lab is flawed on purpose)')
    .addOption(numberOption('-t, --timeout <ms>', 'per-connection timeout in milliseconds', DEFAULT_TIMEOUT_MS))
    .option('--base-port <port>', 'listen on base, base+1, … instead of ephemeral ports')
    .action(async (opts: ScanOptions) => {
      if (!(OUTPUT_FORMATS as readonly string[]).includes(opts.format)) throw new MitmError('MG_ERR_USAGE', `--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
      const timeoutMs = parsePositiveInt('--timeout', opts.timeout, 600_000);
      const basePort = opts.basePort ? parsePositiveInt('--base-port', opts.basePort, 65_000) : 0;
      const failOn = opts.failOn === undefined ? undefined : parseSeverity(opts.failOn);
      if (opts.output) checkOutputPath(opts.output);
      if (opts.html) checkOutputPath(opts.html, '--html');
      if (opts.json) checkOutputPath(opts.json, '--json');
      if (opts.format === 'pdf') checkPdfOutput(opts.output);
      const previous = opts.previous ? await loadPrevious(opts.previous) : undefined;
      const { scanLab } = await import('../../lab/index.js');
      const { scanTarget } = await import('../../scan/index.js');
      const { renderReport, renderHtml } = await import('../../report/index.js');
      const { loadPolicy } = await import('../../policy/file.js');
      const { createProgress } = await import('../../inventory/progress.js');
      const started = Date.now();
      const progress = createProgress(process.stderr);
      try {
        const { report, misses, interrupted, clients, wings } = await withInterrupt(process.stderr, (signal) => scanLab({
          scanTarget: (t, o) => scanTarget(t, { ...o, timeoutMs }),
          policy: loadPolicy(opts.policy),
          basePort,
          signal,
          onProgress: progress.onProgress,
        }));
        const color = !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
        if (previous) report.report.previous = previous;
        if (opts.format === 'pdf') await emitPdf(renderHtml(report), opts.output);
        else {
          const main = renderReport(report, opts.format as 'text', { color });
          if (opts.output) writeReportFile(opts.output, main);
          else process.stdout.write(main);
        }
        if (opts.html) writeReportFile(opts.html, renderHtml(report));
        if (opts.json) writeReportFile(opts.json, JSON.stringify(report, null, 2) + '\n');
        const wrote = [opts.output, opts.html, opts.json].filter(Boolean);
        if (wrote.length) process.stderr.write(`wrote ${wrote.join(', ')}\n`);
        for (const c of clients) process.stderr.write(`lab client ${c.client.name}: baseline ${c.report.results.find((r) => r.scenario === 'baseline')?.verdict ?? 'missing'}, ${c.report.summary.forgedAccepted} forged scenario(s) accepted of ${c.report.results.filter((r) => r.scenario !== 'baseline' && (r.verdict === 'accepted' || r.verdict === 'accepted-plaintext' || r.verdict === 'rejected')).length} judged\n`);
        for (const w of wings) {
          const t = report.report.targets.find((x) => x.target === w.target);
          const bgp = report.targets.find((x) => x.target === w.target)?.labBgp;
          const cap = report.targets.find((x) => x.target === w.target)?.labCapture;
          const recorded = cap ? `; recorded ${cap.frames} frame(s) of ${cap.exchanges.filter((x) => x.ok).length} lab exchange(s) at the socket level (no root)` : '';
          const rpki = bgp ? `; ${bgp.announcements} route(s) from ${bgp.speakers.filter((x) => x.established).length} speaker(s), RPKI valid ${bgp.rpki.valid}, invalid ${bgp.rpki.invalid}, not-found ${bgp.rpki['not-found']}` : '';
          process.stderr.write(`lab ${w.target}: ${t?.ok ? `${t.findings.length} finding(s)${rpki}${recorded}` : `failed: ${t?.error?.message ?? 'not in the report'}`}\n`);
        }
        if (interrupted) throw new MitmError('MG_ERR_ABORTED', 'the lab scan was interrupted');
        if (misses.length) {
          process.stderr.write(colors.red(`lab: ${misses.length} expectation(s) not met:\n`) + misses.map((m) => `  ${m.endpoint}: ${m.what}\n`).join(''));
          process.exitCode = EXIT.FINDINGS;
        } else if (failOn && report.report.findings.some((f) => atLeast(f.severity, failOn))) {
          process.stderr.write(`lab: every expected flaw was found; findings at or above --fail-on ${failOn}: exit 1\n`);
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
