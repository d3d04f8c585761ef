/**
 * Route origin validation (RFC 6811 §2) on a binary prefix trie, one for IPv4 and one for IPv6, held in typed arrays
 * so a full table (a million routes against half a million VRPs) validates in a second or two without a heap of
 * small objects. A lookup walks at most 32 or 128 nodes from the root to the route's prefix, collecting the VRPs of
 * every covering prefix on the way:
 *
 * - **valid**: a covering VRP has the route's origin AS and a maxLength ≥ the route's length;
 * - **invalid**: VRPs cover the route but none matches — `origin-as` when none has its AS, `max-length` when one has
 *   its AS but allows only shorter prefixes (RFC 6811 §2; AS 0, RFC 6483 §4, never matches);
 * - **not-found**: no VRP covers the route.
 */
import type { Prefix } from './prefix.js';
import { formatPrefix } from './prefix.js';
import type { Vrp } from './vrp.js';

export type RovState = 'valid' | 'invalid' | 'not-found';
export type InvalidReason = 'origin-as' | 'max-length';

export interface RovResult {
  state: RovState;
  reason?: InvalidReason;
  /** The covering VRPs that decided it (`explain` only). */
  matched?: Vrp[];
  unmatched?: Vrp[];
}

const NONE = -1;
/** Each trie node is three Int32 slots: left child, right child, head of its VRP list. */
const STRIDE = 3;
const FROZEN_STRIDE = 4;

export class RovTable {
  /** Nodes interleaved [left, right, head] so one cache line holds a node; laid out depth-first by `freeze`. */
  private nodes: Int32Array;
  private count = 2;
  private root4 = 0;
  private root6 = 1;
  private vAsn: Uint32Array;
  private vMax: Uint8Array;
  private vNext: Int32Array;
  private readonly vrps: Vrp[] = [];
  private frozen = true;
  private frozenNodes = new Int32Array(0);
  private frozenVrps = new Uint32Array(0);
  private frozenIndex = new Int32Array(0);
  private frozenRoot4 = 0;
  private frozenRoot6 = 0;
  private jump16 = new Int32Array(0);
  private chain16 = new Int32Array(0);
  private chainNode = new Int32Array(0);
  private chainNext = new Int32Array(0);

  constructor(vrps: Iterable<Vrp> = [], expectedVrps = 1024) {
    this.nodes = new Int32Array(Math.max(64, expectedVrps * 4) * STRIDE).fill(NONE);
    this.vAsn = new Uint32Array(Math.max(16, expectedVrps));
    this.vMax = new Uint8Array(this.vAsn.length);
    this.vNext = new Int32Array(this.vAsn.length);
    for (const v of vrps) this.add(v);
    this.freeze();
  }

  get size(): number {
    return this.vrps.length;
  }

  private growVrps(): void {
    const cap = this.vAsn.length * 2;
    const a = new Uint32Array(cap); a.set(this.vAsn); this.vAsn = a;
    const m = new Uint8Array(cap); m.set(this.vMax); this.vMax = m;
    const n = new Int32Array(cap); n.set(this.vNext); this.vNext = n;
  }

  add(v: Vrp): void {
    const p = v.prefix;
    const b = p.bytes;
    let node = p.afi === 4 ? this.root4 : this.root6;
    for (let i = 0; i < p.length; i++) {
      const slot = node * STRIDE + ((b[i >> 3]! >> (7 - (i & 7))) & 1);
      let next = this.nodes[slot]!;
      if (next === NONE) {
        if ((this.count + 1) * STRIDE > this.nodes.length) {
          const grown = new Int32Array(this.nodes.length * 2).fill(NONE);
          grown.set(this.nodes);
          this.nodes = grown;
        }
        next = this.count++;
        this.nodes[slot] = next;
      }
      node = next;
    }
    const idx = this.vrps.length;
    if (idx >= this.vAsn.length) this.growVrps();
    this.vrps.push(v);
    this.vAsn[idx] = v.asn;
    this.vMax[idx] = v.maxLength;
    const h = node * STRIDE + 2;
    this.vNext[idx] = this.nodes[h]!;
    this.nodes[h] = idx;
    this.frozen = false;
  }


