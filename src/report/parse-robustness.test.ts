/**
 * Mutation test for the document readers of `mitmguard report` (parseScanDocument, previousRun): a few thousand seeded
 * mutants of a real report; each either parses and renders in every format, or is rejected with a MitmError — never a
 * TypeError from deep inside a renderer ("Cannot read properties of undefined").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MitmError } from '../errors.js';
import { presetPolicy } from '../policy/load.js';
import { buildReport, parseScanDocument, renderReport, REPORT_FORMATS } from './index.js';
import { sampleScanDocument } from './sample.js';
import { previousRun } from './summary.js';

const NOW = new Date('2026-06-01T12:00:00Z');
/** Mutants per run; the seed makes a failure reproducible. */
const MUTANTS = 2000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const REPLACEMENTS: Json[] = [null, 0, -1, '', 'x', true, [], {}, 'critical', 'encryption', [null], { id: 1 }];

/** Change, delete or replace one value somewhere in the tree. */
function mutate(doc: Json, rand: () => number): Json {
  const copy = structuredClone(doc);
  const nodes: Array<{ parent: Json[] | { [k: string]: Json }; key: string | number }> = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach((x, i) => (nodes.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) (nodes.push({ parent: v, key: k }), walk(v[k]!));
  };
  walk(copy);
  const n = nodes[Math.floor(rand() * nodes.length)]!;
  const replacement = REPLACEMENTS[Math.floor(rand() * REPLACEMENTS.length)]!;
  if (rand() < 0.3 && !Array.isArray(n.parent)) delete (n.parent as Record<string, Json>)[n.key as string];
  else (n.parent as Record<string | number, Json>)[n.key] = structuredClone(replacement);
  return copy;
}

test(`${MUTANTS} mutants of a report: each is read and rendered in every format, or rejected with a MitmError`, () => {
  const base = JSON.parse(JSON.stringify(buildReport(sampleScanDocument(NOW), presetPolicy('intermediate'), { now: NOW }))) as Json;
  const rand = rng(16);
  let rejected = 0;
  for (let i = 0; i < MUTANTS; i++) {
    const text = JSON.stringify(mutate(base, rand));
    try {
      const scan = parseScanDocument(text, 'mutant.json');
      const report = buildReport(scan, presetPolicy('intermediate'), { now: NOW });
      for (const f of REPORT_FORMATS) assert.equal(typeof renderReport(report, f), 'string');
    } catch (err) {
      if (!(err instanceof MitmError)) throw new Error(`mutant ${i} crashed: ${(err as Error).stack}\n${text.slice(0, 400)}`);
      rejected++;
    }
    try {
      previousRun(JSON.parse(text), 'mutant.json');
    } catch (err) {
      if (!(err instanceof MitmError)) throw new Error(`previousRun on mutant ${i} crashed: ${(err as Error).message}`);
    }
  }
  assert.ok(rejected > 0, 'some mutants are rejected');
  assert.ok(rejected < MUTANTS, 'some mutants are still valid documents');
});
