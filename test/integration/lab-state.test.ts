/**
 * `lab down` signals only a process it can prove is our lab, and `lab up` never writes through a symbolic link: a
 * cloned repository can ship `.mitmguard/lab.json` with any pid, and links in place of the side files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isMitmError } from '../../src/errors.js';
import { processAlive, processIdentity, verifyLabProcess, writeLabState, type LabState } from '../../src/lab/state.js';
import { runCli } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-lab-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base = (pid: number): LabState => ({ pid, startedAt: '2026-01-01T00:00:00Z', rootPem: 'not a key', endpoints: [] });
function plant(name: string, state: object): string {
  const path = join(dir, name, 'lab.json');
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(path, JSON.stringify(state));
  return path;
}

/** A process that is not our lab, to be the target of planted state files; killed at the end. */
function bystander() {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  after(() => child.kill('SIGKILL'));
  return child;
}

for (const pid of [-1, 0, 1]) {
  test(`lab down refuses a planted pid ${pid} (exit 2, nothing signalled)`, async () => {
    const state = plant(`pid${pid}`, base(pid));
    const down = await runCli(['lab', 'down', '--state', state]);
    assert.equal(down.code, 2, down.stdout + down.stderr);
    assert.match(down.stderr, /cannot be a lab process/);
    assert.ok(existsSync(state), 'the file is left for the user to look at');
  });
}

test('lab down does not signal a live process the state file cannot prove is the lab', async () => {
  const victim = bystander();
  const identity = processIdentity(victim.pid!);
  assert.ok(identity, 'the bystander is visible in /proc');
  const cases: Array<[string, object, RegExp]> = [
    ['no identity', base(victim.pid!), /records no start time/],
    ['reused pid', { ...base(victim.pid!), process: { ...identity, startTime: '1' } }, /another time/],
    ['not a lab command', { ...base(victim.pid!), process: identity }, /another command/],
  ];
  for (const [name, state, reason] of cases) {
    const path = plant(name.replace(/ /g, '-'), state);
    const down = await runCli(['lab', 'down', '--state', path]);
    assert.equal(down.code, 2, `${name}: ${down.stdout}${down.stderr}`);
    assert.match(down.stderr, reason);
    assert.equal(processAlive(victim.pid!), true, `${name}: the bystander was not signalled`);
  }
  assert.deepEqual(verifyLabProcess({ ...base(victim.pid!), process: identity }), { running: false, alive: true, reason: `pid ${victim.pid} runs another command` });
});

test('lab down of a dead pid only removes the stale state', async () => {
  const gone = spawn('true');
  await new Promise((r) => gone.once('exit', r));
  const path = plant('stale', { ...base(gone.pid!), process: { startTime: '1', commandLine: 'node mitmguard lab up --foreground' } });
  const down = await runCli(['lab', 'down', '--state', path]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(existsSync(path), false);
});

test('writing the lab state refuses symbolic links in place of the side files or the directory', () => {
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  mkdirSync(join(dir, 'linked'));
  symlinkSync(victim, join(dir, 'linked', 'lab-root.pem'));
  assert.throws(() => writeLabState(join(dir, 'linked', 'lab.json'), base(process.pid)), (e) => isMitmError(e, 'MG_ERR_IO') && /symbolic link/.test(e.message));
  symlinkSync(join(dir, 'linked'), join(dir, 'dirlink'));
  assert.throws(() => writeLabState(join(dir, 'dirlink', 'lab.json'), base(process.pid)), (e) => isMitmError(e, 'MG_ERR_IO'));
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
});
