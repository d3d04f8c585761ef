/**
 * Live progress on stderr. On a TTY: a small block redrawn in place (counts, ETA, one line per running target with
 * its elapsed time). Without a TTY (CI logs, pipes): one plain line per finished target, nothing redrawn.
 */
import type { ProgressEvent } from './runner.js';

export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Rows of running targets shown at most; the rest are summarised. */
export const MAX_PROGRESS_ROWS = 8;
/** Redraws per second at most (a 200-target run must not flood the terminal). */
const REDRAW_MS = 100;

const clock = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** A progress reporter for `runInventory({ onProgress })`. Call `close()` when the run ends. */
export function createProgress(sink: ProgressSink = process.stderr, now: () => number = Date.now): { onProgress: (e: ProgressEvent) => void; close(): void } {
  const tty = Boolean(sink.isTTY) && !process.env.CI;
  const started = new Map<string, number>();
  let t0 = now();
  let total = 0;
  let resumed = 0;
  let finished = 0;
  let lines = 0;
  let lastDraw = 0;
  let timer: NodeJS.Timeout | undefined;

  const eta = () => {
    const scanned = finished - resumed;
    if (scanned <= 0) return '--:--';
    return clock(((now() - t0) / scanned) * (total - finished));
  };

  const draw = (force = false) => {
    if (!tty) return;
    if (!force && now() - lastDraw < REDRAW_MS) return;
    lastDraw = now();
    const width = Math.max(40, (sink.columns ?? 100) - 1);
    const rows = [...started.entries()].slice(0, MAX_PROGRESS_ROWS).map(([t, s]) => `  ⋯ ${t}`.slice(0, width - 8).padEnd(width - 8) + clock(now() - s).padStart(8));
    if (started.size > MAX_PROGRESS_ROWS) rows.push(`  … and ${started.size - MAX_PROGRESS_ROWS} more running`);
    const head = `scanning ${finished}/${total} · ${started.size} running · elapsed ${clock(now() - t0)} · ETA ${eta()}`;
    const block = [head, ...rows];
    // Move up over the previous block, clear it, draw the new one (ECMA-48 CUU and ED).
    sink.write(`${lines ? `\x1b[${lines}A` : ''}\x1b[0J${block.join('\n')}\n`);
    lines = block.length;
  };

  const onProgress = (e: ProgressEvent) => {
    switch (e.kind) {
      case 'start':
        t0 = now();
        total = e.total;
        resumed = e.resumed;
        finished = e.resumed;
        if (!tty) sink.write(`scanning ${e.total} target(s)${e.resumed ? `, ${e.resumed} already done (resumed)` : ''}\n`);
        if (tty) timer = setInterval(() => draw(true), 1000).unref();
        break;
      case 'target-start':
        started.set(e.target, now());
        draw();
        break;
      case 'target-done': {
        const s = started.get(e.report.target) ?? now();
        started.delete(e.report.target);
        finished = e.done;
        const status = e.report.ok ? 'scanned' : `failed: ${e.report.error?.code ?? 'error'}`;
        if (!tty) sink.write(`[${e.done}/${e.total}] ${e.report.target} ${status} (${((now() - s) / 1000).toFixed(1)} s)\n`);
        else draw();
        break;
      }
      case 'end':
        if (timer) clearInterval(timer);
        started.clear();
        if (tty) draw(true);
        sink.write(e.interrupted ? `interrupted: ${e.done} of ${e.total} target(s) done\n` : `done: ${e.total} target(s) in ${clock(now() - t0)}\n`);
        break;
    }
  };
  return {
    onProgress,
    close: () => {
      if (timer) clearInterval(timer);
    },
  };
}
