/**
 * The inventory, policy and report options of `mitmguard scan`, kept here so the scan command only adds two lines:
 * `addInventoryOptions(cmd)` and, in its action, `if (wantsInventoryRun(opts)) return runScanWithInventory(...)`.
 */
import type { Command } from 'commander';
import { checkPdfOutput, contractExitCode, emitPdf, finishRun, numberOption, parseSeverity } from '../cli/output.js';
import { MitmError } from '../errors.js';
import type { ReportFormat } from '../report/index.js';
import type { InventoryEntry } from './file.js';
import type { ScanTargetFn } from './scan-one.js';

/** Mirrors REPORT_FORMATS in src/report (plus pdf, the HTML printed by Chromium); here so `--help` loads no renderer. */
const REPORT_FORMATS: readonly string[] = ['text', 'json', 'sarif', 'junit', 'html', 'pdf'];

export interface InventoryCliOptions {
  inventory?: string;
  resume?: boolean;
  policy?: string;
  output?: string;
  journal?: string;
  parallel?: string;
  format: string;
  failOn?: string;
  sni?: string;
  timeout?: string;
  allowUnreachable?: boolean;
  /** Also write the HTML / JSON report here (as `lab scan --html/--json`), whatever --format prints. */
  html?: string;
  json?: string;
}

/** Add --inventory, --resume, --policy, --output, --journal and --parallel. */
export function addInventoryOptions(cmd: Command): Command {
  return cmd
    .option('--inventory <file>', 'scan the targets of an inventory YAML file (tags, owners, expectations)')
    .option('--resume', 'continue an interrupted --inventory run without rescanning finished targets')
    .option('--policy <file|preset>', 'judge and grade under a policy: modern, intermediate, nist-800-52r2, ncsc-nl or a YAML file')
    .option('-o, --output <file>', 'write the report to a file instead of stdout (checked before the scan starts)')
    .option('--journal <file>', 'resume journal (default .mitmguard/scan-<hash>.jsonl)')
    .option('--html <file>', 'also write the HTML report here (as `lab scan --html`)')
    .option('--json <file>', 'also write the JSON report here (as `lab scan --json`)')
    .addOption(numberOption('--parallel <n>', 'targets scanned at once in an inventory run', 8));
}

/** The scan command hands over to the inventory run when any of these is asked for. */
export function wantsInventoryRun(opts: InventoryCliOptions): boolean {
  return Boolean(opts.inventory || opts.resume || opts.policy || opts.output || opts.html || opts.json || !['text', 'json'].includes(opts.format));
}

/**
 * Run `scan` through the inventory runner and the report renderers; returns the exit code (0, 1 or 2).
 *
 * @example process.exitCode = await runScanWithInventory(targets, opts, (t, o) => scanTarget(t, { ...o, timeoutMs }));
 */
export async function runScanWithInventory(targets: readonly string[], opts: InventoryCliOptions, scanTarget: ScanTargetFn): Promise<number> {
  if (!(REPORT_FORMATS as readonly string[]).includes(opts.format)) throw new MitmError('MG_ERR_USAGE', `--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const failOn = opts.failOn ? parseSeverity(opts.failOn) : undefined;
  const parallel = Number(opts.parallel ?? '8');
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256) throw new MitmError('MG_ERR_USAGE', '--parallel must be an integer from 1 to 256');
  const { loadInventory } = await import('./file.js');
  const { runInventoryScan } = await import('./command.js');
  const fromFile = opts.inventory ? loadInventory(opts.inventory) : [];
  const fromArgs: InventoryEntry[] = targets.map((t) => ({ target: t, name: null, tags: [], owner: null, sni: opts.sni ?? null, expect: {} }));
  const entries = [...fromFile, ...fromArgs.filter((a) => !fromFile.some((f) => f.target === a.target))];
  if (entries.length === 0) throw new MitmError('MG_ERR_USAGE', 'name targets or an --inventory file');
  const { defaultJournalPath } = await import('./command.js');
  const { existsSync } = await import('node:fs');
  const journal = opts.journal ?? defaultJournalPath(entries);
  if (opts.resume && !existsSync(journal)) {
    throw new MitmError('MG_ERR_USAGE', `--resume: no journal at ${journal} (no run of this inventory was interrupted, or it used another --journal)`);
  }
  if (!opts.resume && existsSync(journal)) {
    process.stderr.write(`mitmguard: starting over: the journal of an earlier interrupted run at ${journal} is replaced (--resume continues it instead)\n`);
  }
  // --format pdf: the run renders HTML into memory, then Chromium prints it.
  const pdf = opts.format === 'pdf';
  if (pdf) checkPdfOutput(opts.output);
  let html = '';
  const result = await runInventoryScan({
    entries,
    scanTarget,
    format: (pdf ? 'html' : opts.format) as ReportFormat,
    parallel,
    resume: Boolean(opts.resume),
    color: !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.output && !pdf ? { output: opts.output } : {}),
    ...(pdf ? { stdout: { write: (s: string) => (html += s) } } : {}),
    ...(opts.journal ? { journal: opts.journal } : {}),
    ...(failOn ? { failOn } : {}),
  });
  if (pdf && html) await emitPdf(html, opts.output);
  if (opts.html || opts.json) {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname, resolve } = await import('node:path');
    const { renderHtml } = await import('../report/html.js');
    for (const [file, text] of [[opts.html, () => renderHtml(result.report)], [opts.json, () => JSON.stringify(result.report, null, 2) + '\n']] as const) {
      if (!file) continue;
      mkdirSync(dirname(resolve(file)), { recursive: true });
      writeFileSync(file, text());
    }
  }
  const { notAssessed } = await import('../report/model.js');
  if (result.interrupted) return result.exitCode;
  // The exit-code contract (README): a target that could not be scanned is exit 2 unless --allow-unreachable.
  const input = {
    findings: result.report.report.findings,
    failOn: failOn ?? result.report.report.policy.failOn,
    unassessed: notAssessed(result.report),
    allowUnreachable: Boolean(opts.allowUnreachable),
  };
  finishRun(input);
  return contractExitCode(input);
}
