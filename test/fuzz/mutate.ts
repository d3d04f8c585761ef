/**
 * The seeded generator and the mutation operators every fuzzing test and the coverage-guided fuzzer share: bits
 * flipped, bytes set to 0x00/0xff/0x80, cut short, bytes inserted, slices repeated, length fields inflated, DER lengths
 * turned into gigabyte long forms, two inputs spliced. Seeded, so a failure names an input that reproduces.
 */
import { MitmError } from '../../src/errors.js';

export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

export type Mutator = (b: Uint8Array, rnd: () => number, other: Uint8Array) => Uint8Array;
export const pick = (rnd: () => number, n: number) => Math.floor(rnd() * n);

export const MUTATORS: Record<string, Mutator> = {
  flipBit: (b, rnd) => {
    const c = Uint8Array.from(b);
    if (c.length) c[pick(rnd, c.length)]! ^= 1 << pick(rnd, 8);
    return c;
  },
  interestingByte: (b, rnd) => {
    const c = Uint8Array.from(b);
    if (c.length) c[pick(rnd, c.length)] = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe][pick(rnd, 6)]!;
    return c;
  },
  truncate: (b, rnd) => b.slice(0, pick(rnd, b.length + 1)),
  dropHead: (b, rnd) => b.slice(pick(rnd, Math.min(b.length, 16) + 1)),
  insert: (b, rnd) => {
    const at = pick(rnd, b.length + 1);
    const extra = Uint8Array.from({ length: 1 + pick(rnd, 8) }, () => pick(rnd, 256));
    return Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]);
  },
  repeatSlice: (b, rnd) => {
    if (b.length < 2) return b;
    const from = pick(rnd, b.length - 1);
    const len = 1 + pick(rnd, Math.min(64, b.length - from));
    const at = pick(rnd, b.length + 1);
    return Uint8Array.from([...b.subarray(0, at), ...b.subarray(from, from + len), ...b.subarray(at)]);
  },
  inflateLength: (b, rnd) => {
    // Length fields are 1–3 bytes in TLS, DER, DNS: write a huge or off-by-one value over two bytes.
    const c = Uint8Array.from(b);
    if (c.length < 2) return c;
    const at = pick(rnd, c.length - 1);
    const v = [0xffff, 0x8000, 0x7fff, ((c[at]! << 8) | c[at + 1]!) + 1, 0][pick(rnd, 5)]! & 0xffff;
    c[at] = v >> 8;
    c[at + 1] = v & 0xff;
    return c;
  },
  derLongLength: (b, rnd) => {
    // DER: turn a short length into a long form claiming gigabytes.
    const c = Uint8Array.from(b);
    if (c.length < 2) return c;
    const at = 1 + pick(rnd, c.length - 1);
    return Uint8Array.from([...c.subarray(0, at), 0x84, 0x7f, 0xff, 0xff, 0xff, ...c.subarray(at + 1)]);
  },
  splice: (b, rnd, other) => Uint8Array.from([...b.subarray(0, pick(rnd, b.length + 1)), ...other.subarray(pick(rnd, other.length + 1))]),
};
const MUTATOR_LIST = Object.values(MUTATORS);

export function mutate(seed: Uint8Array, rnd: () => number, other: Uint8Array): Uint8Array {
  let out = seed;
  const steps = 1 + pick(rnd, 3);
  for (let i = 0; i < steps; i++) out = MUTATOR_LIST[pick(rnd, MUTATOR_LIST.length)]!(out, rnd, other);
  return out;
}

export const hex = (b: Uint8Array) => Buffer.from(b.subarray(0, 96)).toString('hex') + (b.length > 96 ? `… (${b.length} bytes)` : '');

/**
 * Feed `rounds` mutants of the seeds to `parse`. Every seed must parse; every mutant must parse or throw a MitmError.
 * Returns the counts, and the first foreign exception with its input (hex) when one occurred — the one mutation loop
 * of every wing's robustness test.
 */
export function hammer(seeds: readonly Uint8Array[], parse: (input: Uint8Array) => unknown, rounds: number, salt = 1): { ok: number; refused: number; crash?: string } {
  for (const s of seeds) parse(s);
  const rnd = prng(0x9e3779b9 ^ Math.imul(salt, 2654435761));
  let ok = 0;
  let refused = 0;
  for (let i = 0; i < rounds; i++) {
    const seed = seeds[pick(rnd, seeds.length)]!;
    const input = mutate(seed, rnd, seeds[pick(rnd, seeds.length)]!);
    try {
      parse(input);
      ok++;
    } catch (err) {
      if (!(err instanceof MitmError)) return { ok, refused, crash: `${(err as Error).stack ?? String(err)}\ninput: ${Buffer.from(input).toString('hex').slice(0, 400)}` };
      refused++;
    }
  }
  return { ok, refused };
}
