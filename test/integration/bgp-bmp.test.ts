/**
 * The BMP receiver (RFC 7854, Loc-RIB of RFC 9069) against GoBGP exporting to it on loopback: GoBGP (AS65666) starts
 * originating our prefix and a more-specific, and the monitors fed from BMP alert the hijacks with GoBGP's own
 * timestamps; the withdrawal is a visibility loss. A BMP stream with a bad version is refused with its code.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listenBmp, type BmpConnectionSummary } from '../../src/bgp/bmp-receiver.js';
import type { BmpMessage } from '../../src/bgp/bmp.js';
import { BgpMonitor } from '../../src/bgp/monitor.js';
import { parseMonitorConfig } from '../../src/bgp/monitor-config.js';
import { RovTable } from '../../src/bgp/rov.js';
import { parseVrps } from '../../src/bgp/vrp.js';
import type { Finding } from '../../src/model/index.js';
import { freePort, loopbackNet, startGoBgp, waitFor, type GoBgp } from '../helpers/bgp-routers.js';

const MONITORS = parseMonitorConfig('198.51.100.0/24:\n  description: web\n  asn: 65001\n  ignoreMorespecifics: false\n', 'prefixes.yml');
const VRPS = parseVrps('ASN,IP Prefix,Max Length,Trust Anchor\nAS65001,198.51.100.0/24,24,test\n');

describe('BMP receiver against GoBGP', { timeout: 120_000 }, () => {
  const stop = new AbortController();
  let receiver: Promise<BmpConnectionSummary[]>;
  let gobgp: GoBgp;
  let port = 0;
  const messages: BmpMessage[] = [];
  const findings: Finding[] = [];
  const monitor = new BgpMonitor(MONITORS, { rov: new RovTable(VRPS.vrps), vrps: VRPS.vrps });

  before(async () => {
    const listening = new Promise<number>((resolve) => {
      receiver = listenBmp('127.0.0.1', 0, {
        signal: stop.signal, onListening: resolve,
        onMessage: (_r, m) => messages.push(m),
        onRoute: (e) => findings.push(...monitor.observe(e)),
      });
    });
    port = await listening;
    const net = loopbackNet();
    gobgp = await startGoBgp({ asn: 65666, routerId: '198.18.0.3', localAddress: net(3), localPort: await freePort(net(3)), bmp: { port, policy: 'local-rib' } });
    await waitFor('GoBGP to connect and send Initiation', async () => messages.some((m) => m.type === 'initiation'));
  });

  after(async () => {
    await gobgp?.stop();
    stop.abort();
    await receiver;
  });

  it('GoBGP announcing our prefix and a more-specific is alerted from BMP Route Monitoring', async () => {
    const init = messages.find((m) => m.type === 'initiation');
    assert.ok(init?.type === 'initiation' && init.info.some((t) => t.value === 'GoBGP'));
    await gobgp.announce('198.51.100.0/24');
    await gobgp.announce('198.51.100.0/25');
    await waitFor('the hijacks over BMP', async () => findings.some((f) => f.id === 'bgp.hijack.more-specific') && findings.some((f) => f.id === 'bgp.hijack.exact-prefix'));
    const exact = findings.find((f) => f.id === 'bgp.hijack.exact-prefix')!;
    assert.match(exact.evidence, /originated by AS65666, expected AS65001; path 65666; seen from 198\.18\.0\.3 AS65666; at 20\d\d-/);
    const rm = messages.filter((m) => m.type === 'route-monitoring');
    assert.ok(rm.every((m) => m.type === 'route-monitoring' && m.peer.peerType === 3), 'Loc-RIB peers (RFC 9069)');
    assert.ok(findings.some((f) => f.id === 'bgp.rpki.invalid' && /198\.51\.100\.0\/25 from AS65666/.test(f.evidence)));
  });

  it('the withdrawal over BMP is a visibility loss', async () => {
    await gobgp.withdraw('198.51.100.0/24');
    await waitFor('the withdrawal over BMP', async () => findings.some((f) => f.id === 'bgp.visibility.loss'));
    assert.match(findings.find((f) => f.id === 'bgp.visibility.loss')!.evidence, /198\.51\.100\.0\/24 withdrawn at 1 of the 1 peers/);
  });

  it('a stream that is not BMP version 3 closes that connection with MG_ERR_UNSUPPORTED', async () => {
    await new Promise<void>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => s.write(Uint8Array.from([4, 0, 0, 0, 6, 4])));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    stop.abort();
    const summaries = await receiver;
    assert.ok(summaries.some((s) => s.error?.code === 'MG_ERR_UNSUPPORTED'), JSON.stringify(summaries));
    assert.ok(summaries.some((s) => s.routeMonitoring >= 2 && s.error === null));
  });

  it('bgp collect --bmp-listen: the CLI as a BMP station alerts the hijack and prints one JSON document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmguard-bmp-cli-'));
    writeFileSync(join(dir, 'prefixes.yml'), '198.51.100.0/24:\n  description: web\n  asn: 65001\n  ignoreMorespecifics: false\n');
    let second: GoBgp | undefined;
    try {
      let stderr = '';
      let stdout = '';
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'bgp', 'collect', '--bmp-listen', '127.0.0.1:0', '--config', join(dir, 'prefixes.yml'), '--duration', '10', '--format', 'json'], { cwd: new URL('../..', import.meta.url).pathname });
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('close', r));
      await waitFor('the station to listen', async () => /listening on 127\.0\.0\.1:\d+/.test(stderr));
      const cliPort = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
      const net = loopbackNet();
      second = await startGoBgp({ asn: 65666, routerId: '198.18.0.5', localAddress: net(5), localPort: await freePort(net(5)), bmp: { port: cliPort, policy: 'local-rib' } });
      await waitFor('GoBGP to reach the station', async () => /BMP .*: initiation/.test(stderr));
      await second.announce('198.51.100.0/24');
      const code = await exited;
      assert.equal(code, 1, stderr);
      const doc = JSON.parse(stdout);
      assert.deepEqual(doc.findings.map((f: Finding) => f.id), ['bgp.hijack.exact-prefix']);
      assert.ok(doc.routes >= 1);
    } finally {
      await second?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
