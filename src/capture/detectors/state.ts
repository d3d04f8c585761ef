/**
 * Bounded state for detectors: an LRU map with a cap, a per-key sliding-window counter, and a raiser that turns a
 * (finding id, key) into one finding however often it recurs. Nothing here grows with the capture.
 */
import type { Finding, Severity } from '../../model/index.js';
import { alertFinding } from '../alerts.js';
import { CAPTURE_LIMITS } from '../limits.js';

/** A Map that forgets its least recently set entry beyond `max`. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  has(k: K): boolean {
    return this.map.has(k);
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
  delete(k: K): void {
    this.map.delete(k);
  }
  get size(): number {
    return this.map.size;
  }
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
}

/** Events per key within a sliding window of packet time; at most `maxKeys` keys, `cap` timestamps each. */
export class WindowCounter {
  private readonly times: BoundedMap<string, number[]>;
  constructor(
    private readonly windowUs: number,
    private readonly cap: number,
    maxKeys = 4096,
  ) {
    this.times = new BoundedMap(maxKeys);
  }
  /** Count one event at `ts` for `key`; returns how many fall in the window ending at `ts`. */
  add(key: string, ts: number): number {
    const list = (this.times.get(key) ?? []).filter((t) => ts - t <= this.windowUs);
    list.push(ts);
    if (list.length > this.cap) list.shift();
    this.times.set(key, list);
    return list.length;
  }
}

/** Raise each (id, key) once; later occurrences are counted (`repeats`) rather than raised again. */
export class Raiser {
  private readonly seen = new BoundedMap<string, number>(CAPTURE_LIMITS.maxRaisedKeys);
  /** Occurrences not raised again because their (id, key) was raised before. */
  repeats = 0;

  raise(out: Finding[], id: string, key: string, target: string, evidence: string, severity?: Severity): void {
    const k = `${id}|${key}`;
    const n = this.seen.get(k);
    if (n !== undefined) {
      this.seen.set(k, n + 1);
      this.repeats++;
      return;
    }
    this.seen.set(k, 1);
    out.push(alertFinding(id, target, evidence, severity));
  }
}

/** Where a finding saw something: `frame 12 at 2026-12-04T03:05:01.123Z`. */
export const at = (frameNumber: number, timestampUs: number): string => `frame ${frameNumber} at ${new Date(Math.floor(timestampUs / 1000)).toISOString()}`;
