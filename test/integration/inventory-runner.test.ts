import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InventoryEntry } from '../../src/inventory/file.js';
import { runInventory } from '../../src/inventory/runner.js';
import { inventoryScanner } from '../../src/inventory/scan-one.js';
import { scanTarget } from '../../src/scan/index.js';

/** Plain HTTP targets take the scanner's plain-text path (one GET each), so the runner is exercised without TLS probes. */
const COUNT = 30;
const servers: Server[] = [];
const hits = new Map<number, number>();
let active = 0;
let maxActive = 0;
let entries: InventoryEntry[] = [];

before(async () => {
  for (let i = 0; i < COUNT; i++) {
    const s = createServer((req, res) => {
      const port = (s.address() as AddressInfo).port;
      hits.set(port, (hits.get(port) ?? 0) + 1);
      active++;
      maxActive = Math.max(maxActive, active);
      // Slow enough that several targets are in flight at once.
      setTimeout(() => {
        active--;
        res.writeHead(200).end('ok');
      }, 60);
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
  }
  entries = servers.map((s) => ({ target: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, name: null, tags: [], owner: null, sni: null, expect: {} }));
});
after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});


test('the runner keeps at most --parallel targets in flight and reports every target in inventory order', async () => {
  hits.clear();
  maxActive = 0;
  const run = await runInventory(entries, { scan: inventoryScanner(scanTarget), concurrency: 4 });
  assert.equal(run.interrupted, false);
  assert.deepEqual(run.document.targets.map((t) => t.target), entries.map((e) => e.target));
  assert.ok(run.document.targets.every((t) => t.ok && t.posture?.service?.encrypted === false && t.findings.some((f) => f.id === 'posture.plaintext.http')));
  assert.ok(maxActive <= 4, `at most 4 in flight (saw ${maxActive})`);
  assert.ok(maxActive >= 2, 'targets really ran concurrently');
});

test('an aborted run keeps its journal; resuming scans each remaining server exactly once and none twice', async () => {
  hits.clear();
  const journal = join(mkdtempSync(join(tmpdir(), 'mg-runner-')), 'j.jsonl');
  const controller = new AbortController();
  const first = await runInventory(entries, {
    scan: inventoryScanner(scanTarget),
    concurrency: 3,
    journal,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.kind === 'target-done' && e.done === 10) controller.abort();
    },
  });
  assert.equal(first.interrupted, true);
  assert.equal(first.document.targets.length, 10);
  assert.equal(first.remaining.length, COUNT - 10);
  const second = await runInventory(entries, { scan: inventoryScanner(scanTarget), concurrency: 3, journal, resume: true });
  assert.equal(second.interrupted, false);
  assert.equal(second.resumed, 10);
  assert.equal(second.document.targets.length, COUNT);
  const done = new Set(first.document.targets.map((t) => t.target));
  for (const e of entries) {
    const n = hits.get(Number(new URL(e.target).port)) ?? 0;
    if (done.has(e.target)) assert.equal(n, 1, `${e.target} finished in the first run and was not scanned again`);
    // A target in flight at the abort was asked then and is asked again on resume: at most twice, never lost.
    else assert.ok(n === 1 || n === 2, `${e.target} asked ${n} times`);
  }
});
