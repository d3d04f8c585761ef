/**
 * x509-limbo conformance harness: `npm run limbo -- [--suite FILE] [--out FILE] [--verbose]`.
 * Writes upstream's harness format ({version, harness, results}) to --out and prints a summary; exits 1 when any
 * testcase is wrongly accepted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseLimboSuite, runLimboTestcase, summarise } from '../src/x509/limbo.js';
import { VERSION } from '../src/version.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(new URL('..', import.meta.url).pathname);
const suitePath = opt('--suite') ?? resolve(root, '../shared/x509-limbo/limbo.json');
const out = opt('--out');
const verbose = args.includes('--verbose');

const cases = parseLimboSuite(readFileSync(suitePath, 'utf8'));
const started = Date.now();
const results = cases.map(runLimboTestcase);
const ms = Date.now() - started;
const summary = summarise(cases, results);

if (out) writeFileSync(out, JSON.stringify({ version: 1, harness: `mitmguard-${VERSION}`, results }, null, 2) + '\n');
const expected = new Map(cases.map((c) => [c.id, c.expected_result]));
if (verbose) {
  for (const r of results) {
    const mark = r.actual_result === 'SKIPPED' ? 'SKIP' : r.actual_result === expected.get(r.id) ? 'ok  ' : 'FAIL';
    if (mark !== 'ok  ' || args.includes('--all')) console.log(`${mark} ${r.id} expected=${expected.get(r.id)} actual=${r.actual_result} ${r.context ?? ''}`);
  }
}
console.log(`x509-limbo: ${summary.total} testcases in ${ms} ms`);
console.log(`  passed:            ${summary.passed}`);
console.log(`  wrongly accepted:  ${summary.wronglyAccepted.length}${summary.wronglyAccepted.length ? ' — ' + summary.wronglyAccepted.join(', ') : ''}`);
console.log(`  wrongly rejected:  ${summary.wronglyRejected.length}${summary.wronglyRejected.length ? ' — ' + summary.wronglyRejected.join(', ') : ''}`);
console.log(`  skipped:           ${summary.skipped.length}`);
for (const s of summary.skipped) console.log(`    ${s.id}: ${s.reason}`);
process.exitCode = summary.wronglyAccepted.length ? 1 : 0;
