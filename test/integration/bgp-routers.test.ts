/**
 * Real routers writing real MRT: BIRD 2 as the legitimate origin (AS65001) and as a route collector (AS65000) that
 * logs every BGP message (`mrtdump`) and dumps its tables (`mrt dump`, TABLE_DUMP_V2); GoBGP as a hijacker
 * (AS65666) announcing our prefix and a more-specific of it; ExaBGP as a second hijacker (AS65667) of another prefix. All on loopback addresses of this run's own, private
 * AS numbers, documentation prefixes.
 *
 * - Our decoder agrees with `bgpdump -m` line for line on every file the collector wrote (plain, gzip and bzip2).
 * - The run without the hijacker alerts nothing; with it, the RIB dump and the message log both raise the exact-prefix
 *   and more-specific hijacks, MOAS and the RPKI-invalid verdicts; the origin going down is a visibility loss.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { bgpdumpLines } from '../../src/bgp/bgpdump-format.js';
import { checkMrtFiles } from '../../src/bgp/check-files.js';
import { parseMonitorConfig } from '../../src/bgp/monitor-config.js';
import { readMrtFile } from '../../src/bgp/mrt-reader.js';
import { parseVrps } from '../../src/bgp/vrp.js';
import { collectFromPeer, type SessionSummary } from '../../src/bgp/collector.js';
import { BgpMonitor } from '../../src/bgp/monitor.js';
import { RovTable } from '../../src/bgp/rov.js';
import type { Finding } from '../../src/model/index.js';
import { birdRoaRoutes, freePort, loopbackNet, startBird, startExaBgp, startGoBgp, waitFor, type Bird, type GoBgp, type Router } from '../helpers/bgp-routers.js';
import { mrtEvents } from '../../src/bgp/events.js';
import { formatPrefix } from '../../src/bgp/prefix.js';

const run = promisify(execFile);

const MONITORS = parseMonitorConfig(`
198.51.100.0/24:
  description: web
  asn: 65001
  ignoreMorespecifics: false
203.0.113.0/24:
  description: mail
  asn: 65001
  ignoreMorespecifics: false
2001:db8:100::/48:
  description: v6
  asn: 65001
  ignoreMorespecifics: false
`, 'prefixes.yml');

const VRPS = parseVrps(JSON.stringify({
  metadata: { buildmachine: 'test', buildtime: '2026-01-01T00:00:00Z' },
  roas: [
    { asn: 65001, prefix: '198.51.100.0/24', maxLength: 24, ta: 'test', expires: 4102444800 },
    { asn: 65001, prefix: '203.0.113.0/24', maxLength: 24, ta: 'test', expires: 4102444800 },
    { asn: 65001, prefix: '2001:db8:100::/48', maxLength: 48, ta: 'test', expires: 4102444800 },
  ],
}));

async function ourLines(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readMrtFile(file)) out.push(...bgpdumpLines(r));
  return out;
}

async function bgpdumpMachineLines(file: string): Promise<string[]> {
  const { stdout } = await run('bgpdump', ['-m', file], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l !== '');
}

/** A copy of a file that is not being written any more (BIRD appends to its message log). */
function snapshot(src: string, dir: string, name: string): string {
  const dst = join(dir, name);
  copyFileSync(src, dst);
  return dst;
}

const ids = (doc: { findings: Array<{ id: string; target: string }> }) => doc.findings.map((f) => `${f.id} ${f.target}`).sort();