  /**
   * Lay the nodes out again in depth-first order, so that the nodes below one prefix sit together in memory and a
   * lookup's walk touches a few adjacent cache lines instead of one random line per bit. Done once after loading.
   */
  freeze(): void {
    if (this.frozen) return;
    const src = this.nodes;
    const order = new Int32Array(this.count);
    const visit = new Int32Array(this.count);
    let next = 0;
    // Iterative preorder: a node, then its left subtree, then its right; each root's tree in turn.
    const stack = new Int32Array(this.count + 1);
    for (const root of [this.root4, this.root6]) {
      let sp = 0;
      stack[sp++] = root;
      while (sp > 0) {
        const n = stack[--sp]!;
        visit[next] = n;
        order[n] = next++;
        const l = src[n * STRIDE]!;
        const r = src[n * STRIDE + 1]!;
        if (r !== NONE) stack[sp++] = r;
        if (l !== NONE) stack[sp++] = l;
      }
    }
    // Frozen form: per node [left, right, first VRP, end VRP]; VRPs as [asn, maxLength] pairs in node order, so the
    // VRPs met along a walk are as close in memory as the nodes.
    const out = new Int32Array(this.count * FROZEN_STRIDE);
    const vd = new Uint32Array(this.vrps.length * 2);
    const vIndex = new Int32Array(this.vrps.length);
    let vp = 0;
    for (let k = 0; k < this.count; k++) {
      const n = visit[k]!;
      const l = src[n * STRIDE]!;
      const r = src[n * STRIDE + 1]!;
      const o = k * FROZEN_STRIDE;
      out[o] = l === NONE ? NONE : order[l]!;
      out[o + 1] = r === NONE ? NONE : order[r]!;
      out[o + 2] = vp;
      for (let v = src[n * STRIDE + 2]!; v !== NONE; v = this.vNext[v]!) {
        vd[vp * 2] = this.vAsn[v]!;
        vd[vp * 2 + 1] = this.vMax[v]!;
        vIndex[vp] = v;
        vp++;
      }
      out[o + 3] = vp;
    }
    this.frozenNodes = out;
    this.frozenVrps = vd;
    this.frozenIndex = vIndex;
    this.frozenRoot4 = order[this.root4]!;
    this.frozenRoot6 = order[this.root6]!;
    this.buildJump16();
    this.frozen = true;
  }

  /**
   * IPv4 routes of /16 or longer skip the first 16 levels: `jump16[first 16 bits]` is the node at depth 16 (or NONE),
   * and `chain16` the VRP-bearing nodes above it, as a linked list (`chainNode`, `chainNext`) — few, since VRPs
   * shorter than /16 are rare.
   */
  private buildJump16(): void {
    const nodes = this.frozenNodes;
    const jump = new Int32Array(65536).fill(NONE);
    const chain = new Int32Array(65536).fill(NONE);
    const chainNode: number[] = [];
    const chainNext: number[] = [];
    const stack: Array<[number, number, number, number]> = [[this.frozenRoot4, 0, 0, NONE]];
    while (stack.length) {
      const [node, depth, bits, above] = stack.pop()!;
      const base = node * FROZEN_STRIDE;
      if (depth === 16) {
        jump[bits] = node;
        chain[bits] = above;
        continue;
      }
      let here = above;
      if (nodes[base + 3]! > nodes[base + 2]!) {
        here = chainNode.length;
        chainNode.push(node);
        chainNext.push(above);
      }
      for (const bit of [0, 1]) {
        const child = nodes[base + bit]!;
        const childBits = (bits << 1) | bit;
        if (child !== NONE) stack.push([child, depth + 1, childBits, here]);
        else {
          const span = 1 << (15 - depth);
          chain.fill(here, childBits * span, childBits * span + span);
        }
      }
    }
    this.jump16 = jump;
    this.chain16 = chain;
    this.chainNode = Int32Array.from(chainNode);
    this.chainNext = Int32Array.from(chainNext);
  }

