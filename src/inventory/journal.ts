/**
 * The resume journal: one JSON line per finished target, appended as each finishes, so an interrupted run (Ctrl-C,
 * a crash, a killed CI job) loses at most the targets that were in flight. `--resume` reads it back and skips them.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { MitmError } from '../errors.js';
import type { TargetReport } from '../model/index.js';

/** A journal larger than this is refused rather than read into memory. */
export const MAX_JOURNAL_BYTES = 512 * 1024 * 1024;

interface Header {
  kind: 'header';
  /** Hash of the target list: a journal from another inventory must not be resumed. */
  inventory: string;
  startedAt: string;
}

export const inventoryHash = (targets: readonly string[]) => createHash('sha256').update(targets.join('\n')).digest('hex').slice(0, 32);

export interface JournalState {
  startedAt: string;
  done: Map<string, TargetReport>;
}

/** Read a journal; a torn last line (the process died mid-write) is ignored, any other damage is an error. */
export function readJournal(path: string, targets: readonly string[]): JournalState | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_JOURNAL_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `journal ${path} is larger than ${MAX_JOURNAL_BYTES} bytes`);
  const lines = text.split('\n').filter((l) => l.length > 0);
  const done = new Map<string, TargetReport>();
  let header: Header | null = null;
  const wanted = new Set(targets);
  for (const [i, line] of lines.entries()) {
    let rec: { kind?: string; report?: TargetReport; inventory?: string; startedAt?: string };
    try {
      rec = JSON.parse(line);
    } catch (err) {
      if (i === lines.length - 1 && !text.endsWith('\n')) break;
      throw new MitmError('MG_ERR_MALFORMED', `journal ${path}: line ${i + 1} is not JSON`, { cause: err });
    }
    if (i === 0) {
      if (rec.kind !== 'header' || typeof rec.inventory !== 'string') throw new MitmError('MG_ERR_MALFORMED', `journal ${path}: no header line`);
      header = rec as Header;
      if (header.inventory !== inventoryHash(targets)) {
        throw new MitmError('MG_ERR_CONFIG', `journal ${path} belongs to a different target list; remove it or run without --resume`);
      }
      continue;
    }
    if (rec.kind === 'target' && rec.report && wanted.has(rec.report.target)) done.set(rec.report.target, rec.report);
  }
  return header ? { startedAt: header.startedAt, done } : null;
}

/** Start a fresh journal (replacing any old one). */
export function startJournal(path: string, targets: readonly string[], startedAt: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const header: Header = { kind: 'header', inventory: inventoryHash(targets), startedAt };
  writeFileSync(path, JSON.stringify(header) + '\n', { mode: 0o600 });
}

export function appendJournal(path: string, report: TargetReport): void {
  appendFileSync(path, JSON.stringify({ kind: 'target', report }) + '\n');
}

export function removeJournal(path: string): void {
  rmSync(path, { force: true });
}
