/**
 * A detector: stateful but pure (DESIGN.md). Decoded events in, findings out; time taken from the events, state with
 * explicit, named limits and expiry, never a map that grows with the input.
 */
import type { Finding } from './finding.js';

export interface Detector<E> {
  /** A stable name, shown in evidence and in `--list` output. */
  readonly name: string;
  /** Feed one decoded event. Returns the findings this event raised (usually none). */
  observe(event: E): Finding[];
  /** The input ended: findings that need the whole stream (floods, summaries). */
  finish(): Finding[];
}
