/**
 * The lab's BGP exercise (issue 13). Against BIRD 2: the lab's announcing speakers (src/lab/bgp-speaker.ts) peer with
 * a real BIRD collector, which imports every route and gives each the RFC 6811 state of its own `roa_check` over the
 * lab's VRPs — the same verdicts the main job reports. Then the lab run itself (src/bgp's collector and monitors):
 * its verdicts follow the VRP file (a ROA for the mail prefix turns NotFound into Valid), and an abort stops it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isMitmError } from '../../src/errors.js';
import { parseVrps } from '../../src/bgp/vrp.js';
import { formatPrefix } from '../../src/bgp/prefix.js';
import { LAB_BGP, labSamplesDir, runLabBgp, runLabSpeaker } from '../../src/lab/index.js';
import { birdRoaRoutes, freePort, loopbackNet, startBird, waitFor, type Bird } from '../helpers/bgp-routers.js';

const samples = labSamplesDir();
const monitors = join(samples, 'bgp/monitors.yml');
const vrpFile = join(samples, 'bgp/vrps.json');
const dir = mkdtempSync(join(tmpdir(), 'mg-lab-bgp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the lab speakers against BIRD 2', { timeout: 120_000 }, () => {
  const net = loopbackNet();
  let bird: Bird | undefined;
  const stop = new AbortController();
  after(async () => {
    stop.abort();
    await bird?.stop();
  });

  it('BIRD imports the origin\'s and the hijacker\'s routes and judges them as the lab does: 1 valid, 2 invalid, 1 unknown', async () => {
    const port = await freePort(net(1));
    const speakers = LAB_BGP.speakers.map((s, i) => ({ ...s, address: net((i + 2) as 2 | 3) }));
    const roas = parseVrps(readFileSync(vrpFile, 'utf8')).vrps.map((v) => ({ prefix: formatPrefix(v.prefix), maxLength: v.maxLength, asn: v.asn }));
    bird = await startBird({
      name: 'lab-collector', routerId: net(1), roas,
      peers: speakers.map((s) => ({ name: s.name, localAddress: net(1), localPort: port, neighborAddress: s.address, asn: s.asn, localAs: LAB_BGP.collector.asn, passive: true, import: true, export: false })),
    });
    const runs = speakers.map((s) => runLabSpeaker(s, net(1), port, stop.signal));
    await waitFor('BIRD to import the four lab routes', async () => (await bird!.birdc('show route count table master4')).includes('4 of 4 routes'), 30_000);
    assert.deepEqual(await birdRoaRoutes(bird, 'master4', 'ROA_VALID'), ['198.51.100.0/24 AS65010']);
    assert.deepEqual(await birdRoaRoutes(bird, 'master4', 'ROA_INVALID'), ['198.51.100.0/24 AS65066', '198.51.100.128/25 AS65066']);
    assert.deepEqual(await birdRoaRoutes(bird, 'master4', 'ROA_UNKNOWN'), ['203.0.113.0/24 AS65010']);
    const protocols = await bird.birdc('show protocols');
    for (const s of speakers) assert.match(protocols, new RegExp(`${s.name}\\s+BGP\\s+---\\s+up`), protocols);
    stop.abort();
    const ended = await Promise.all(runs);
    assert.deepEqual(ended.map((e) => [e.name, e.established, e.announced]), [['origin', true, 2], ['hijacker', true, 2]]);
    // And the lab's own run over the same files gives the same verdicts.
    const lab = await runLabBgp(monitors, vrpFile);
    assert.deepEqual(lab.observation.rpki, { valid: 1, invalid: 2, 'not-found': 1 });
  });
});

describe('the lab BGP run', { timeout: 60_000 }, () => {
  it('shows the hijacks and their verdicts from the routes its collector received', async () => {
    const r = await runLabBgp(monitors, vrpFile);
    assert.equal(r.observation.collector.established, 2);
    assert.equal(r.observation.announcements, 4);
    const ids = r.findings.map((f) => f.id);
    for (const id of ['bgp.hijack.exact-prefix', 'bgp.hijack.more-specific', 'bgp.hijack.moas', 'bgp.rpki.invalid', 'bgp.rpki.not-covered']) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    const invalid = r.findings.filter((f) => f.id === 'bgp.rpki.invalid').map((f) => f.evidence);
    assert.equal(invalid.length, 2);
    assert.ok(invalid.every((e) => /from AS65066 is RPKI Invalid/.test(e) && /127\.0\.0\.3 AS65066/.test(e)), invalid.join('\n'));
    // The lab's own end (its sessions closing) is no routing event.
    assert.ok(!ids.includes('bgp.visibility.loss'), ids.join(', '));
  });

  it('the verdicts come from the VRP file: with a ROA for the mail prefix, NotFound becomes Valid and not-covered goes', async () => {
    const doc = JSON.parse(readFileSync(vrpFile, 'utf8'));
    doc.roas.push({ asn: 'AS65010', prefix: '203.0.113.0/24', maxLength: 24, ta: 'lab', expires: 1893456000 });
    const more = join(dir, 'vrps-more.json');
    writeFileSync(more, JSON.stringify(doc));
    const r = await runLabBgp(monitors, more);
    assert.deepEqual(r.observation.rpki, { valid: 2, invalid: 2, 'not-found': 0 });
    assert.ok(!r.findings.some((f) => f.id === 'bgp.rpki.not-covered'));
  });

  it('a broken VRP file is a MitmError naming it; an aborted run stops with MG_ERR_ABORTED', async () => {
    const bad = join(dir, 'vrps-bad.json');
    copyFileSync(monitors, bad);
    await assert.rejects(runLabBgp(monitors, bad), (e: unknown) => isMitmError(e) && e.message.includes('vrps-bad.json'));
    await assert.rejects(runLabBgp(monitors, vrpFile, { signal: AbortSignal.abort() }), (e: unknown) => isMitmError(e) && e.code === 'MG_ERR_ABORTED');
  });
});
