/**
 * `npm run fuzz [-- --runs N] [--target name,…] [--no-coverage] [--save-corpus] [--json file]`: fuzz every parser with
 * the coverage-guided engine (./engine.ts), at least 100 000 inputs per target by default, from the committed corpus
 * (test/fuzz/corpus/<target>/) and the regression inputs (test/fuzz/regressions/<target>/). Prints executions,
 * refusals, blocks of src/ reached and corpus growth per target; exits 1 on any crash or hang and writes each such input
 * under test/fuzz/findings/ so it can become a regression test.
 *
 * `npm run fuzz -- --make-corpus` (re)writes the committed seed corpus from real peers (./seeds.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFinding, fuzzTarget, type FuzzResult } from './engine.js';
import { liveTls13Seeds, makeSeeds } from './seeds.js';
import { LIVE, TARGETS } from './targets.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const CORPUS_DIR = join(HERE, 'corpus');
export const REGRESSIONS_DIR = join(HERE, 'regressions');
const FINDINGS_DIR = join(HERE, 'findings');

const name = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);

/** Every file of `dir/<target>/`, as bytes. */
export function readInputs(dir: string, target: string): Uint8Array[] {
  const d = join(dir, target);
  if (!existsSync(d)) return [];
  return readdirSync(d).sort().map((f) => Uint8Array.from(readFileSync(join(d, f))));
}

function writeInputs(dir: string, target: string, inputs: readonly Uint8Array[]): void {
  mkdirSync(join(dir, target), { recursive: true });
  for (const b of inputs) writeFileSync(join(dir, target, name(b)), b);
}

/** Seeds for `target`: the committed corpus and regressions, or a fresh recording for a live target. */
export async function seedsFor(target: string): Promise<Uint8Array[]> {
  if (TARGETS[target]!.live) {
    const live = await liveTls13Seeds();
    LIVE.tls13ClientHello = live.clientHello;
    return live.flights;
  }
  return [...readInputs(CORPUS_DIR, target), ...readInputs(REGRESSIONS_DIR, target)];
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args.includes('--make-corpus')) {
    const seeds = await makeSeeds();
    for (const [t, inputs] of Object.entries(seeds)) writeInputs(CORPUS_DIR, t, inputs);
    process.stdout.write(`wrote ${Object.values(seeds).flat().length} seeds for ${Object.keys(seeds).length} targets to ${CORPUS_DIR}\n`);
    return 0;
  }
  const runs = Number(value('--runs') ?? 100_000);
  const only = value('--target')?.split(',');
  const coverage = !args.includes('--no-coverage');
  const targets = Object.keys(TARGETS).filter((t) => !only || only.includes(t));
  const results: Record<string, Omit<FuzzResult, 'added' | 'findings'> & { findings: string[] }> = {};
  let bad = 0;
  process.stdout.write(`${'target'.padEnd(24)} ${'execs'.padStart(8)} ${'parsed'.padStart(8)} ${'refused'.padStart(8)} ${'blocks'.padStart(7)} ${'files'.padStart(5)} ${'corpus'.padStart(11)} ${'s'.padStart(6)}  findings\n`);
  for (const [i, t] of targets.entries()) {
    const seeds = await seedsFor(t);
    if (seeds.length === 0) throw new Error(`${t}: no seed (run npm run fuzz -- --make-corpus)`);
    const r = await fuzzTarget(TARGETS[t]!, seeds, { runs, seed: 0x5eed0000 + i, coverage });
    if (args.includes('--save-corpus') && !TARGETS[t]!.live) writeInputs(CORPUS_DIR, t, r.added);
    if (r.findings.length) {
      bad += r.findings.length;
      writeInputs(FINDINGS_DIR, t, r.findings.map((f) => f.input));
    }
    results[t] = { ...r, findings: r.findings.map(describeFinding) };
    process.stdout.write(
      `${t.padEnd(24)} ${String(r.executions).padStart(8)} ${String(r.parsed).padStart(8)} ${String(r.refused).padStart(8)} ${String(r.blocks).padStart(7)} ${String(r.files).padStart(5)} ${`${r.corpusStart}→${r.corpusEnd}`.padStart(11)} ${(r.ms / 1000).toFixed(1).padStart(6)}  ${r.findings.length ? r.findings.map(describeFinding).join('\n') : 'none'}\n`,
    );
  }
  const out = value('--json');
  if (out) writeFileSync(out, JSON.stringify({ node: process.version, runs, coverage, results }, null, 2) + '\n');
  return bad ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exitCode = 2;
    },
  );
}
