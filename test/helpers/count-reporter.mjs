// A node:test reporter for scripts/run-tests.mjs: one JSON line per finished test or suite (test:pass / test:fail),
// so the runner counts the tests a file really ran instead of trusting the summary (on Node 20 a file that registers
// no test, or that exits before its tests run, is itself reported as one passing test).
//
// Each line is appended synchronously to the file MITMGUARD_TEST_EVENTS names: a reporter's destination stream is
// asynchronous, and with --test-force-exit the process can end before it flushes (measured: 42 of 49 lines written).
import { appendFileSync } from 'node:fs';

export default async function* countReporter(source) {
  const sink = process.env.MITMGUARD_TEST_EVENTS;
  for await (const event of source) {
    const d = event.data ?? {};
    // Every test node:test queued: a file whose process ended before all of them finished dropped tests silently.
    if (event.type === 'test:enqueue') {
      const line = JSON.stringify({ enqueued: true, name: d.name, nesting: d.nesting, file: d.file ?? null }) + '\n';
      if (sink) appendFileSync(sink, line);
      else yield line;
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const error = d.details?.error;
    const line = JSON.stringify({
      ok: event.type === 'test:pass',
      name: d.name,
      nesting: d.nesting,
      file: d.file ?? null,
      suite: d.details?.type === 'suite',
      skip: d.skip !== undefined && d.skip !== false,
      todo: d.todo !== undefined && d.todo !== false,
      failureType: error?.failureType ?? error?.cause?.failureType ?? null,
    }) + '\n';
    if (sink) appendFileSync(sink, line);
    else yield line;
  }
}
