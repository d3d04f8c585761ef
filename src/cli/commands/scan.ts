/**
 * `mitmguard scan <target>...`: thin — parse options, call scanTargets, print text or JSON, set the exit code.
 * The scanner itself is loaded on first use so that other commands start fast.
 */
import type { Command } from 'commander';
import { MitmError } from '../../errors.js';
import { collect, colors, EXIT, parseFormat, parsePositiveInt, parseSeverity, printJson, STYLE } from '../output.js';
import { addInventoryOptions, runScanWithInventory, wantsInventoryRun, type InventoryCliOptions } from '../inventory-run.js';

export interface ScanCommandOptions {
  sni?: string;
  starttls?: string;
  format: string;
  timeout: string;
  deadline?: string;
  concurrency: string;
  failOn: string;
  ca?: string[];
  mtls?: boolean;
  dnsResolver?: string;
  dnsAnchor?: string;
  caaId?: string[];
  tlsOnly?: boolean;
  resolve?: string[];
  followRedirects?: string;
}


/** What the scan does after the TLS probes, from the command line (src/scan/beyond-handshake.ts). */
async function beyondHandshakeFromOptions(opts: ScanCommandOptions): Promise<import('../../scan/scan.js').ScanOptions['beyondHandshake']> {
  if (opts.tlsOnly) return false;
  const out: Exclude<import('../../scan/scan.js').ScanOptions['beyondHandshake'], boolean | undefined> = { mtls: opts.mtls ? 'always' : 'auto' };
  if (opts.followRedirects !== undefined) {
    const { REDIRECT_POLICIES } = await import('../../posture/http.js');
    const policy = REDIRECT_POLICIES.find((p) => p === opts.followRedirects);
    if (!policy) throw new MitmError('MG_ERR_USAGE', `--follow-redirects must be one of ${REDIRECT_POLICIES.join(', ')}`);
    out.redirects = policy;
  }
  if (opts.ca?.length) {
    const { loadTrustStore } = await import('../../x509/trust-store-files.js');
    const store = loadTrustStore({ paths: opts.ca });
    if (store.size === 0) throw new MitmError('MG_ERR_CONFIG', `--ca ${opts.ca.join(', ')}: no usable CA certificate found`);
    out.extraAnchors = store;
  }
  if (!opts.dnsResolver && (opts.dnsAnchor || opts.caaId?.length)) {
    throw new MitmError('MG_ERR_USAGE', '--dns-anchor and --caa-id need --dns-resolver');
  }
  if (opts.dnsResolver) {
    const { buildServerMap } = await import('../../dns/servers.js');
    const { loadAnchorFile } = await import('../../dns/anchor-file.js');
    const { parseCaaId } = await import('../../dns/caa.js');
    out.dns = {
      servers: buildServerMap(opts.dnsResolver, []),
      ...(opts.dnsAnchor ? { anchors: loadAnchorFile(opts.dnsAnchor) } : {}),
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
    .option('--format <format>', 'text or json; with an inventory or policy also sarif, junit or html', 'text')
    .option('--timeout <ms>', 'per-connection timeout in milliseconds', '5000')
    .option('--deadline <ms>', 'the whole scan of one target, every step included (default: 4 × --timeout)')
    .option('--concurrency <n>', 'connections at once per target', '12')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity', 'high')
    .option('--ca <file|dir>', 'also trust this CA (PEM/DER file or directory), e.g. an organisation\'s private CA; repeatable', collect)
    .option('--mtls', 'probe the client-certificate requirement even when the server does not ask for one')
    .option('--dns-resolver <ip[:port]>', 'also check DNSSEC, CAA and TLSA of each target name through this resolver')
    .option('--dns-anchor <file>', 'with --dns-resolver: trust anchor file (DS or DNSKEY records, zone-file format) for a private zone; default the root KSKs')
    .option('--caa-id <org=domain>', 'with --dns-resolver: the CAA domain of an issuer organisation (a private CA); repeatable', collect)
    .option('--tls-only', 'TLS facts only: skip certificate validation, posture, HTTP and mTLS probes')
    .option('--follow-redirects <policy>', 'HTTP redirects to follow: same-host (default), same-class (other hosts of the target\'s address class, never link-local) or any')
    .option('--resolve <name:port:addr>', 'connect to addr for name on port (curl syntax); SNI, name checks and DNS still use the name; repeatable', collect);
  addInventoryOptions(cmd)
    .action(async (targets: string[], opts: ScanCommandOptions & InventoryCliOptions) => {
      // A malformed --resolve is a usage error (exit 2) before any connection.
      const { parseResolve } = await import('../../scan/target.js');
      const resolve = (opts.resolve ?? []).map(parseResolve);
      if (wantsInventoryRun(opts)) {
        const timeoutMs = parsePositiveInt('--timeout', opts.timeout, 600_000);
        const deadline = opts.deadline ? { deadlineMs: parsePositiveInt('--deadline', opts.deadline, 3_600_000) } : {};
        const concurrency = parsePositiveInt('--concurrency', opts.concurrency, 256);
        const { scanTarget } = await import('../../scan/index.js');
        const { withBeyondHandshake } = await import('../../inventory/scan-one.js');
        const scan = withBeyondHandshake((t, o) => scanTarget(t, { ...o, timeoutMs, ...deadline, concurrency, ...(resolve.length ? { resolve } : {}) }), await beyondHandshakeFromOptions(opts));
        process.exitCode = await runScanWithInventory(targets, opts, scan);
        return;
      }
      if (targets.length === 0) throw new MitmError('MG_ERR_USAGE', 'name at least one target, or an --inventory file');
      const format = parseFormat(opts.format);
      const timeoutMs = parsePositiveInt('--timeout', opts.timeout, 600_000);
      const deadline = opts.deadline ? { deadlineMs: parsePositiveInt('--deadline', opts.deadline, 3_600_000) } : {};
      const concurrency = parsePositiveInt('--concurrency', opts.concurrency, 256);
      const failOn = parseSeverity(opts.failOn);
      const { scanTargets, renderScanText, parseTarget } = await import('../../scan/index.js');
      const { atLeast } = await import('../../model/index.js');
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
      if (format === 'json') printJson(doc);
      else {
        process.stdout.write(
          renderScanText(doc, STYLE),
        );
      }
      const failed = doc.targets.some((r) => !r.ok);
      const bad = doc.targets.some((r) => r.findings.some((f) => atLeast(f.severity, failOn)));
      process.exitCode = failed ? EXIT.ERROR : bad ? EXIT.FINDINGS : EXIT.OK;
    });
}
