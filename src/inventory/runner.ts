/**
 * The inventory runner: scans entries a few at a time, reports progress, journals each finished target, stops
 * cleanly on abort (in-flight targets are dropped, not recorded half-done) and resumes from the journal.
 */
import { setMaxListeners } from 'node:events';
import { MitmError } from '../errors.js';
import type { ScanDocument, TargetReport } from '../model/index.js';
import { VERSION } from '../version.js';
import type { InventoryEntry } from './file.js';
import { appendJournal, readJournal, removeJournal, startJournal } from './journal.js';
import type { ScanEntryFn } from './scan-one.js';
import { errorInfo, failedTargetReport } from '../model/index.js';
import { runPool } from '../tls/scan/limiter.js';

export const DEFAULT_INVENTORY_CONCURRENCY = 8;
export const MAX_INVENTORY_CONCURRENCY = 256;

export type ProgressEvent =
  | { kind: 'start'; total: number; resumed: number }
  | { kind: 'target-start'; target: string; running: string[] }
  | { kind: 'target-done'; report: TargetReport; done: number; total: number; running: string[] }
  | { kind: 'end'; done: number; total: number; interrupted: boolean };

export interface RunInventoryOptions {
  scan: ScanEntryFn;
  concurrency?: number;
  signal?: AbortSignal;
  /** Journal file; without it nothing survives an interruption. */
  journal?: string;
  /** Continue from the journal instead of starting over. */
  resume?: boolean;
  onProgress?: (event: ProgressEvent) => void;
}

export interface InventoryRun {
  /** The finished targets in inventory order (all of them unless interrupted). */
  document: ScanDocument;
  interrupted: boolean;
  /** Targets taken from the journal instead of being scanned again. */
  resumed: number;
  /** Targets not finished (interrupted runs only). */
  remaining: string[];
}

/**
 * Scan an inventory.
 *
 * @example
 * const run = await runInventory(entries, { scan: inventoryScanner(scanTarget), journal: '.mitmguard/run.jsonl', resume: true });
 */
export async function runInventory(entries: readonly InventoryEntry[], opts: RunInventoryOptions): Promise<InventoryRun> {
  const concurrency = opts.concurrency ?? DEFAULT_INVENTORY_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_INVENTORY_CONCURRENCY) {
    throw new MitmError('MG_ERR_USAGE', `concurrency must be an integer from 1 to ${MAX_INVENTORY_CONCURRENCY}`);
  }
  const targets = entries.map((e) => e.target);
  const signal = opts.signal ?? new AbortController().signal;
  // Every scan in flight (and each of its probes) listens on this one signal: hundreds of listeners are expected.
  setMaxListeners(0, signal);
  const previous = opts.journal && opts.resume ? readJournal(opts.journal, targets) : null;
  const startedAt = previous?.startedAt ?? new Date().toISOString();
  const done = new Map<string, TargetReport>(previous?.done ?? []);
  if (opts.journal && !previous) startJournal(opts.journal, targets, startedAt);
  // A resumed journal is appended to; a fresh one was just written with its header.
  const todo = entries.filter((e) => !done.has(e.target));
  const resumed = done.size;
  const running = new Set<string>();
  opts.onProgress?.({ kind: 'start', total: entries.length, resumed });
  await runPool(
    todo,
    concurrency,
    async (entry) => {
      running.add(entry.target);
      opts.onProgress?.({ kind: 'target-start', target: entry.target, running: [...running] });
      const report = await opts.scan(entry, signal).catch((err: unknown): TargetReport => {
        // A scan function must not throw; if one does, the target is reported failed instead of sinking the run.
        return failedTargetReport(entry.target, errorInfo(err));
      });
      running.delete(entry.target);
      // An aborted scan is not a result: it is scanned again on --resume.
      if (signal.aborted) return;
      done.set(entry.target, report);
      if (opts.journal) appendJournal(opts.journal, report);
      opts.onProgress?.({ kind: 'target-done', report, done: done.size, total: entries.length, running: [...running] });
    },
    () => signal.aborted,
  );
  const interrupted = done.size < entries.length;
  opts.onProgress?.({ kind: 'end', done: done.size, total: entries.length, interrupted });
  if (!interrupted && opts.journal) removeJournal(opts.journal);
  return {
    document: {
      tool: 'mitmguard',
      version: VERSION,
      startedAt,
      finishedAt: new Date().toISOString(),
      targets: targets.filter((t) => done.has(t)).map((t) => done.get(t)!),
    },
    interrupted,
    resumed,
    remaining: targets.filter((t) => !done.has(t)),
  };
}
