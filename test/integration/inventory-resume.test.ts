import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import type { ScanDocument } from '../../src/model/index.js';
import { startCli } from '../e2e/helpers.js';

const TARGETS = 200;
/** Interrupt once this many targets are in the journal: well before the end, well after the start. */
const KILL_AFTER = 60;

const servers: Server[] = [];
let targets: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'mg-inventory-'));

before(async () => {
  const ca = createAuthority('Inventory Test CA');
  const leaf = issueLeaf(ca, { names: ['127.0.0.1'] });
  // One certificate, 200 listeners: each port is a separate target to the scanner.
  const options = { cert: leaf.pem, key: privateKeyPem(leaf.keyPair), minVersion: 'TLSv1.3' as const };
  for (let i = 0; i < TARGETS; i++) {
    const s = createServer(options, (c) => c.end());
    s.on('tlsClientError', () => {});
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
  }
  targets = servers.map((s) => `127.0.0.1:${(s.address() as AddressInfo).port}`);
  writeFileSync(join(dir, 'targets.yaml'), `targets:\n${targets.map((t) => `  - ${t}`).join('\n')}\n`);
});

after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** Targets in the journal; the line being appended while we read is skipped (it is read again on the next poll). */
const journalTargets = (path: string): string[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"kind":"target"'))
        .flatMap((l) => {
          try {
            return [(JSON.parse(l) as { report: { target: string } }).report.target];
          } catch {
            return [];
          }
        })
    : [];

const progressTargets = (stderr: string) => [...stderr.matchAll(/^\[\d+\/\d+\] (\S+) /gm)].map((m) => m[1]!);

test('Ctrl-C half-way through 200 targets writes what is done; --resume scans only the rest; every target is reported once', { timeout: 240_000 }, async () => {
  const journal = join(dir, 'run.jsonl');
  const out = join(dir, 'report.json');
  const args = ['scan', '--inventory', join(dir, 'targets.yaml'), '--format', 'json', '--output', out, '--journal', journal, '--parallel', '8', '--timeout', '10000'];

  const first = startCli(args);
  // Bounded wait for the journal to reach KILL_AFTER targets, then SIGINT as a terminal's Ctrl-C would.
  for (let i = 0; i < 1200 && journalTargets(journal).length < KILL_AFTER; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(journalTargets(journal).length >= KILL_AFTER, 'the run made progress');
  first.child.kill('SIGINT');
  const r1 = await first.done;
  assert.equal(r1.code, 2, r1.stderr);
  assert.match(r1.stderr, /interrupted with \d+ of 200 target\(s\) done; run the same command with --resume/);
  const doneFirst = journalTargets(journal);
  assert.ok(doneFirst.length < TARGETS, `interrupted before the end (${doneFirst.length} done)`);
  const partial = JSON.parse(readFileSync(out, 'utf8')) as ScanDocument;
  assert.deepEqual(partial.targets.map((t) => t.target).sort(), [...doneFirst].sort(), 'the partial report holds exactly the finished targets');

  const r2 = await startCli([...args, '--resume']).done;
  assert.ok(r2.code === 0 || r2.code === 1, r2.stderr);
  assert.match(r2.stderr, new RegExp(`${doneFirst.length} already done \\(resumed\\)`));
  const scannedSecond = progressTargets(r2.stderr);
  assert.equal(scannedSecond.length, TARGETS - doneFirst.length, 'only the remaining targets are scanned');
  assert.deepEqual(scannedSecond.filter((t) => doneFirst.includes(t)), [], 'no finished target is scanned again');

  const final = JSON.parse(readFileSync(out, 'utf8')) as ScanDocument & { report: { targets: unknown[] } };
  const reported = final.targets.map((t) => t.target);
  assert.equal(reported.length, TARGETS);
  assert.equal(new Set(reported).size, TARGETS, 'each target once');
  assert.deepEqual(reported, targets, 'in inventory order');
  const bad = final.targets.filter((t) => !(t.ok && t.tls?.protocols['TLSv1.3']));
  assert.deepEqual(bad.map((t) => `${t.target} ${t.error?.code} ${t.error?.message}`), [], 'every target really scanned');
  assert.equal(final.report.targets.length, TARGETS);
  assert.equal(existsSync(journal), false, 'the journal is removed after a complete run');
});
