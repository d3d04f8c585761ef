/**
 * The RTR client (RFC 8210) against a real cache: stayrtr (Debian), serving an rpki-client JSON file on loopback.
 * The VRPs fetched over RTR equal those read from the same file, and `bgp rov --vrps rtr://…` validates with them.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatVrp } from '../../src/bgp/rov.js';
import { fetchRtrVrps } from '../../src/bgp/rtr-client.js';
import { parseVrps } from '../../src/bgp/vrp.js';
import { isMitmError } from '../../src/errors.js';
import { freePort, waitFor } from '../helpers/bgp-routers.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const ROAS = [
  ...Array.from({ length: 300 }, (_, i) => ({ asn: 64500 + (i % 7), prefix: `198.18.${i % 256}.0/24`, maxLength: 24 + (i % 3), ta: 'test', expires: 4102444800 })),
  { asn: 'AS4200000001', prefix: '2001:db8:100::/48', maxLength: 56, ta: 'test', expires: 4102444800 },
  { asn: 64500, prefix: '192.0.2.0/24', maxLength: 24, ta: 'test', expires: 4102444800 },
];

describe('RTR client against stayrtr', { timeout: 120_000 }, () => {
  let dir: string;
  let stayrtr: ChildProcess;
  let port: number;
  let log = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mitmguard-rtr-'));
    writeFileSync(join(dir, 'vrps.json'), JSON.stringify({ metadata: { buildmachine: 'test', buildtime: '2026-01-01T00:00:00Z' }, roas: ROAS }));
    port = await freePort('127.0.0.1');
    const metrics = await freePort('127.0.0.1');
    stayrtr = spawn('stayrtr', ['-cache', join(dir, 'vrps.json'), '-bind', `127.0.0.1:${port}`, '-metrics.addr', `127.0.0.1:${metrics}`, '-checktime=false', '-refresh', '3600'], { stdio: ['ignore', 'pipe', 'pipe'] });
    stayrtr.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
    stayrtr.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
    await waitFor(`stayrtr to serve (${log})`, async () => /StayRTR Server started/.test(log));
  });

  after(async () => {
    if (stayrtr && stayrtr.exitCode === null) {
      const gone = new Promise((r) => stayrtr.once('exit', r));
      stayrtr.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('a Reset Query fetches the same VRPs as the file stayrtr serves', async () => {
    const r = await fetchRtrVrps('127.0.0.1', port, { timeoutMs: 20_000 });
    assert.equal(r.version, 1);
    assert.ok(r.intervals && r.intervals.refresh > 0);
    const fromFile = parseVrps(JSON.stringify({ roas: ROAS })).vrps.map(formatVrp).sort();
    assert.deepEqual(r.vrps.map(formatVrp).sort(), fromFile);
    assert.equal(r.vrps.length, 302);
  });

  it('bgp rov --vrps rtr://127.0.0.1:PORT validates against the cache', async () => {
    const run = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += d));
      c.stderr.on('data', (d) => (stderr += d));
      c.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const inv = await run(['bgp', 'rov', '2001:db8:100:ff00::/57', 'AS4200000001', '--vrps', `rtr://127.0.0.1:${port}`, '--format', 'json']);
    assert.equal(inv.code, 1, inv.stderr);
    assert.deepEqual([JSON.parse(inv.stdout).state, JSON.parse(inv.stdout).reason], ['invalid', 'max-length']);
    const ok = await run(['bgp', 'rov', '192.0.2.0/24', '64500', '--vrps', `rtr://127.0.0.1:${port}`, '--format', 'json']);
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout).state, 'valid');
  });

  it('no cache listening is MG_ERR_CONNECT', async () => {
    const closed = await freePort('127.0.0.1');
    await assert.rejects(fetchRtrVrps('127.0.0.1', closed, { timeoutMs: 5000 }), (e: unknown) => isMitmError(e, 'MG_ERR_CONNECT'));
  });
});
