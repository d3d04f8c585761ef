// Preloaded by scripts/run-tests.mjs into every Node process of a test run (through NODE_OPTIONS):
//   - the network guard (./network-guard.mjs), everywhere;
//   - in the test-file process itself (the `node --test` child running MITMGUARD_TEST_FILE), a note in the guard log
//     that the preload is armed, and a watch on process.exit: a test file that calls process.exit() (itself or through
//     code it imports) ends before the rest of its tests run, and node:test still reports the file as passed. The
//     runner fails such a file. node:test's own exit (--test-force-exit, after the last test) is told apart by its
//     caller, which is inside node:internal/test_runner.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import './network-guard.mjs';

const log = process.env.MITMGUARD_TEST_GUARD_LOG;
const file = process.env.MITMGUARD_TEST_FILE;
const note = (record) => {
  if (!log) return;
  try {
    appendFileSync(log, JSON.stringify({ pid: process.pid, ...record }) + '\n');
  } catch {
    /* nothing to report to */
  }
};

// The main thread only: process.exit() in a worker ends that worker, not the file (and loader hooks run in a thread).
if (isMainThread && file && process.env.NODE_TEST_CONTEXT && process.argv[1] && resolve(process.argv[1]) === file) {
  note({ kind: 'armed' });
  const exit = process.exit;
  process.exit = function guardedExit(code) {
    // Frame 0 is this function; frame 1 is whoever called process.exit.
    const caller = (new Error().stack ?? '').split('\n').slice(2, 3).join('').trim();
    if (!caller.includes('node:internal/test_runner')) {
      note({ kind: 'exit', code: code ?? process.exitCode ?? 0, caller, stack: (new Error().stack ?? '').split('\n').slice(2, 8).map((l) => l.trim()) });
    }
    return exit.call(this, code);
  };
}
