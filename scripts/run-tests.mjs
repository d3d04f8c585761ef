#!/usr/bin/env node
// Runs node:test over an explicit list of test files. Node 20 does not expand globs, and a bare `--test` finds no .ts
// file and passes, so this script finds the files itself and fails when the list is empty.
//
//   node scripts/run-tests.mjs                 every *.test.ts under src/ and test/
//   node scripts/run-tests.mjs src/tls test/x  only the files under those paths (files or folders)
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
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
console.error(`run-tests: ${files.length} test files`);

const concurrency = process.env.MITMGUARD_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1));
