/**
 * `mitmguard scan <target>...`: thin — parse options, call scanTargets, print text or JSON, set the exit code.
 * The scanner itself is loaded on first use so that other commands start fast.
 */
import { Option, type Command } from 'commander';
import { MitmError } from '../../errors.js';
import { ALLOW_UNREACHABLE, checkOutputPath, collect, colors, DEFAULT_TIMEOUT_MS, finishRun, numberOption, parsePositiveInt, parseSeverity, printJson, STYLE } from '../output.js';
import { addInventoryOptions, runScanWithInventory, wantsInventoryRun, type InventoryCliOptions } from '../inventory-run.js';

export interface ScanCommandOptions {
  sni?: string;
  starttls?: string;
  format: string;
  timeout: string;
  deadline?: string;
  concurrency: string;
  failOn?: string;
  ca?: string[];
  mtls?: boolean;
  resolver?: string;
  anchor?: string;
  /** Deprecated spellings of --resolver and --anchor (hidden from help). */
  dnsResolver?: string;
  dnsAnchor?: string;
  allowUnreachable?: boolean;
  caaId?: string[];
  tlsOnly?: boolean;
  resolve?: string[];
}


/** What the scan does after the TLS probes, from the command line (src/scan/beyond-handshake.ts). */
async function beyondHandshakeFromOptions(opts: ScanCommandOptions): Promise<import('../../scan/scan.js').ScanOptions['beyondHandshake']> {
  if (opts.tlsOnly) return false;
  const out: Exclude<import('../../scan/scan.js').ScanOptions['beyondHandshake'], boolean | undefined> = { mtls: opts.mtls ? 'always' : 'auto' };
  if (opts.ca?.length) {
    const { loadTrustStore } = await import('../../x509/trust-store-files.js');
    const store = loadTrustStore({ paths: opts.ca });
    if (store.size === 0) throw new MitmError('MG_ERR_CONFIG', `--ca ${opts.ca.join(', ')}: no usable CA certificate found`);
    out.extraAnchors = store;
  }
  if (!opts.resolver && (opts.anchor || opts.caaId?.length)) {
    throw new MitmError('MG_ERR_USAGE', '--anchor and --caa-id need --resolver');
  }
  if (opts.resolver) {
    const { buildServerMap } = await import('../../dns/servers.js');
    const { loadAnchorFile } = await import('../../dns/anchor-file.js');
    const { parseCaaId } = await import('../../dns/caa.js');
    out.dns = {
      servers: buildServerMap(opts.resolver, []),
      ...(opts.anchor ? { anchors: loadAnchorFile(opts.anchor) } : {}),
      ...(opts.caaId?.length ? { caIds: opts.caaId.map(parseCaaId) } : {}),
    };
  }
  return out;
}

