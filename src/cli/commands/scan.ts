/**
 * `mitmguard scan <target>...`: thin — parse options, call scanTargets, print text or JSON, set the exit code.
 * The scanner itself is loaded on first use so that other commands start fast.
 */
import type { Command } from 'commander';
import { SEVERITIES, type Severity } from '../../checks/types.js';
import { MitmError } from '../../errors.js';
import { colors, EXIT, parseFormat, parsePositiveInt, printJson, SEVERITY_COLOR } from '../output.js';
import { addInventoryOptions, runScanWithInventory, wantsInventoryRun, type InventoryCliOptions } from '../../inventory/cli-options.js';

export interface ScanCommandOptions {
  sni?: string;
  starttls?: string;
  format: string;
  timeout: string;
  concurrency: string;
  failOn: string;
}

function parseSeverity(value: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new MitmError('MG_ERR_USAGE', `--fail-on must be one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
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
    .option('--concurrency <n>', 'connections at once per target', '12')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity', 'high');
  addInventoryOptions(cmd)
    .action(async (targets: string[], opts: ScanCommandOptions & InventoryCliOptions) => {
      if (wantsInventoryRun(opts)) {
        const timeoutMs = parsePositiveInt('--timeout', opts.timeout, 600_000);
        const { scanTarget } = await import('../../scan/index.js');
        process.exitCode = await runScanWithInventory(targets, opts, (t, o) => scanTarget(t, { ...o, timeoutMs, concurrency: parsePositiveInt('--concurrency', opts.concurrency, 256) }));
        return;
      }
      if (targets.length === 0) throw new MitmError('MG_ERR_USAGE', 'name at least one target, or an --inventory file');
      const format = parseFormat(opts.format);
      const timeoutMs = parsePositiveInt('--timeout', opts.timeout, 600_000);
      const concurrency = parsePositiveInt('--concurrency', opts.concurrency, 256);
      const failOn = parseSeverity(opts.failOn);
      const { scanTargets, renderScanText, parseTarget } = await import('../../scan/index.js');
      const { atLeast } = await import('../../checks/types.js');
      // Reject bad targets before any connection: a typo is a usage error (exit 2), not a scan result.
      const parsed = targets.map((t) => parseTarget(t, opts.starttls ? { starttls: opts.starttls } : {}));
      const doc = await scanTargets(parsed, {
        timeoutMs,
        concurrency,
        ...(opts.sni ? { sni: opts.sni } : {}),
        onProgress: (r, done, total) => {
          if (process.stderr.isTTY && format === 'text') process.stderr.write(colors.dim(`scanned ${r.target} (${done}/${total})\n`));
        },
      });
      if (format === 'json') printJson(doc);
      else {
        process.stdout.write(
          renderScanText(doc, { bold: colors.bold, dim: colors.dim, green: colors.green, red: colors.red, yellow: colors.yellow, severity: SEVERITY_COLOR }),
        );
      }
      const failed = doc.targets.some((r) => !r.ok);
      const bad = doc.targets.some((r) => r.findings.some((f) => atLeast(f.severity, failOn)));
      process.exitCode = failed ? EXIT.ERROR : bad ? EXIT.FINDINGS : EXIT.OK;
    });
}
