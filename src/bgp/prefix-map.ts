/**
 * A small binary trie from prefixes to values, for the monitor file's prefixes (thousands at most): the entries that
 * cover a route's prefix, most specific last, in at most 32 or 128 steps.
 */
import type { Prefix } from './prefix.js';

interface Node<T> {
  zero?: Node<T>;
  one?: Node<T>;
  values?: T[];
}

export class PrefixMap<T> {
  private readonly roots: Record<4 | 6, Node<T>> = { 4: {}, 6: {} };

  set(p: Prefix, value: T): void {
    let n = this.roots[p.afi];
    for (let i = 0; i < p.length; i++) {
      const bit = (p.bytes[i >> 3]! >> (7 - (i & 7))) & 1;
      n = bit ? (n.one ??= {}) : (n.zero ??= {});
    }
    (n.values ??= []).push(value);
  }

  /** Values at prefixes covering `p` (p itself included), least specific first. */
  covering(p: Prefix): T[] {
    const out: T[] = [];
    let n: Node<T> | undefined = this.roots[p.afi];
    for (let i = 0; n; i++) {
      if (n.values) out.push(...n.values);
      if (i === p.length) break;
      n = (p.bytes[i >> 3]! >> (7 - (i & 7))) & 1 ? n.one : n.zero;
    }
    return out;
  }
}
