/**
 * A small coverage-guided fuzzer on V8's own block coverage (the inspector's Profiler.takePreciseCoverage, which also
 * resets the counters, so every call reports what ran since the last). Inputs are mutants of the corpus
 * (./mutate.ts); a batch that reaches a block of src/ no earlier input reached is replayed input by input, and the inputs
 * that reached new blocks join the corpus. Any exception that is not a MitmError is a crash; an input that runs longer
 * than HANG_MS is a hang. Jazzer.js would be the engine of choice, but its 4.0.0 prebuilt needs glibc 2.38 (this
 * Debian 12 has 2.36) and 2.1.0 downloads its binary at install time: see docs/reliability.md.
 */
import { Session } from 'node:inspector/promises';
import { isMitmError } from '../../src/errors.js';
import { hex, mutate, pick, prng } from './mutate.js';
import type { FuzzTarget } from './targets.js';

/** One input slower than this is reported as a hang (parsers are bounded: none should come near). */
export const HANG_MS = 2000;
/** Inputs between two coverage samples: doubled after every batch that found nothing new, back to the minimum after one that did. */
const MIN_BATCH = 64;
const MAX_BATCH = 2048;
/** Mutants larger than this are not kept in the corpus (the limits of every parser are far below). */
const MAX_INPUT_BYTES = 128 * 1024;

export interface Finding {
  kind: 'crash' | 'hang';
  message: string;
  input: Uint8Array;
}

export interface FuzzResult {
  executions: number;
  parsed: number;
  refused: number;
  /** Distinct src/ blocks (V8 block ranges with a count) reached, and in how many src/ files. */
  blocks: number;
  files: number;
  corpusStart: number;
  corpusEnd: number;
  ms: number;
  findings: Finding[];
  /** The inputs that reached new coverage, to keep as corpus. */
  added: Uint8Array[];
}

type CoverageScripts = Awaited<ReturnType<typeof takeCoverage>>;

async function takeCoverage(session: Session) {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  return result;
}

/** Block keys of src/ code with a count since the last sample. */
function coveredKeys(scripts: CoverageScripts, srcMarker: string): string[] {
  const keys: string[] = [];
  for (const s of scripts) {
    if (!s.url.includes(srcMarker)) continue;
    for (const f of s.functions) for (const r of f.ranges) if (r.count > 0) keys.push(`${s.url}:${r.startOffset}:${r.endOffset}`);
  }
  return keys;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Coverage-guided (inspector sampling); false: plain mutation, for the CI slice. */
  coverage: boolean;
  /** Substring of script URLs counted as ours. */
  srcMarker?: string;
}

/** Fuzz one target from `seeds`. Never throws for a bad input: crashes and hangs are returned. */
export async function fuzzTarget(target: FuzzTarget, seeds: readonly Uint8Array[], options: FuzzOptions): Promise<FuzzResult> {
  const marker = options.srcMarker ?? '/src/';
  const rnd = prng(options.seed);
  const corpus = [...seeds];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const added: Uint8Array[] = [];
  let parsed = 0;
  let refused = 0;
  const started = Date.now();
  const session = options.coverage ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }
  const runOne = (input: Uint8Array): void => {
    const t0 = Date.now();
    try {
      target.run(input);
      parsed++;
    } catch (err) {
      if (isMitmError(err) && !target.total) refused++;
      else if (findings.length < 20) findings.push({ kind: 'crash', message: `${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`, input });
    }
    const took = Date.now() - t0;
    if (took > HANG_MS && findings.length < 20) findings.push({ kind: 'hang', message: `one input took ${took} ms`, input });
  };
  const learn = (keys: string[]): boolean => {
    let fresh = false;
    for (const k of keys) if (!seen.has(k)) (seen.add(k), (fresh = true));
    return fresh;
  };
  try {
    if (session) await takeCoverage(session);
    for (const s of seeds) runOne(s);
    if (session) learn(coveredKeys(await takeCoverage(session), marker));
    let executions = seeds.length;
    let size = MIN_BATCH;
    while (executions < options.runs) {
      const batch: Uint8Array[] = [];
      for (let i = 0; i < size && executions < options.runs; i++, executions++) {
        const parent = corpus[pick(rnd, corpus.length)]!;
        const input = mutate(parent, rnd, corpus[pick(rnd, corpus.length)]!);
        batch.push(input);
        runOne(input);
      }
      if (!session) continue;
      const keys = coveredKeys(await takeCoverage(session), marker);
      if (!keys.some((k) => !seen.has(k))) {
        size = Math.min(MAX_BATCH, size * 2);
        continue;
      }
      size = MIN_BATCH;
      // Something in this batch reached new code: bisect it, replaying halves, down to the inputs that did.
      const bisect = async (inputs: Uint8Array[]): Promise<void> => {
        for (const input of inputs) runOne(input);
        executions += inputs.length;
        const found = coveredKeys(await takeCoverage(session), marker);
        if (!found.some((k) => !seen.has(k))) return;
        if (inputs.length === 1) {
          learn(found);
          if (inputs[0]!.length <= MAX_INPUT_BYTES) {
            corpus.push(inputs[0]!);
            added.push(inputs[0]!);
          }
          return;
        }
        const half = inputs.length >> 1;
        await bisect(inputs.slice(0, half));
        await bisect(inputs.slice(half));
      };
      await bisect(batch);
    }
    // A key is `url:start:end`: the file is what precedes the last two fields.
    const files = new Set([...seen].map((k) => k.slice(0, k.lastIndexOf(':', k.lastIndexOf(':') - 1))));
    return { executions, parsed, refused, blocks: seen.size, files: files.size, corpusStart: seeds.length, corpusEnd: corpus.length, ms: Date.now() - started, findings, added };
  } finally {
    if (session) {
      await session.post('Profiler.stopPreciseCoverage');
      session.disconnect();
    }
  }
}

export const describeFinding = (f: Finding) => `${f.kind}: ${f.message}\n    input ${hex(f.input)}`;