  /**
   * The RFC 6811 state of a route: its prefix and origin AS (undefined for a path ending in an AS_SET, "NONE" in
   * RFC 6811 §2, which can only be not-found or invalid). 0 valid, 1 invalid by origin AS, 2 invalid by max length,
   * 3 not found: the allocation-free form the benchmark and the detectors call per route.
   */
  validateCode(afi: 4 | 6, b: Uint8Array, length: number, origin: number | undefined): 0 | 1 | 2 | 3 {
    if (!this.frozen) this.freeze();
    const nodes = this.frozenNodes;
    const vd = this.frozenVrps;
    const o = origin === undefined || origin === 0 ? -1 : origin;
    let node = afi === 4 ? this.frozenRoot4 : this.frozenRoot6;
    let covered = false;
    let sameAs = false;
    let start = 0;
    if (afi === 4 && length >= 16) {
      const slot = (b[0]! << 8) | b[1]!;
      for (let c = this.chain16[slot]!; c !== NONE; c = this.chainNext[c]!) {
        const base = this.chainNode[c]! * FROZEN_STRIDE;
        const end = nodes[base + 3]!;
        for (let v = nodes[base + 2]!; v < end; v++) {
          covered = true;
          if (vd[v * 2] === o) {
            if (length <= vd[v * 2 + 1]!) return 0;
            sameAs = true;
          }
        }
      }
      node = this.jump16[slot]!;
      if (node === NONE) return covered ? (sameAs ? 2 : 1) : 3;
      start = 16;
    }
    for (let i = start; ; i++) {
      const base = node * FROZEN_STRIDE;
      const end = nodes[base + 3]!;
      for (let v = nodes[base + 2]!; v < end; v++) {
        covered = true;
        if (vd[v * 2] === o) {
          if (length <= vd[v * 2 + 1]!) return 0;
          sameAs = true;
        }
      }
      if (i === length) break;
      node = nodes[base + ((b[i >> 3]! >> (7 - (i & 7))) & 1)]!;
      if (node === NONE) break;
    }
    return covered ? (sameAs ? 2 : 1) : 3;
  }

  validate(prefix: Prefix, origin: number | undefined): RovResult {
    const c = this.validateCode(prefix.afi, prefix.bytes, prefix.length, origin);
    return RESULTS[c]!;
  }

  /** The VRPs covering a prefix, shortest first (for evidence: which ROAs made a route invalid). */
  covering(prefix: Prefix): Vrp[] {
    this.freeze();
    const out: Vrp[] = [];
    let node = prefix.afi === 4 ? this.frozenRoot4 : this.frozenRoot6;
    for (let i = 0; ; i++) {
      const base = node * FROZEN_STRIDE;
      for (let v = this.frozenNodes[base + 2]!; v < this.frozenNodes[base + 3]!; v++) out.push(this.vrps[this.frozenIndex[v]!]!);
      if (i === prefix.length) break;
      node = this.frozenNodes[base + ((prefix.bytes[i >> 3]! >> (7 - (i & 7))) & 1)]!;
      if (node === NONE) break;
    }
    return out;
  }

  /** validate() with the covering VRPs split into those that match and those that do not. */
  explain(prefix: Prefix, origin: number | undefined): RovResult {
    const r = this.validate(prefix, origin);
    const cov = this.covering(prefix);
    const ok = (v: Vrp) => origin !== undefined && origin !== 0 && v.asn === origin && prefix.length <= v.maxLength;
    return { ...r, matched: cov.filter(ok), unmatched: cov.filter((v) => !ok(v)) };
  }
}

const RESULTS: readonly RovResult[] = [
  { state: 'valid' }, { state: 'invalid', reason: 'origin-as' }, { state: 'invalid', reason: 'max-length' }, { state: 'not-found' },
];

export function formatVrp(v: Vrp): string {
  return `${formatPrefix(v.prefix)}-${v.maxLength} AS${v.asn}`;
}
