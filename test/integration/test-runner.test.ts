/**
 * scripts/run-tests.mjs on planted test files: what it counts is what the files ran, and each way a file can look
 * green without being so fails the run with a message that names the file — a file that registers no test, one
 * that calls process.exit() before its later tests, a skipped or todo test, one the network guard caught asking the
 * system resolver, one that hangs past its deadline (stopped, with the processes it started, even when it ignores
 * SIGTERM), a failing one, an empty list. The runner runs under the Node that runs this file (process.execPath), so
 * the same test proves it on Node 20 and on Node 24.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function plant(folder: string, name: string, text: string): string {
  mkdirSync(join(dir, folder), { recursive: true });
  const path = join(dir, folder, name);
  writeFileSync(path, text);
  return path;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function runner(paths: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/run-tests.mjs'), ...paths], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

/** The "run-tests: N file(s) failed:" list, as `name → reason`. */
function failures(out: string): Map<string, string> {
  const list = out.split(/run-tests: \d+ file\(s\) failed:\n/)[1] ?? '';
  const m = new Map<string, string>();
  for (const line of list.split('\n')) {
    const hit = /^ {2}(?:.*\/)?([^/:]+\.test\.ts): (.*)$/.exec(line);
    if (hit) m.set(hit[1]!, hit[2]!);
  }
  return m;
}
const totalsLine = (out: string) => /run-tests: (\d+) files in [\d.]+ s — (.*)$/m.exec(out);

test('real tests are counted: subtests and suite members, not the file itself; a clean run exits 0', { timeout: 180_000 }, async () => {
  plant('good', 'good.test.ts', `import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';
test('outer', async (t) => { await t.test('inner', () => assert.equal(1, 1)); });
describe('group', () => { it('one', () => {}); it('two', () => {}); });
`);
  const r = await runner([join(dir, 'good')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const totals = totalsLine(r.stdout);
  assert.ok(totals, r.stdout);
  assert.equal(totals[1], '1');
  assert.equal(totals[2], 'tests 4, suites 1, pass 4, fail 0, cancelled 0, skipped 0, todo 0');
  assert.match(r.stdout, /good\.test\.ts \([\d.]+ s, 4 tests, 4 pass, 0 fail, ok\)/);
});

test('a file with no test, one that exits early, one that asks the system resolver and a failing one each fail the run by name', { timeout: 180_000 }, async () => {
  plant('bad', 'none.test.ts', `console.log('this file registers no test');\n`);
  plant('bad', 'early.test.ts', `import { test } from 'node:test';
test('first', () => {});
test('second leaves', async () => { await new Promise((r) => setTimeout(r, 20)); process.exit(0); });
test('third never runs', () => {});
`);
  plant('bad', 'leak.test.ts', `import { test } from 'node:test';
import { lookup } from 'node:dns';
test('treats any failure as the expected one', async () => {
  await new Promise((resolve) => lookup('leak-probe.mitmguard.invalid', () => resolve(undefined)));
});
`);
  plant('bad', 'failing.test.ts', `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('two is not three', () => assert.equal(2, 3));
`);
  const r = await runner([join(dir, 'bad')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const f = failures(r.stdout);
  assert.deepEqual([...f.keys()].sort(), ['early.test.ts', 'failing.test.ts', 'leak.test.ts', 'none.test.ts'], r.stdout);
  assert.equal(f.get('none.test.ts'), 'ran no test');
  assert.match(f.get('early.test.ts')!, /^called process\.exit\(0\) before its tests finished, at .*early\.test\.ts:3:/);
  assert.match(f.get('leak.test.ts')!, /^left the machine: tried to ask the system resolver for "leak-probe\.mitmguard\.invalid" in .*leak\.test\.ts, at .*leak\.test\.ts:4:/);
  assert.equal(f.get('failing.test.ts'), 'exit 1');
  assert.match(r.stdout, /early\.test\.ts \([\d.]+ s, 1 tests, 1 pass, 0 fail, called process\.exit/, 'only the first test ran');
  assert.equal(totalsLine(r.stdout)?.[2], 'tests 3, suites 0, pass 2, fail 1, cancelled 0, skipped 0, todo 0', 'the failing assertion is counted; the empty file is not a test');
});

test('a hung file is stopped at its deadline with everything in its process group, even when it ignores SIGTERM', { timeout: 180_000 }, async () => {
  const pidFile = join(dir, 'hung.pids');
  // Ignores SIGTERM and leaves a grandchild in its process group: both must be gone after the SIGKILL.
  plant('hung', 'hung.test.ts', `import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
process.on('SIGTERM', () => {});
test('never settles', async () => {
  const c = spawn('sleep', ['300'], { stdio: 'ignore' });
  writeFileSync(${JSON.stringify(pidFile)}, process.pid + ' ' + c.pid);
  await new Promise(() => setInterval(() => {}, 1000));
});
`);
  const r = await runner([join(dir, 'hung')], { MITMGUARD_TEST_FILE_TIMEOUT_S: '10', MITMGUARD_TEST_TIMEOUT_S: '300' });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.deepEqual([...failures(r.stdout)], [['hung.test.ts', 'TIMED OUT after 10 s and was stopped']], r.stdout);
  const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
  assert.equal(pids.length, 2);
  for (const pid of pids) {
    assert.ok(pid > 0);
    const alive = existsSync(`/proc/${pid}`) && !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    assert.equal(alive, false, `process ${pid} of the hung file (the test process ignoring SIGTERM, its sleep) was killed with its group`);
  }
});

test('a skipped or todo test fails a run whose files all passed', { timeout: 180_000 }, async () => {
  plant('skip', 'skip.test.ts', `import { test } from 'node:test';
test('runs', () => {});
test('skipped', { skip: 'not today' }, () => {});
test('later', { todo: true }, () => {});
`);
  const r = await runner([join(dir, 'skip')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(totalsLine(r.stdout)?.[2], 'tests 3, suites 0, pass 1, fail 0, cancelled 0, skipped 1, todo 1');
  assert.match(r.stdout, /run-tests: 1 skipped, 1 todo, 0 cancelled — the run fails/);
});

test('an empty list fails, and a path that does not exist is a usage error', { timeout: 60_000 }, async () => {
  mkdirSync(join(dir, 'empty'), { recursive: true });
  writeFileSync(join(dir, 'empty', 'helper.ts'), 'export const x = 1;\n');
  const empty = await runner([join(dir, 'empty')]);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no test files found under .*empty — an empty test list is a failure/);
  const missing = await runner([join(dir, 'no-such-folder')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /run-tests: no such path: .*no-such-folder/);
});
