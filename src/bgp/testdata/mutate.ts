/**
 * Seeded mutation of byte inputs for the BGP wing's robustness tests (test-only): bits flipped, bytes set to
 * boundary values, cut short, bytes inserted, slices repeated, 16/32-bit length fields inflated, inputs spliced.
 */
import { isMitmError } from '../../errors.js';

export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const pick = (rnd: () => number, n: number) => Math.floor(rnd() * n);
type Mutator = (b: Uint8Array, rnd: () => number, other: Uint8Array) => Uint8Array;

const MUTATORS: Mutator[] = [
  (b, rnd) => { const c = Uint8Array.from(b); if (c.length) c[pick(rnd, c.length)]! ^= 1 << pick(rnd, 8); return c; },
  (b, rnd) => { const c = Uint8Array.from(b); if (c.length) c[pick(rnd, c.length)] = [0, 0xff, 0x7f, 0x80, 1, 0xfe][pick(rnd, 6)]!; return c; },
  (b, rnd) => b.slice(0, pick(rnd, b.length + 1)),
  (b, rnd) => {
    const at = pick(rnd, b.length + 1);
    return Uint8Array.from([...b.subarray(0, at), ...Array.from({ length: 1 + pick(rnd, 8) }, () => pick(rnd, 256)), ...b.subarray(at)]);
  },
  (b, rnd) => {
    if (b.length < 2) return b;
    const from = pick(rnd, b.length - 1);
    const len = 1 + pick(rnd, Math.min(64, b.length - from));
    const at = pick(rnd, b.length + 1);
    return Uint8Array.from([...b.subarray(0, at), ...b.subarray(from, from + len), ...b.subarray(at)]);
  },
  (b, rnd) => {
    const c = Uint8Array.from(b);
    if (c.length < 2) return c;
    const at = pick(rnd, c.length - 1);
    const v = [0xffff, 0x8000, 0x7fff, ((c[at]! << 8) | c[at + 1]!) + 1, ((c[at]! << 8) | c[at + 1]!) - 1, 0][pick(rnd, 6)]! & 0xffff;
    c[at] = v >> 8; c[at + 1] = v & 0xff;
    return c;
  },
  (b, rnd) => {
    const c = Uint8Array.from(b);
    if (c.length < 4) return c;
    const at = pick(rnd, c.length - 3);
    c.set([0x7f, 0xff, 0xff, pick(rnd, 256)], at);
    return c;
  },
  (b, rnd, other) => Uint8Array.from([...b.subarray(0, pick(rnd, b.length + 1)), ...other.subarray(pick(rnd, other.length + 1))]),
];

/**
 * Feed `rounds` mutants of the seeds to `parse`. Every seed must parse; every mutant must parse or throw a MitmError.
 * Returns the counts, and the first foreign exception with its input (hex) when one occurred.
 */
export function hammer(seeds: readonly Uint8Array[], parse: (input: Uint8Array) => unknown, rounds: number, salt = 1): { ok: number; refused: number; crash?: string } {
  for (const s of seeds) parse(s);
  const rnd = prng(0x9e3779b9 ^ Math.imul(salt, 2654435761));
  let ok = 0;
  let refused = 0;
  for (let i = 0; i < rounds; i++) {
    const seed = seeds[pick(rnd, seeds.length)]!;
    const other = seeds[pick(rnd, seeds.length)]!;
    let input = seed;
    for (let s = 1 + pick(rnd, 3); s > 0; s--) input = MUTATORS[pick(rnd, MUTATORS.length)]!(input, rnd, other);
    try {
      parse(input);
      ok++;
    } catch (err) {
      if (!isMitmError(err)) return { ok, refused, crash: `${(err as Error).stack ?? String(err)}\ninput: ${Buffer.from(input).toString('hex').slice(0, 400)}` };
      refused++;
    }
  }
  return { ok, refused };
}
