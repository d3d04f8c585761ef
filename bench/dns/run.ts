/**
 * Benchmark: validations per second of a three-level DNSSEC chain (test. → ec.test. → sub.ec.test. → www A) by
 * mitmguard, side by side with `delv` (BIND 9) run the same number of times against the same knotd on loopback with
 * the same trust anchor. Every mitmguard validation starts from a fresh validator (no cache carries over), as every
 * delv process does. Prints the ratio and writes bench/results/dns.json. A script, not a test.
 *
 *   npx tsx bench/dns/run.ts [--n 100] [--concurrency 8]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { queryValidated } from '../../src/dns/query-validated.js';
import { parseAnchors } from '../../src/dns/dnssec/anchors.js';
import { RR_TYPES } from '../../src/dns/types.js';
import { delvVerdict, runDelv, startKnot } from '../../test/helpers/knot.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--n', 100);
const CONCURRENCY = arg('--concurrency', 8);
const NAME = 'www.sub.ec.test.';

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function main(): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for (const [label, signing] of [['ECDSA P-256', 'ecdsa'], ['RSA/SHA-256', 'rsa']] as const) {
    const knot = await startKnot([
      { name: 'test.', signing },
      { name: 'ec.test.', signing },
      { name: 'sub.ec.test.', signing, records: ['www A 192.0.2.10'] },
    ]);
    try {
      const options = {
        servers: { default: { host: knot.host, port: knot.port }, zones: [] },
        anchors: parseAnchors(knot.anchorText, 'bench anchor'),
        query: { timeoutMs: 5000 },
      };
      const once = async () => {
        const r = await queryValidated(NAME, RR_TYPES.A, options);
        if (r.verdict !== 'SECURE') throw new Error(`bench chain not SECURE: ${r.reason?.text}`);
        return r.queries;
      };
      const queries = await once();
      const firstDelv = await runDelv(knot, NAME, 'A');
      if (delvVerdict(firstDelv) !== 'SECURE') throw new Error(`delv does not validate the bench chain: ${firstDelv}`);

      let t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await once();
      const sequential = N / seconds(t0);

      t0 = process.hrtime.bigint();
      let next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < N) await once();
      }));
      const concurrent = N / seconds(t0);

      t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await runDelv(knot, NAME, 'A');
      const delvSequential = N / seconds(t0);

      t0 = process.hrtime.bigint();
      next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < N) await runDelv(knot, NAME, 'A');
      }));
      const delvConcurrent = N / seconds(t0);

      const row = {
        chain: label, name: NAME, validations: N, queriesPerValidation: queries, concurrency: CONCURRENCY,
        mitmguardPerSecond: +sequential.toFixed(1), delvPerSecond: +delvSequential.toFixed(1), ratio: +(sequential / delvSequential).toFixed(1),
        mitmguardConcurrentPerSecond: +concurrent.toFixed(1), delvConcurrentPerSecond: +delvConcurrent.toFixed(1), ratioConcurrent: +(concurrent / delvConcurrent).toFixed(1),
      };
      rows.push(row);
      console.log(
        `${label.padEnd(12)} mitmguard ${row.mitmguardPerSecond}/s, delv ${row.delvPerSecond}/s → ${row.ratio}× ` +
          `| ${CONCURRENCY} in flight: mitmguard ${row.mitmguardConcurrentPerSecond}/s, delv ${row.delvConcurrentPerSecond}/s → ${row.ratioConcurrent}×`,
      );
    } finally {
      await knot.stop();
    }
  }
  const delvVersion = await new Promise<string>((res) => execFile('delv', ['-v'], (_e, out, err) => res(`${out}${err}`.trim())));
  const doc = { bench: 'dns', date: new Date().toISOString(), node: process.version, cpus: cpus().length, delv: delvVersion, rows };
  const out = resolve(new URL('../results', import.meta.url).pathname);
  mkdirSync(out, { recursive: true });
  writeFileSync(resolve(out, 'dns.json'), JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote bench/results/dns.json`);
}

await main();
