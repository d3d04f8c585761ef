/**
 * `dns watch`: re-check a list of names on an interval and raise an alert when an answer changes or stops
 * validating. Bounded by a round count so it can run in tests and cron jobs alike.
 */
import { queryValidated, type QueryValidatedOptions } from './query-validated.js';
import type { DnssecVerdict } from './dnssec/reasons.js';

export interface WatchTarget {
  name: string;
  type: number;
}

export interface WatchAlert {
  round: number;
  at: string;
  name: string;
  type: string;
  kind: 'answer-changed' | 'stopped-validating' | 'verdict-changed';
  before: { verdict: DnssecVerdict; answers: string[] };
  after: { verdict: DnssecVerdict; answers: string[] };
  reason: string | null;
}

export interface WatchOptions extends QueryValidatedOptions {
  intervalMs: number;
  /** Number of rounds; the first one records the baseline. */
  rounds: number;
  /** Each round's states; `results` holds the full validation of each, in the same order (for findings). */
  onRound?: (round: number, states: { name: string; type: string; verdict: DnssecVerdict; answers: string[] }[], results: Awaited<ReturnType<typeof queryValidated>>[]) => void;
  onAlert?: (alert: WatchAlert) => void;
  signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/** Run the watch; resolves with every alert raised. */
export async function watchNames(targets: readonly WatchTarget[], options: WatchOptions): Promise<WatchAlert[]> {
  const last = new Map<string, { verdict: DnssecVerdict; answers: string[] }>();
  const alerts: WatchAlert[] = [];
  for (let round = 1; round <= options.rounds && !options.signal?.aborted; round++) {
    if (round > 1) await sleep(options.intervalMs, options.signal);
    const states = [];
    const results = [];
    for (const t of targets) {
      const r = await queryValidated(t.name, t.type, options);
      results.push(r);
      const now = { verdict: r.verdict, answers: [`${r.rcode}`, ...r.answers.map((a) => `${a.name} ${a.type} ${a.data}`.toLowerCase())].sort() };
      const key = `${r.name}/${r.type}`;
      const before = last.get(key);
      if (before) {
        const kind: WatchAlert['kind'] | null =
          before.verdict === 'SECURE' && now.verdict !== 'SECURE' ? 'stopped-validating'
            : before.answers.join('|') !== now.answers.join('|') ? 'answer-changed'
              : before.verdict !== now.verdict ? 'verdict-changed' : null;
        if (kind) {
          const alert: WatchAlert = { round, at: new Date().toISOString(), name: r.name, type: r.type, kind, before, after: now, reason: r.reason?.text ?? null };
          alerts.push(alert);
          options.onAlert?.(alert);
        }
      }
      last.set(key, now);
      states.push({ name: r.name, type: r.type, ...now });
    }
    options.onRound?.(round, states, results);
  }
  return alerts;
}
