/**
 * The bounded slice of `npm run fuzz` that CI runs: every fuzz target from its committed corpus
 * (test/fuzz/corpus/) and its regression inputs (test/fuzz/regressions/), a few hundred mutants each without
 * coverage sampling, plus every corpus and regression input replayed as is. Any exception that is not a MitmError, or an
 * input slower than the engine's hang limit, fails. The full run (≥ 100 000 inputs per target) is `npm run fuzz`.
 */
// run-tests: no-force-exit — Node's --test-force-exit ended this file with some of its tests still queued (the runner
// reports queued tests that never finished); nothing here outlives the tests, so the process ends by itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../../src/errors.js';
import { describeFinding, fuzzTarget } from '../fuzz/engine.js';
import { CORPUS_DIR, readInputs, REGRESSIONS_DIR, seedsFor } from '../fuzz/run.js';
import { TARGETS } from '../fuzz/targets.js';

/** Mutants per target in CI: seconds for the whole slice, not minutes. */
const SLICE = 400;

describe('fuzz slice: every parser on its committed corpus', () => {
  for (const [i, [name, target]] of Object.entries(TARGETS).entries()) {
    it(`${name}: ${target.what}`, async () => {
      const seeds = await seedsFor(name);
      assert.ok(seeds.length > 0, `${name}: the corpus is committed`);
      if (!target.live) {
        // Every kept input, the regressions (inputs that once crashed) first, must parse or be refused with a code.
        for (const input of [...readInputs(REGRESSIONS_DIR, name), ...readInputs(CORPUS_DIR, name)]) {
          try {
            target.run(input);
          } catch (err) {
            assert.ok(isMitmError(err) && !target.total, `${name}: ${(err as Error).message}`);
          }
        }
      }
      const r = await fuzzTarget(target, seeds, { runs: SLICE, seed: 0xc1 + i, coverage: false });
      assert.deepEqual(r.findings.map(describeFinding), []);
      assert.ok(r.parsed + r.refused === r.executions, 'every input either parsed or was refused');
      if (target.total) assert.equal(r.refused, 0);
      else assert.ok(r.refused > 0, `${name}: no mutant reached the parser's checks`);
    });
  }
});
