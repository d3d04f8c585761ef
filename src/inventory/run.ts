/**
 * One run path for every inventory: `scan --inventory`, `scan` with a policy or a report format, and the lab scan
 * (the main job). Scan the entries through the runner (journal and resume when asked), judge the document under a
 * policy with the inventory's expectations, and return the report. Process concerns — Ctrl-C, stdout, files, the exit
 * code — belong to the CLI (src/cli/inventory-run.ts); this function only takes an AbortSignal.
 */
import { resolve } from 'node:path';
import type { TargetReport } from '../model/index.js';
import type { Policy } from '../policy/schema.js';
import { buildReport, type ReportDocument } from '../report/model.js';
import { inventoryLabels, policyWithExpectations, type InventoryEntry, type InventoryLabels } from './file.js';
import { inventoryHash } from './journal.js';
import { runInventory, type ProgressEvent } from './runner.js';
import { inventoryScanner, type ScanTargetFn } from './scan-one.js';

export interface InventoryScanOptions {
  scanTarget: ScanTargetFn;
  /** The policy in force, before the inventory's expectations are added to it. */
  policy: Policy;
  /** Targets scanned at once (default 8). */
  parallel?: number;
  /** Journal file; absent: no journal (the lab), `true`: the default path for this target list. */
  journal?: string | true;
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Targets that are not scanned here but judged with the rest (the lab's audited clients), with their labels. */
  extraTargets?: () => Promise<Array<{ report: TargetReport; name: string; owner: string; tags: string[] }>>;
}

export interface InventoryScan {
  report: ReportDocument;
  interrupted: boolean;
  /** Scanned, of all entries (targets taken from the journal included). */
  done: number;
  remaining: number;
  journal: string | null;
}

/** Where a run's journal lives unless named: one file per target list, so `--resume` finds it. */
export const defaultJournalPath = (entries: readonly InventoryEntry[]) => resolve('.mitmguard', `scan-${inventoryHash(entries.map((e) => e.target))}.jsonl`);

/**
 * Scan an inventory and judge it.
 *
 * @example const { report, interrupted } = await scanInventory(loadInventory('t.yaml'), { scanTarget, policy: presetPolicy('modern'), journal: true, signal });
 */
export async function scanInventory(entries: InventoryEntry[], opts: InventoryScanOptions): Promise<InventoryScan> {
  const journal = opts.journal === true ? defaultJournalPath(entries) : (opts.journal ?? null);
  const run = await runInventory(entries, {
    scan: inventoryScanner(opts.scanTarget),
    concurrency: opts.parallel ?? 8,
    resume: opts.resume ?? false,
    ...(journal ? { journal } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const done = run.document.targets.length;
  const labels: InventoryLabels = inventoryLabels(entries);
  for (const extra of (await opts.extraTargets?.()) ?? []) {
    run.document.targets.push(extra.report);
    labels.tags[extra.report.target] = extra.tags;
    labels.owners[extra.report.target] = extra.owner;
    labels.names[extra.report.target] = extra.name;
  }
  const report = buildReport(run.document, policyWithExpectations(opts.policy, entries), labels);
  return { report, interrupted: run.interrupted, done, remaining: run.remaining.length, journal };
}
