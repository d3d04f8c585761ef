// A node:test reporter for scripts/run-tests.mjs: one JSON line per finished test or suite (test:pass / test:fail),
// so the runner counts the tests a file really ran instead of trusting the summary (on Node 20 a file that registers
// no test, or that exits before its tests run, is itself reported as one passing test).
export default async function* countReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data ?? {};
    const error = d.details?.error;
    yield JSON.stringify({
      ok: event.type === 'test:pass',
      name: d.name,
      nesting: d.nesting,
      file: d.file ?? null,
      suite: d.details?.type === 'suite',
      skip: d.skip !== undefined && d.skip !== false,
      todo: d.todo !== undefined && d.todo !== false,
      failureType: error?.failureType ?? error?.cause?.failureType ?? null,
    }) + '\n';
  }
}
