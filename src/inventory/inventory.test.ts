import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMitmError } from '../errors.js';
import { presetPolicy } from '../policy/load.js';
import { rulesFor } from '../policy/apply.js';
import type { TargetReport } from '../model/index.js';
import { inventoryLabels, parseInventory, policyWithExpectations } from './file.js';
import { appendJournal, readJournal, startJournal } from './journal.js';
import { createProgress } from './progress.js';

const report = (target: string): TargetReport => ({ target, host: '127.0.0.1', port: 1, ok: true, error: null, tls: null, findings: [], durationMs: 1 });

test('an inventory lists targets as strings or objects, with defaults, tags, owners and expectations', () => {
  const entries = parseInventory(`
defaults:
  tags: [prod]
  owner: platform
targets:
  - https://www.example.test
  - target: smtp://mx.example.test
    name: mail
    tags: [mail]
    owner: messaging
    expect: { starttls: true }
  - target: api.example.test:8443
    expect: { mtls: true }
`);
  assert.deepEqual(entries.map((e) => [e.target, e.name, e.tags, e.owner]), [
    ['https://www.example.test', null, ['prod'], 'platform'],
    ['smtp://mx.example.test', 'mail', ['prod', 'mail'], 'messaging'],
    ['api.example.test:8443', null, ['prod'], 'platform'],
  ]);
  const policy = policyWithExpectations(presetPolicy('intermediate'), entries);
  assert.equal(rulesFor(policy, 'api.example.test:8443')[0]!.requireMtls, true);
  assert.equal(rulesFor(policy, 'smtp://mx.example.test')[0]!.requireStarttls, true);
  assert.equal(rulesFor(policy, 'https://www.example.test').length, 0);
  assert.deepEqual(inventoryLabels(entries).names, { 'smtp://mx.example.test': 'mail' });
});

test('a bad inventory fails with MG_ERR_CONFIG and the line and column', () => {
  const bad = (text: string) => {
    try {
      parseInventory(text, 'inv.yaml');
    } catch (e) {
      assert.ok(isMitmError(e, 'MG_ERR_CONFIG'), String(e));
      return e.message;
    }
    assert.fail('accepted a bad inventory');
  };
  assert.match(bad('targets: []\n'), /inv\.yaml:1:10: targets: an inventory needs at least one target/);
  assert.match(bad('targets:\n  - target: a:1\n    expect: { mtls: yes-please }\n'), /inv\.yaml:3:\d+: targets\[0\]\.expect\.mtls/);
  assert.match(bad('targets:\n  - a.test:1\n  - a.test:1\n'), /listed twice/);
  assert.match(bad('targets:\n  - target: a:1\n    colour: red\n'), /inv\.yaml:2:\d+: targets\[0\]/);
});

test('the journal keeps finished targets across runs, ignores a torn last line and refuses another inventory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-journal-'));
  const path = join(dir, 'run.jsonl');
  const targets = ['a:1', 'b:2', 'c:3'];
  startJournal(path, targets, '2026-06-01T00:00:00.000Z');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  appendJournal(path, report('a:1'));
  appendJournal(path, report('c:3'));
  appendFileSync(path, '{"kind":"target","report":{"tar'); // the process died mid-write
  const state = readJournal(path, targets)!;
  assert.deepEqual([...state.done.keys()], ['a:1', 'c:3']);
  assert.equal(state.startedAt, '2026-06-01T00:00:00.000Z');
  assert.throws(() => readJournal(path, ['x:1']), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
  writeFileSync(path, 'garbage\n{}\n');
  assert.throws(() => readJournal(path, targets), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  assert.equal(readJournal(join(dir, 'none.jsonl'), targets), null);
  assert.ok(!readFileSync(join(dir, 'run.jsonl'), 'utf8').includes('PRIVATE KEY'));
});

test('without a TTY, progress prints one plain line per finished target and no escape codes', () => {
  let out = '';
  let t = 0;
  const p = createProgress({ write: (s: string) => (out += s), isTTY: false }, () => t);
  p.onProgress({ kind: 'start', total: 2, resumed: 0 });
  p.onProgress({ kind: 'target-start', target: 'a:1', running: ['a:1'] });
  t = 1500;
  p.onProgress({ kind: 'target-done', report: report('a:1'), done: 1, total: 2, running: [] });
  p.onProgress({ kind: 'target-done', report: { ...report('b:2'), ok: false, error: { code: 'MG_ERR_TIMEOUT', message: 'x' } }, done: 2, total: 2, running: [] });
  p.onProgress({ kind: 'end', done: 2, total: 2, interrupted: false });
  p.close();
  assert.deepEqual(out.trim().split('\n'), ['scanning 2 target(s)', '[1/2] a:1 scanned (1.5 s)', '[2/2] b:2 failed: MG_ERR_TIMEOUT (0.0 s)', 'done: 2 target(s) in 0:02']);
  assert.ok(!out.includes('\x1b'));
});

test('on a TTY, progress redraws a block with counts, ETA and the running targets', () => {
  const writes: string[] = [];
  let t = 0;
  const prevCi = process.env.CI;
  delete process.env.CI;
  const p = createProgress({ write: (s: string) => writes.push(s), isTTY: true, columns: 80 }, () => t);
  p.onProgress({ kind: 'start', total: 4, resumed: 1 });
  p.onProgress({ kind: 'target-start', target: 'a:1', running: ['a:1'] });
  t = 2000;
  p.onProgress({ kind: 'target-done', report: report('a:1'), done: 2, total: 4, running: [] });
  t = 2500;
  p.onProgress({ kind: 'target-start', target: 'b:2', running: ['b:2'] });
  p.onProgress({ kind: 'end', done: 2, total: 4, interrupted: true });
  p.close();
  if (prevCi !== undefined) process.env.CI = prevCi;
  const all = writes.join('');
  assert.match(all, /scanning 2\/4 · 0 running · elapsed 0:02 · ETA 0:04/);
  assert.match(all, /⋯ b:2/);
  assert.match(all, /\x1b\[\d+A\x1b\[0J/, 'moves up and clears to redraw in place');
  assert.match(all, /interrupted: 2 of 4 target\(s\) done/);
});

test('withBeyondHandshake adds options to every scan call; the call wins per key, mtls always wins from either side, and false on either side turns the steps off', async () => {
  const { withBeyondHandshake } = await import('./scan-one.js');
  const seen: unknown[] = [];
  const fake = async (_t: string, o: { beyondHandshake?: unknown }) => {
    seen.push(o.beyondHandshake);
    return {} as never;
  };
  const anchors = {} as never;
  await withBeyondHandshake(fake, { extraAnchors: anchors, mtls: 'auto' })('a:1', { beyondHandshake: { mtls: 'always' } });
  await withBeyondHandshake(fake, { extraAnchors: anchors })('a:1', {});
  await withBeyondHandshake(fake, false)('a:1', { beyondHandshake: { mtls: 'always' } });
  await withBeyondHandshake(fake, { mtls: 'always' })('a:1', { beyondHandshake: false });
  // `scan --inventory --mtls`: the entry says 'auto' (it does not expect mTLS), the command line says 'always'.
  await withBeyondHandshake(fake, { mtls: 'always' })('a:1', { beyondHandshake: { mtls: 'auto' } });
  assert.deepEqual(seen, [{ extraAnchors: anchors, mtls: 'always' }, { extraAnchors: anchors }, false, false, { mtls: 'always' }]);
});