describe('BGP against BIRD 2, GoBGP and ExaBGP', { timeout: 240_000 }, () => {
  const net = loopbackNet();
  let collector: Bird;
  let origin: Bird;
  let hijacker: GoBgp | undefined;
  let exabgp: Router | undefined;
  let work: string;
  /** Ports: the collector's, the origin's, the hijacker's. */
  let pc = 0;
  let po = 0;
  let ph = 0;
  let live: BgpMonitor;
  let liveSession: Promise<SessionSummary> | undefined;
  const stopLive = new AbortController();
  const liveFindings: Finding[] = [];
  let liveRoutes = 0;
  let liveEstablished = false;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'mitmguard-bgp-'));
    [pc, po, ph] = [await freePort(net(2)), await freePort(net(1)), await freePort(net(3))];
    collector = await startBird({
      name: 'collector', routerId: '198.18.0.2', mrtdump: true, addPathDump: true, roas: VRPS.vrps.map((v) => ({ prefix: formatPrefix(v.prefix), maxLength: v.maxLength, asn: v.asn })),
      peers: [
        { name: 'origin', localAddress: net(2), localPort: pc, neighborAddress: net(1), neighborPort: po, asn: 65001, localAs: 65000, import: true, export: false },
        { name: 'hijacker', localAddress: net(2), localPort: pc, neighborAddress: net(3), neighborPort: ph, asn: 65666, localAs: 65000, import: true, export: false },
        { name: 'exa', localAddress: net(2), localPort: pc, neighborAddress: net(5), asn: 65667, localAs: 65000, passive: true, import: true, export: false },
        { name: 'mitmguard', localAddress: net(2), localPort: pc, neighborAddress: net(4), asn: 65100, localAs: 65000, passive: true, import: false, export: true, addPathsTx: true },
      ],
    });
    origin = await startBird({
      name: 'origin', routerId: '198.18.0.1', routes4: ['198.51.100.0/24', '203.0.113.0/24'], routes6: ['2001:db8:100::/48'],
      peers: [{ name: 'collector', localAddress: net(1), localPort: po, neighborAddress: net(2), neighborPort: pc, asn: 65000, localAs: 65001, import: false, export: true }],
    });
    await waitFor('the origin routes at the collector', async () => {
      const r = await collector.birdc('show route');
      return r.includes('198.51.100.0/24') && r.includes('203.0.113.0/24') && r.includes('2001:db8:100::/48');
    });
    // mitmguard's own collector peers with the BIRD collector at the same time, and feeds the same monitors live.
    live = new BgpMonitor(MONITORS, { rov: new RovTable(VRPS.vrps), vrps: VRPS.vrps });
    liveSession = collectFromPeer(net(2), pc, {
      localAddress: net(4), localAs: 65100, peerAs: 65000, bgpId: '198.18.0.4', holdTime: 30, signal: stopLive.signal,
      onRoute: (e) => { liveRoutes++; liveFindings.push(...live.observe(e)); },
      onSession: (_p, e) => { if (e.type === 'established') liveEstablished = true; },
    });
    await waitFor('mitmguard\'s session to be established and receive the routes', async () => liveEstablished && liveRoutes >= 3);
  });

  after(async () => {
    stopLive.abort();
    await liveSession;
    await hijacker?.stop();
    await exabgp?.stop();
    await origin?.stop();
    await collector?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('without a hijacker: our decode equals bgpdump -m on the RIB dump and the message log, and nothing alerts', async () => {
    const rib = join(work, 'clean-rib.mrt');
    await collector.dumpRib(rib);
    const updates = snapshot(collector.updatesFile, work, 'clean-updates.mrt');
    const files = [`${rib}.master4`, `${rib}.master6`, updates];
    for (const f of files) {
      const ours = await ourLines(f);
      assert.ok(ours.length > 0, `${f} has routes`);
      assert.deepEqual(ours, await bgpdumpMachineLines(f), f);
    }
    assert.ok((await ourLines(`${rib}.master4`)).some((l) => l.includes('|198.51.100.0/24|65001|IGP|')));
    assert.ok((await ourLines(`${rib}.master6`)).some((l) => l.includes('|2001:db8:100::/48|65001|IGP|2001:db8::1|')));
    const doc = await checkMrtFiles(files, { monitors: MONITORS, vrps: VRPS });
    assert.deepEqual(doc.files.map((f) => f.error), [null, null, null]);
    assert.deepEqual(doc.findings, []);
    assert.deepEqual(liveFindings, [], 'the live session alerts nothing either');
    assert.ok(doc.rpki!.valid >= 6 && doc.rpki!.invalid === 0, JSON.stringify(doc.rpki));
  });

  it('with GoBGP and ExaBGP hijacking: exact-prefix and more-specific hijacks, MOAS and RPKI invalid, from the RIB dump and the message log alike', async () => {
    hijacker = await startGoBgp({ asn: 65666, routerId: '198.18.0.3', localAddress: net(3), localPort: ph, neighborAddress: net(2), neighborPort: pc, neighborAs: 65000 });
    await hijacker.announce('198.51.100.0/24', ['community', '65000:666']);
    await hijacker.announce('198.51.100.0/25');
    await hijacker.announce('192.0.2.0/24', ['origin', 'igp']);
    // ExaBGP (AS65667) as a second hijacker, of the mail prefix.
    exabgp = await startExaBgp({ asn: 65667, routerId: '198.18.0.6', localAddress: net(5), neighborAddress: net(2), neighborPort: pc, neighborAs: 65000, routes: [{ prefix: '203.0.113.0/24', path: [65667] }] });
    await waitFor('the hijacked routes at the collector', async () => {
      const r = await collector.birdc('show route');
      return r.includes('198.51.100.0/25') && r.includes('192.0.2.0/24') && (r.match(/AS65666/g) ?? []).length >= 3 && /AS65667/.test(r);
    });
    const rib = join(work, 'hijack-rib.mrt');
    await collector.dumpRib(rib);
    const updates = snapshot(collector.updatesFile, work, 'hijack-updates.mrt');
    for (const f of [`${rib}.master4`, updates]) assert.deepEqual(await ourLines(f), await bgpdumpMachineLines(f), f);
    assert.ok((await ourLines(`${rib}.master4`)).some((l) => /\|198\.51\.100\.0\/24\|65666\|INCOMPLETE\|.*\|65000:666\|/.test(l)), 'community decoded');

    const expected = [
      'bgp.hijack.exact-prefix 198.51.100.0/24', 'bgp.hijack.exact-prefix 203.0.113.0/24',
      'bgp.hijack.moas 198.51.100.0/24', 'bgp.hijack.moas 203.0.113.0/24', 'bgp.hijack.more-specific 198.51.100.0/24',
      'bgp.rpki.invalid 198.51.100.0/24', 'bgp.rpki.invalid 198.51.100.0/24', 'bgp.rpki.invalid 203.0.113.0/24',
    ];
    const fromRib = await checkMrtFiles([`${rib}.master4`, `${rib}.master6`], { monitors: MONITORS, vrps: VRPS });
    assert.deepEqual(ids(fromRib), expected);
    const fromUpdates = await checkMrtFiles([updates], { monitors: MONITORS, vrps: VRPS });
    assert.deepEqual(ids(fromUpdates), expected);
    const exact = fromUpdates.findings.find((f) => f.id === 'bgp.hijack.exact-prefix' && f.target === '198.51.100.0/24')!;
    assert.match(exact.evidence, new RegExp(`originated by AS65666, expected AS65001; path 65666; seen from ${net(3).replace(/\./g, '\\.')} AS65666; at 20\\d\\d-`));
    const invalid = fromRib.findings.filter((f) => f.id === 'bgp.rpki.invalid');
    assert.ok(invalid.every((f) => f.severity === 'critical'));
    assert.ok(invalid.some((f) => /198\.51\.100\.0\/25 from AS65666 is RPKI Invalid/.test(f.evidence)));

    // BIRD's ADD-PATH dump (RFC 8050 RIB_IPV4_UNICAST_ADDPATH): path ids per entry, and bgpdump's TABLE_DUMP2_AP lines.
    const { readdirSync } = await import('node:fs');
    let apFile = '';
    await waitFor('an ADD-PATH dump holding the hijack', async () => {
      const done = readdirSync(collector.dir).filter((n) => n.startsWith('addpath-')).sort().slice(0, -1); // the newest may be half written
      for (const n of done.reverse()) {
        const lines = await ourLines(join(collector.dir, n)).catch(() => []);
        if (lines.some((l) => l.includes('|198.51.100.0/25|'))) { apFile = snapshot(join(collector.dir, n), work, 'addpath.mrt'); return true; }
      }
      return false;
    });
    const apLines = await ourLines(apFile);
    assert.ok(apLines.length > 0 && apLines.every((l) => l.startsWith('TABLE_DUMP2_AP|')), apLines[0]);
    assert.deepEqual(apLines, await bgpdumpMachineLines(apFile));
    assert.deepEqual(ids(await checkMrtFiles([apFile], { monitors: MONITORS, vrps: VRPS })), expected.filter((x) => !x.includes('2001:db8')));

    // Differential RFC 6811: our verdict for every route of the dump equals BIRD's roa_check() with the same VRPs.
    const rov = new RovTable(VRPS.vrps);
    const ours: Record<string, string[]> = { ROA_VALID: [], ROA_INVALID: [], ROA_UNKNOWN: [] };
    const BIRD_STATE = { valid: 'ROA_VALID', invalid: 'ROA_INVALID', 'not-found': 'ROA_UNKNOWN' } as const;
    for (const f of [`${rib}.master4`, `${rib}.master6`]) {
      for await (const r of readMrtFile(f)) {
        for (const e of mrtEvents(r)) if (e.type === 'announce') ours[BIRD_STATE[rov.validate(e.prefix, e.origin).state]]!.push(`${formatPrefix(e.prefix)} AS${e.origin}`);
      }
    }
    for (const state of ['ROA_VALID', 'ROA_INVALID', 'ROA_UNKNOWN'] as const) {
      const bird = [...await birdRoaRoutes(collector, 'master4', state), ...await birdRoaRoutes(collector, 'master6', state)].sort();
      assert.deepEqual(ours[state]!.sort(), bird, state);
    }
    assert.deepEqual(ours.ROA_UNKNOWN, ['192.0.2.0/24 AS65666']);
    assert.equal(ours.ROA_INVALID!.length, 3);

    // The live session saw the same hijacks (BIRD sends it every path, ADD-PATH), through one more AS (65000).
    await waitFor('the live session to alert', async () => liveFindings.some((f) => f.id === 'bgp.hijack.more-specific') && liveFindings.some((f) => f.target === '203.0.113.0/24'));
    const liveIds = [...new Set(liveFindings.map((f) => `${f.id} ${f.target}`))].sort();
    for (const id of ['bgp.hijack.exact-prefix 198.51.100.0/24', 'bgp.hijack.exact-prefix 203.0.113.0/24', 'bgp.hijack.more-specific 198.51.100.0/24', 'bgp.rpki.invalid 198.51.100.0/24']) assert.ok(liveIds.includes(id), `${id} live: ${liveIds.join(', ')}`);
    assert.match(liveFindings.find((f) => f.id === 'bgp.hijack.exact-prefix' && f.target === '198.51.100.0/24')!.evidence, new RegExp(`path 65000 65666; seen from ${net(2).replace(/\./g, '\\.')} AS65000`));

    // The same dump compressed: the reader undoes gzip (node:zlib) and bzip2 (Debian bzip2) on its own.
    await run('gzip', ['-k', `${rib}.master4`]);
    await run('bzip2', ['-k', `${rib}.master4`]);
    for (const f of [`${rib}.master4.gz`, `${rib}.master4.bz2`]) {
      assert.ok(statSync(f).size < statSync(`${rib}.master4`).size + 64);
      assert.deepEqual(ids(await checkMrtFiles([f, `${rib}.master6`], { monitors: MONITORS, vrps: VRPS })), expected, f);
    }
  });

  it('the origin going down is a visibility loss in the message log', async () => {
    await origin.stop();
    await waitFor('the collector to log the session down', async () => !(await collector.birdc('show protocols')).match(/origin\s+BGP\s+---\s+up/));
    const updates = snapshot(collector.updatesFile, work, 'down-updates.mrt');
    const doc = await checkMrtFiles([updates], { monitors: MONITORS, vrps: VRPS });
    const loss = doc.findings.filter((f) => f.id === 'bgp.visibility.loss').map((f) => f.target).sort();
    assert.deepEqual(loss, ['198.51.100.0/24', '2001:db8:100::/48', '203.0.113.0/24']);
    await waitFor('the live session to see the withdrawals', async () => liveFindings.filter((f) => f.id === 'bgp.visibility.loss').length >= 3);
    assert.deepEqual(liveFindings.filter((f) => f.id === 'bgp.visibility.loss').map((f) => f.target).sort(), loss);
    assert.deepEqual(await ourLines(updates), await bgpdumpMachineLines(updates));
  });

  it('a cut MRT file is refused with a code and the byte offset', async () => {
    const rib = join(work, 'cut.mrt');
    await collector.dumpRib(rib);
    const full = `${rib}.master4`;
    const { size } = statSync(full);
    const cut = join(work, 'cut-short.mrt');
    writeFileSync(cut, (await import('node:fs')).readFileSync(full).subarray(0, size - 5));
    const doc = await checkMrtFiles([cut], { monitors: MONITORS });
    assert.equal(doc.files[0]!.error?.code, 'MG_ERR_TRUNCATED');
    assert.match(doc.files[0]!.error!.message, /after offset \d+/);
  });
});
