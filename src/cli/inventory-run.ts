/**
 * The inventory, policy and report options of `mitmguard scan`, and the process side of an inventory run: Ctrl-C,
 * stdout or the output file, the exit code. The run itself is the library's `scanInventory` (src/inventory/run.ts),
 * which `lab scan` shares. The scan command adds two lines: `addInventoryOptions(cmd)` and, in its action,
 * `if (wantsInventoryRun(opts)) return runScanWithInventory(...)`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkOutputPath, checkPdfOutput, contractExitCode, emitPdf, EXIT, finishRun, numberOption, parseSeverity } from './output.js';
import { MitmError } from '../errors.js';
import type { Severity } from '../model/index.js';
import { OUTPUT_FORMATS, type ReportFormat } from '../report/formats.js';
import type { InventoryEntry } from '../inventory/file.js';
import type { ScanTargetFn } from '../inventory/scan-one.js';

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

/** What `scan` with an inventory or a policy can print. */
const RUN_FORMATS: readonly string[] = OUTPUT_FORMATS;

/** Add --inventory, --resume, --policy, --output, --journal, --html, --json and --parallel. */
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
 * Run `fn` with an AbortSignal that the first Ctrl-C aborts (the run finishes up and reports what is done); a second
 * Ctrl-C ends the process at once with 130, as a shell expects of an interrupted command.
 */
export async function withInterrupt<T>(stderr: { write(s: string): unknown }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let sigints = 0;
  const onSigint = () => {
    if (++sigints > 1) process.exit(130);
    stderr.write('\ninterrupting: finishing up, writing what is done (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Write a report file, creating its folder. */
export function writeReportFile(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Run `scan` through the inventory run path and the report renderers; returns the exit code (0, 1 or 2).
 *
 * @example process.exitCode = await runScanWithInventory(targets, opts, (t, o) => scanTarget(t, { ...o, timeoutMs }));
 */
export async function runScanWithInventory(targets: readonly string[], opts: InventoryCliOptions, scanTarget: ScanTargetFn): Promise<number> {
  if (!RUN_FORMATS.includes(opts.format)) throw new MitmError('MG_ERR_USAGE', `--format must be one of ${RUN_FORMATS.join(', ')}`);
  // --format pdf: the run renders HTML into memory, then Chromium prints it.
  const pdf = opts.format === 'pdf';
  const format: ReportFormat = pdf ? 'html' : (opts.format as ReportFormat);
  const failOn: Severity | undefined = opts.failOn ? parseSeverity(opts.failOn) : undefined;
  const parallel = Number(opts.parallel ?? '8');
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256) throw new MitmError('MG_ERR_USAGE', '--parallel must be an integer from 1 to 256');
  // Every file the run will write is checked before the first connection: a long scan must not end in "EEXIST … mkdir".
  if (pdf) checkPdfOutput(opts.output);
  for (const [flag, path] of [['--output', opts.output], ['--html', opts.html], ['--json', opts.json]] as const) if (path) checkOutputPath(path, flag);
  const { loadInventory } = await import('../inventory/file.js');
  const { defaultJournalPath, scanInventory } = await import('../inventory/run.js');
  const { createProgress } = await import('../inventory/progress.js');
  const { loadPolicy } = await import('../policy/file.js');
  const { notAssessed } = await import('../report/model.js');
  const { renderReport, renderHtml } = await import('../report/index.js');
  const fromFile = opts.inventory ? loadInventory(opts.inventory) : [];
  const fromArgs: InventoryEntry[] = targets.map((t) => ({ target: t, name: null, tags: [], owner: null, sni: opts.sni ?? null, expect: {} }));
  const entries = [...fromFile, ...fromArgs.filter((a) => !fromFile.some((f) => f.target === a.target))];
  if (entries.length === 0) throw new MitmError('MG_ERR_USAGE', 'name targets or an --inventory file');
  const journal = opts.journal ?? defaultJournalPath(entries);
  if (opts.resume && !existsSync(journal)) {
    throw new MitmError('MG_ERR_USAGE', `--resume: no journal at ${journal} (no run of this inventory was interrupted, or it used another --journal)`);
  }
  if (!opts.resume && existsSync(journal)) {
    process.stderr.write(`mitmguard: starting over: the journal of an earlier interrupted run at ${journal} is replaced (--resume continues it instead)\n`);
  }
  const policy = loadPolicy(opts.policy);
  const progress = createProgress(process.stderr);
  try {
    const run = await withInterrupt(process.stderr, (signal) =>
      scanInventory(entries, { scanTarget, policy, parallel, signal, resume: Boolean(opts.resume), journal, onProgress: progress.onProgress }),
    );
    const color = !opts.output && !pdf && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    const text = renderReport(run.report, format, { color, ...(failOn ? { failOn } : {}) });
    if (pdf) await emitPdf(text, opts.output);
    else if (opts.output) writeReportFile(opts.output, text);
    else process.stdout.write(text);
    if (opts.html) writeReportFile(opts.html, renderHtml(run.report));
    if (opts.json) writeReportFile(opts.json, JSON.stringify(run.report, null, 2) + '\n');
    if (run.interrupted) {
      process.stderr.write(`mitmguard: MG_ERR_ABORTED: interrupted with ${run.done} of ${entries.length} target(s) done; run the same command with --resume to scan the remaining ${run.remaining}\n`);
      return EXIT.ERROR;
    }
    // The exit-code contract (README): a target that could not be assessed is exit 2 unless --allow-unreachable.
    const input = {
      findings: run.report.report.findings,
      failOn: failOn ?? run.report.report.policy.failOn,
      unassessed: notAssessed(run.report),
      allowUnreachable: Boolean(opts.allowUnreachable),
    };
    finishRun(input);
    return contractExitCode(input);
  } finally {
    progress.close();
  }
}
