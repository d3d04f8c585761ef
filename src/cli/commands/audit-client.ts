/**
 * `mitmguard audit-client`: play the man in the middle against a client and report what it accepts. Thin: parse,
 * call src/audit, print.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { MitmError } from '../../errors.js';
import { APP_PROTOCOLS, bindsBeyondLoopback, isAppProtocol, runExecAudit, SCENARIOS, startAudit, type AuditOptions, type AuditReport } from '../../audit/index.js';
import { renderAddresses, renderAuditText } from '../../audit/report.js';
import { findingsToSarif } from '../../report/sarif.js';
import { atLeast, type Severity } from '../../model/index.js';
import { collect, EXIT, numberOption, parseFormat, parsePositiveInt, parseSeverity, printJson, STYLE } from '../output.js';

interface AuditCliOptions {
  exec?: string;
  listen?: boolean;
  proxy?: boolean;
  protocol: string;
  host?: string;
  bind?: string;
  client?: string;
  scenario?: string;
  exclude?: string;
  pin?: boolean;
  mimic?: string;
  timeout: string;
  concurrency: string;
  duration: string;
  env: string[];
  format: string;
  list?: boolean;
  failOn: string;
}

const ids = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new MitmError('MG_ERR_USAGE', `--env takes NAME=VALUE, got ${JSON.stringify(p)}`);
    env[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return env;
}

function readMimic(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new MitmError('MG_ERR_IO', `cannot read --mimic ${path}: ${(err as Error).message}`);
  }
}

function printReport(report: AuditReport, format: string, failOn: Severity): void {
  if (format === 'json') printJson(report);
  else if (format === 'sarif') printJson(findingsToSarif(report.findings, { toolName: 'mitmguard', version: report.version }));
  else process.stdout.write(renderAuditText(report, STYLE));
  const baseline = report.results.find((r) => r.scenario === 'baseline');
  if (report.findings.some((f) => atLeast(f.severity, failOn))) process.exitCode = EXIT.FINDINGS;
  else if (baseline && baseline.verdict !== 'accepted') {
    // Nothing forged was accepted, but the client did not accept the valid baseline either: the run proves nothing,
    // and a CI job must not pass on it.
    process.stderr.write(`mitmguard: the baseline was ${baseline.verdict}: the client never completed a valid exchange, so no rejection means anything (check {ca} and {url} in the command)\n`);
    process.exitCode = EXIT.ERROR;
  } else process.exitCode = EXIT.OK;
}

/** Wait for the duration or an interrupt, whichever comes first. */
function waitForEnd(seconds: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    const timer = setTimeout(done, seconds * 1000);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

export function register(program: Command): void {
  program
    .command('audit-client')
    .description('Play the man in the middle against a client: forged certificates, old TLS, stripped STARTTLS — and report what it accepted')
    .option('--exec <command>', 'run this client command once per scenario; placeholders {url} {host} {port} {sni} {ca} {token} {pin} {proxy} {home} {scenario}')
    .option('--listen', 'serve every scenario and print where; judge what arrived after --duration seconds or Ctrl-C')
    .option('--proxy', 'serve every scenario as an explicit HTTP proxy ({proxy}) that mints certificates per requested host')
    .option('--protocol <name>', `application protocol: ${APP_PROTOCOLS.join(', ')}`, 'https')
    .option('--host <name>', 'host name the certificates are issued for and clients connect to', 'localhost')
    .option('--bind <address>', 'address to listen on', '127.0.0.1')
    .option('--client <address>', "whose connections count: the audited client's IP address, 'first' (default beyond loopback: the first address to connect) or 'any'")
    .option('--scenario <ids>', 'comma-separated scenario ids to run (the baseline is always added)')
    .option('--exclude <ids>', 'comma-separated scenario ids to leave out')
    .option('--pin', 'the client pins the baseline key ({pin}): also run the pin-mismatch scenario')
    .option('--mimic <cert.pem>', 'the real server certificate for mimic-upstream to copy (subject, issuer name, names, validity, serial)')
    // Per scenario, not per connection: each scenario starts the whole client process (a JVM takes seconds), so the
    // 5000 ms of the connection commands would turn slow starts into false "inconclusive" verdicts.
    .addOption(numberOption('-t, --timeout <ms>', 'per-scenario client timeout in --exec mode', 15000))
    .addOption(numberOption('--concurrency <n>', 'scenarios run at once in --exec mode', 4))
    .addOption(numberOption('--duration <seconds>', 'how long --listen / --proxy wait without --exec', 300))
    .option('--env <NAME=VALUE>', 'add a variable to the client environment (repeatable)', collect, [])
    .option('-f, --format <format>', 'text, json or sarif', 'text')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an accepted forgery is at or above this severity').default('info', 'info: every accepted forgery fails'))
    .option('--list', 'list the scenario catalogue and exit')
    .action(async (opts: AuditCliOptions) => {
      const format = parseFormat(opts.format, ['text', 'json', 'sarif']);
      const failOn = parseSeverity(opts.failOn);
      if (opts.list) {
        if (format === 'json') printJson(SCENARIOS.map((s) => ({ id: s.id, title: s.title, transport: s.transport, protocols: s.protocols ?? 'all', severity: s.severity })));
        else process.stdout.write(SCENARIOS.map((s) => `${s.id.padEnd(34)} ${s.title}\n`).join(''));
        return;
      }
      if (!isAppProtocol(opts.protocol)) throw new MitmError('MG_ERR_USAGE', `--protocol must be one of ${APP_PROTOCOLS.join(', ')}`);
      if (opts.proxy && opts.protocol !== 'https' && opts.protocol !== 'tls') throw new MitmError('MG_ERR_USAGE', '--proxy tunnels https or tls only');
      if (!opts.exec && !opts.listen && !opts.proxy) throw new MitmError('MG_ERR_USAGE', 'choose a mode: --exec <command>, --listen or --proxy');
      if (opts.exec && opts.listen) throw new MitmError('MG_ERR_USAGE', '--exec and --listen exclude each other');
      const bind = opts.bind ?? '127.0.0.1';
      if (bindsBeyondLoopback(bind)) {
        // Every host that can reach this address can now talk to a server holding forged certificates — and, unless
        // told whose connections count, could make a client look careless (or careful).
        const who = opts.client === 'any' ? 'connections from ANY host are counted' : opts.client && opts.client !== 'first' ? `only connections from ${opts.client} are counted` : 'only connections from the first address to connect are counted (pass --client <address> to name it)';
        process.stderr.write(`warning: --bind ${bind} serves the hostile endpoint beyond this machine; ${who}\n`);
      }
      const base: AuditOptions = {
        protocol: opts.protocol,
        host: opts.host ?? 'localhost',
        bind,
        ...(opts.client ? { clientAddress: opts.client } : {}),
        ...(ids(opts.scenario) ? { only: ids(opts.scenario)! } : {}),
        ...(ids(opts.exclude) ? { exclude: ids(opts.exclude)! } : {}),
        pin: opts.pin ?? false,
        proxy: opts.proxy ?? false,
        ...(opts.mimic ? { mimic: readMimic(opts.mimic) } : {}),
      };
      if (opts.exec) {
        const report = await runExecAudit({
          ...base,
          command: opts.exec,
          timeoutMs: parsePositiveInt('--timeout', opts.timeout, 600_000),
          concurrency: parsePositiveInt('--concurrency', opts.concurrency, 64),
          env: parseEnv(opts.env),
          onProgress: (id, done, total) => {
            if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} ${id.padEnd(40)}`);
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        return printReport(report, format, failOn);
      }
      const duration = parsePositiveInt('--duration', opts.duration, 24 * 3600);
      const session = await startAudit(base);
      try {
        const where = renderAddresses(session.addresses(), { caFile: session.caFile, pin: session.pin, token: session.token });
        // The addresses are for a person: stderr in json/sarif mode so stdout stays one document.
        (format === 'text' ? process.stdout : process.stderr).write(where);
        process.stderr.write(`Waiting ${duration} s for clients (Ctrl-C to finish early)…\n`);
        await waitForEnd(duration);
        printReport(await session.finish({ mode: opts.proxy ? 'proxy' : 'listen' }), format, failOn);
      } finally {
        await session.stop();
      }
    });
}
