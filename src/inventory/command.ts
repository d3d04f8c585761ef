/**
 * `mitmguard scan --inventory FILE [--resume] [--policy P] [--format F] [--output FILE]`: the inventory run behind the
 * scan command. Ctrl-C aborts the scans in flight, writes the report of the finished targets, keeps the journal and
 * exits 2; `--resume` then scans only what is left. The scanner is injected by the command.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Severity } from '../model/index.js';
import { loadPolicy } from '../policy/load.js';
import { buildReport, failsAt, type ReportDocument } from '../report/model.js';
import { renderReport, type ReportFormat } from '../report/index.js';
import { inventoryLabels, policyWithExpectations, type InventoryEntry } from './file.js';
import { inventoryHash } from './journal.js';
import { createProgress, type ProgressSink } from './progress.js';
import { runInventory } from './runner.js';
import { inventoryScanner, type ScanTargetFn } from './scan-one.js';

export interface InventoryScanOptions {
  entries: InventoryEntry[];
  scanTarget: ScanTargetFn;
  policy?: string;
  format: ReportFormat;
  output?: string;
  resume?: boolean;
  journal?: string;
  failOn?: Severity;
  parallel?: number;
  color?: boolean;
  stderr?: ProgressSink;
  stdout?: { write(s: string): unknown };
  /** Abort source; by default SIGINT (Ctrl-C) on this process. */
  signal?: AbortSignal;
}

export interface InventoryScanResult {
  exitCode: 0 | 1 | 2;
  report: ReportDocument;
  interrupted: boolean;
  journal: string;
}

/** Where a run's journal lives unless named: one file per target list, so `--resume` finds it. */
export const defaultJournalPath = (entries: readonly InventoryEntry[]) => resolve('.mitmguard', `scan-${inventoryHash(entries.map((e) => e.target))}.jsonl`);

function write(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Run an inventory scan end to end and write the report.
 *
 * @example const r = await runInventoryScan({ entries: loadInventory('t.yaml'), scanTarget, format: 'html', output: 'r.html' });
 */
export async function runInventoryScan(opts: InventoryScanOptions): Promise<InventoryScanResult> {
  const policy = policyWithExpectations(loadPolicy(opts.policy), opts.entries);
  const stderr = opts.stderr ?? process.stderr;
  const stdout = opts.stdout ?? process.stdout;
  const journal = opts.journal ?? defaultJournalPath(opts.entries);
  const controller = new AbortController();
  let sigints = 0;
  const onSigint = () => {
    // A second Ctrl-C means "now": the journal already holds every finished target.
    if (++sigints > 1) process.exit(130);
    stderr.write('\ninterrupting: finishing up, writing what is done (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  const external = opts.signal;
  if (external) external.addEventListener('abort', () => controller.abort(), { once: true });
  else process.on('SIGINT', onSigint);
  const progress = createProgress(stderr);
  try {
    const run = await runInventory(opts.entries, {
      scan: inventoryScanner(opts.scanTarget),
      concurrency: opts.parallel ?? 8,
      signal: controller.signal,
      journal,
      resume: opts.resume ?? false,
      onProgress: progress.onProgress,
    });
    const report = buildReport(run.document, policy, inventoryLabels(opts.entries));
    const text = renderReport(report, opts.format, { color: opts.color ?? false, ...(opts.failOn ? { failOn: opts.failOn } : {}) });
    if (opts.output) write(opts.output, text);
    else stdout.write(text);
    if (run.interrupted) {
      stderr.write(`mitmguard: MG_ERR_ABORTED: interrupted with ${run.document.targets.length} of ${opts.entries.length} target(s) done; run the same command with --resume to scan the remaining ${run.remaining.length}\n`);
    }
    const failOn = opts.failOn ?? policy.failOn;
    const exitCode = run.interrupted ? 2 : failsAt(report, failOn) ? 1 : 0;
    return { exitCode, report, interrupted: run.interrupted, journal };
  } finally {
    progress.close();
    if (!external) process.off('SIGINT', onSigint);
  }
}