export function register(program: Command): void {
  const cmd = program
    .command('scan')
    .description('Enumerate TLS protocol versions, cipher suites, groups and the certificate chain of each target')
    .argument('[targets...]', 'host[:port] or scheme://host[:port] (https, smtp, imap, postgres, …)')
    .option('--sni <name>', 'server name to send (default: the target host)')
    .option('--starttls <proto>', 'run a STARTTLS dialogue first (smtp, imap, pop3, ftp, ldap, xmpp, postgres, mysql)')
    .option('-f, --format <format>', 'text, json, sarif, junit, html or pdf (headless Chromium)', 'text')
    .addOption(numberOption('-t, --timeout <ms>', 'per-connection timeout in milliseconds', DEFAULT_TIMEOUT_MS))
    .option('--deadline <ms>', 'the whole scan of one target, every step included (default: 4 × --timeout)')
    .addOption(numberOption('--concurrency <n>', 'connections at once per target', 12))
    .option('--fail-on <severity>', "exit 1 when a finding is at or above this severity (default: the policy's failOn, high in every preset)")
    .option(...ALLOW_UNREACHABLE)
    .option('--ca <file|dir>', 'also trust this CA (PEM/DER file or directory), e.g. an organisation\'s private CA; repeatable', collect)
    .option('--mtls', 'probe the client-certificate requirement even when the server does not ask for one')
    .option('--resolver <ip[:port]>', 'also check DNSSEC, CAA and TLSA of each target name through this resolver (as in `dns`)')
    .option('--anchor <file>', 'with --resolver: trust anchor file (DS or DNSKEY records, zone-file format) for a private zone; default the root KSKs')
    .addOption(new Option('--dns-resolver <ip[:port]>').hideHelp())
    .addOption(new Option('--dns-anchor <file>').hideHelp())
    .option('--caa-id <org=domain>', 'with --resolver: the CAA domain of an issuer organisation (a private CA); repeatable', collect)
    .option('--tls-only', 'TLS facts only: skip certificate validation, posture, HTTP and mTLS probes')
    .option('--resolve <name:port:addr>', 'connect to addr for name on port (curl syntax); SNI, name checks and DNS still use the name; repeatable', collect);
  addInventoryOptions(cmd)
    .action(async (targets: string[], opts: ScanCommandOptions & InventoryCliOptions) => {
      deprecatedAliases(opts);
      // Everything that can be wrong with the command line is a usage error (exit 2) before any connection.
      const { parseResolve } = await import('../../scan/target.js');
      const resolve = (opts.resolve ?? []).map(parseResolve);
      const timeoutMs = parsePositiveInt('--timeout', opts.timeout, 600_000);
      const deadline = opts.deadline ? { deadlineMs: parsePositiveInt('--deadline', opts.deadline, 3_600_000) } : {};
      const concurrency = parsePositiveInt('--concurrency', opts.concurrency, 256);
      const failOn = opts.failOn === undefined ? undefined : parseSeverity(opts.failOn);
      if (opts.output) checkOutputPath(opts.output);
      if (opts.html) checkOutputPath(opts.html, '--html');
      if (opts.json) checkOutputPath(opts.json, '--json');
      if (opts.resume && !opts.inventory) throw new MitmError('MG_ERR_USAGE', '--resume continues an interrupted --inventory run: name the same --inventory file');
      if (wantsInventoryRun(opts)) {
        const { scanTarget } = await import('../../scan/index.js');
        const { withBeyondHandshake } = await import('../../inventory/scan-one.js');
        const scan = withBeyondHandshake((t, o) => scanTarget(t, { ...o, timeoutMs, ...deadline, concurrency, ...(resolve.length ? { resolve } : {}) }), await beyondHandshakeFromOptions(opts));
        process.exitCode = await runScanWithInventory(targets, opts, scan);
        return;
      }
      if (targets.length === 0) throw new MitmError('MG_ERR_USAGE', 'name at least one target, or an --inventory file');
      const format = opts.format;
      const { scanTargets, renderScanText, parseTarget } = await import('../../scan/index.js');
      const { buildReport, notAssessed } = await import('../../report/model.js');
      const { loadPolicy } = await import('../../policy/file.js');
      // Reject bad targets before any connection: a typo is a usage error (exit 2), not a scan result.
      const parsed = targets.map((t) => parseTarget(t, opts.starttls ? { starttls: opts.starttls } : {}));
      const doc = await scanTargets(parsed, {
        timeoutMs,
        ...deadline,
        concurrency,
        ...(resolve.length ? { resolve } : {}),
        beyondHandshake: await beyondHandshakeFromOptions(opts),
        ...(opts.sni ? { sni: opts.sni } : {}),
        onProgress: (r, done, total) => {
          if (process.stderr.isTTY && format === 'text') process.stderr.write(colors.dim(`scanned ${r.target} (${done}/${total})\n`));
        },
      });
      // The policy in force never depends on --format: without --policy it is the default preset here too.
      const report = buildReport(doc, loadPolicy(undefined));
      if (format === 'json') printJson(report);
      else {
        process.stdout.write(renderScanText(doc, STYLE) + policyFindingsText(report, STYLE));
      }
      finishRun({
        findings: report.report.findings,
        failOn: failOn ?? report.report.policy.failOn,
        unassessed: notAssessed(report),
        allowUnreachable: Boolean(opts.allowUnreachable),
      });
    });
}

/** `--dns-resolver` and `--dns-anchor` still work, with a note, as `--resolver` and `--anchor` (one name per meaning). */
function deprecatedAliases(opts: ScanCommandOptions): void {
  const pairs = [['dnsResolver', 'resolver', '--dns-resolver', '--resolver'], ['dnsAnchor', 'anchor', '--dns-anchor', '--anchor']] as const;
  for (const [old, now, oldFlag, newFlag] of pairs) {
    if (opts[old] === undefined) continue;
    if (opts[now] !== undefined) throw new MitmError('MG_ERR_USAGE', `${oldFlag} is the old name of ${newFlag}: give one of them`);
    process.stderr.write(`mitmguard: ${oldFlag} is deprecated; use ${newFlag}\n`);
    opts[now] = opts[old];
  }
}

/** The findings the policy adds beyond the checks' own (shown per target under the scan text), or nothing. */
function policyFindingsText(report: import('../../report/model.js').ReportDocument, st: { bold(s: string): string; dim(s: string): string; severity: Record<string, (s: string) => string> }): string {
  const own = new Set(report.targets.flatMap((t) => t.findings.map((f) => `${f.id}\u0000${f.target}`)));
  const extra = report.report.findings.filter((f) => !own.has(`${f.id}\u0000${f.target}`));
  if (extra.length === 0) return '';
  const lines = [st.bold(`policy ${report.report.policy.name}: ${extra.length} more finding(s)`) + st.dim(' (--policy chooses another)')];
  for (const f of extra) lines.push(`    ${st.severity[f.severity]!(f.severity.padEnd(8))} ${f.id}  ${f.target}  ${f.title}\n             ${st.dim(f.evidence)}`);
  return lines.join('\n') + '\n';
}
