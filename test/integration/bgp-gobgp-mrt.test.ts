/**
 * A second router's MRT writer: GoBGP (AS65000) logging the UPDATEs it receives from BIRD 2 (AS65001) with its
 * `mrt-dump` of type updates. Our decode equals `bgpdump -m` on GoBGP's file, and the legitimate routes alert nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { bgpdumpLines } from '../../src/bgp/bgpdump-format.js';
import { checkMrtFiles } from '../../src/bgp/check-files.js';
import { parseMonitorConfig } from '../../src/bgp/monitor-config.js';
import { readMrtFile } from '../../src/bgp/mrt-reader.js';
import { freePort, loopbackNet, startBird, startGoBgp, waitFor, type Bird, type GoBgp } from '../helpers/bgp-routers.js';

const run = promisify(execFile);

describe('MRT written by GoBGP', { timeout: 240_000 }, () => {
  let dir: string;
  let origin: Bird;
  let gobgp: GoBgp;
  const file = () => join(dir, 'gobgp-updates.mrt');

  /**
   * One GoBGP and one BIRD on a fresh pair of loopback addresses, until GoBGP has logged both routes. When GoBGP still
   * treats BIRD's UPDATE as a withdrawal (1 run in 4 here, BIRD passive), a new pair on new addresses is tried, at most
   * three times.
   */
  async function startPair(): Promise<void> {
    const net = loopbackNet();
    dir = mkdtempSync(join(tmpdir(), 'mitmguard-gobgp-mrt-'));
    const [po, pg] = [await freePort(net(1)), await freePort(net(2))];
    gobgp = await startGoBgp({ asn: 65000, routerId: '198.18.0.2', localAddress: net(2), localPort: pg, neighborAddress: net(1), neighborPort: po, neighborAs: 65001, mrtUpdates: file() });
    origin = await startBird({
      name: 'origin', routerId: '198.18.0.1', routes4: ['198.51.100.0/24', '203.0.113.0/24'], routes6: ['2001:db8:100::/48'],
      // BIRD waits for GoBGP to connect: on a session GoBGP accepted, GoBGP 3.10 refused BIRD's loopback NEXT_HOP in
      // every run here ("invalid nexthop address", the UPDATE treated as a withdrawal); on one it opened, in most.
      peers: [{ name: 'gobgp', localAddress: net(1), localPort: po, neighborAddress: net(2), neighborPort: pg, asn: 65000, localAs: 65001, import: false, export: true, passive: true }],
    });
    await waitFor('GoBGP to log the routes', async () => {
      if (!existsSync(file())) return false;
      const lines: string[] = [];
      for await (const r of readMrtFile(file())) lines.push(...bgpdumpLines(r));
      return lines.some((l) => l.includes('|203.0.113.0/24|')) && lines.some((l) => l.includes('|198.51.100.0/24|'));
    }, 20_000);
  }

  before(async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await startPair();
        return;
      } catch (err) {
        await origin?.stop();
        await gobgp?.stop();
        rmSync(dir, { recursive: true, force: true });
        if (attempt === 3) throw err;
      }
    }
  });

  after(async () => {
    await origin?.stop();
    await gobgp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("our decode of GoBGP's update log equals bgpdump -m, and legitimate routes alert nothing", async () => {
    const ours: string[] = [];
    for await (const r of readMrtFile(file())) ours.push(...bgpdumpLines(r));
    const { stdout } = await run('bgpdump', ['-m', file()]);
    const theirs = stdout.split('\n').filter((l) => l !== '');
    // GoBGP appends while running: compare the records both read (bgpdump ran after us, so it may have more).
    assert.ok(ours.length >= 2);
    assert.deepEqual(theirs.slice(0, ours.length), ours);
    assert.ok(ours.some((l) => /\|A\|.*\|198\.51\.100\.0\/24\|65001\|IGP\|/.test(l)), ours.join('\n'));
    const monitors = parseMonitorConfig('198.51.100.0/24:\n  asn: 65001\n  description: web\n  ignoreMorespecifics: false\n203.0.113.0/24:\n  asn: 65001\n  description: mail\n  ignoreMorespecifics: false\n', 'prefixes.yml');
    const doc = await checkMrtFiles([file()], { monitors });
    assert.equal(doc.files[0]!.error, null);
    assert.deepEqual(doc.findings, []);
  });
});
