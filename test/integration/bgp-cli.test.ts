/**
 * `mitmguard bgp check|rov|dump|collect` end to end, as a user runs them: exit codes, one JSON document, MitmError
 * codes for bad input; `dump` against bgpdump on the same file; `collect --listen` against peers that speak BGP
 * over real TCP — a well-behaved one announcing a hijack, and hostile ones (a malformed UPDATE, an oversized message,
 * a message that stops half-way) that must each get their NOTIFICATION and lose the session.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { concatBytes } from '../../src/bytes.js';
import { decodeMessage, encodeKeepalive, encodeOpen, encodeUpdate, messageLength, type BgpMessage } from '../../src/bgp/message.js';
import { encodeBgp4mpMessage, encodeBgp4mpStateChange, encodePeerIndexTable, encodeRibRecord } from '../../src/bgp/mrt-writer.js';
import { parsePrefix } from '../../src/bgp/prefix.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const execFileP = promisify(execFile);

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => { stderr += d; onStderr?.(stderr); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

const MONITORS = `
prefixes:
  - prefix: 192.0.2.0/24
    origins: [64500]
    description: office
  - prefix: 2001:db8:1::/48
    origins: [64500]
`;
const VRPS = 'ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS64500,192.0.2.0/24,24,test,4102444800\nAS64500,2001:db8:1::/48,48,test,4102444800\n';

function rib(hijack: boolean): Uint8Array {
  const peers = [{ bgpId: '198.18.0.1', address: '198.18.0.1', asn: 64601 }, { bgpId: '198.18.0.2', address: '2001:db8::2', asn: 64602 }];
  const ours = (peerIndex: number) => ({ peerIndex, originatedTime: 1796000000, attributes: { origin: 'IGP' as const, asPath: [{ type: 'sequence' as const, asns: [64600 + peerIndex + 1, 64500] }], nextHop: '198.18.0.1' } });
  return concatBytes([
    encodePeerIndexTable(1796000000, '198.18.0.254', 'test', peers),
    encodeRibRecord(1796000000, 0, parsePrefix('192.0.2.0/24'), [ours(0), ...(hijack ? [{ peerIndex: 1, originatedTime: 1796000100, attributes: { origin: 'IGP' as const, asPath: [{ type: 'sequence' as const, asns: [64602, 64666] }], nextHop: '198.18.0.2' } }] : [ours(1)])]),
    encodeRibRecord(1796000000, 1, parsePrefix('2001:db8:1::/48'), [{ peerIndex: 1, originatedTime: 1796000000, attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [64602, 64500] }], mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::2'], nlri: [] } } }]),
  ]);
}

describe('mitmguard bgp (CLI)', { timeout: 180_000 }, () => {
  let dir: string;
  const f = (name: string) => join(dir, name);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mitmguard-bgp-cli-'));
    writeFileSync(f('monitors.yaml'), MONITORS);
    writeFileSync(f('vrps.csv'), VRPS);
    writeFileSync(f('clean.mrt'), rib(false));
    writeFileSync(f('hijack.mrt'), rib(true));
    writeFileSync(f('cut.mrt'), rib(true).subarray(0, 90));
    writeFileSync(f('bad.yaml'), 'prefixes:\n  - prefix: 192.0.2.0/33\n    origins: [64500]\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('check: a clean RIB exits 0, a hijacked one exits 1 with one JSON document of findings', async () => {
    const clean = await cli(['bgp', 'check', f('clean.mrt'), '--config', f('monitors.yaml'), '--vrps', f('vrps.csv'), '--format', 'json']);
    assert.equal(clean.code, 0, clean.stderr);
    const cdoc = JSON.parse(clean.stdout);
    assert.deepEqual(cdoc.findings, []);
    assert.deepEqual(cdoc.rpki, { valid: 3, invalid: 0, 'not-found': 0 });
    const hij = await cli(['bgp', 'check', f('hijack.mrt'), '--config', f('monitors.yaml'), '--vrps', f('vrps.csv'), '--format', 'json']);
    assert.equal(hij.code, 1, hij.stderr);
    const doc = JSON.parse(hij.stdout);
    assert.deepEqual(doc.findings.map((x: { id: string }) => x.id).sort(), ['bgp.hijack.exact-prefix', 'bgp.hijack.moas', 'bgp.rpki.invalid']);
    assert.equal(doc.files[0].routes, 3);
    const text = await cli(['bgp', 'check', f('hijack.mrt'), '--config', f('monitors.yaml'), '--fail-on', 'critical']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /critical +bgp\.hijack\.exact-prefix 192\.0\.2\.0\/24: 192\.0\.2\.0\/24 \(office\) originated by AS64666/);
  });

  it('check: bad input exits 2 with its code — a cut MRT file, a bad monitor file, a missing VRP file, no options', async () => {
    const cut = await cli(['bgp', 'check', f('cut.mrt'), '--config', f('monitors.yaml'), '--format', 'json']);
    assert.equal(cut.code, 2);
    assert.equal(JSON.parse(cut.stdout).files[0].error.code, 'MG_ERR_TRUNCATED');
    const bad = await cli(['bgp', 'check', f('clean.mrt'), '--config', f('bad.yaml')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /MG_ERR_CONFIG: .*bad\.yaml:2:/);
    const missing = await cli(['bgp', 'check', f('clean.mrt'), '--vrps', f('nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /MG_ERR_IO/);
    const none = await cli(['bgp', 'check', f('clean.mrt')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /MG_ERR_USAGE/);
  });

  it('rov: valid exits 0, invalid exits 1 with the reason and the VRPs, not-found exits 0; bad input exits 2', async () => {
    const valid = await cli(['bgp', 'rov', '192.0.2.0/24', 'AS64500', '--vrps', f('vrps.csv'), '--format', 'json']);
    assert.equal(valid.code, 0);
    assert.equal(JSON.parse(valid.stdout).state, 'valid');
    const inv = await cli(['bgp', 'rov', '192.0.2.0/25', '64500', '--vrps', f('vrps.csv')]);
    assert.equal(inv.code, 1);
    assert.match(inv.stdout, /192\.0\.2\.0\/25 AS64500: invalid \(max-length\)\n {2}unmatched 192\.0\.2\.0\/24-24 AS64500/);
    const nf = await cli(['bgp', 'rov', '198.51.100.0/24', '64500', '--vrps', f('vrps.csv'), '--format', 'json']);
    assert.equal(nf.code, 0);
    assert.equal(JSON.parse(nf.stdout).state, 'not-found');
    const badPrefix = await cli(['bgp', 'rov', '192.0.2.1/24', '64500', '--vrps', f('vrps.csv')]);
    assert.equal(badPrefix.code, 2);
    assert.match(badPrefix.stderr, /MG_ERR_USAGE/);
  });

  it('dump prints what bgpdump -m prints for the same file, every record type included', async () => {
    // BGP4MP_ET with microseconds, a 2-byte-AS MESSAGE with AS4_PATH, IPv6 MP_REACH/MP_UNREACH, an RFC 8050 ADD-PATH
    // RIB record, AS_SETs, aggregator, atomic aggregate, MED, LOCAL_PREF, communities, state changes.
    const peerInfo = { peerAs: 64601, localAs: 64512, peerAddress: '198.18.0.1', localAddress: '198.18.0.254' };
    const all = concatBytes([
      rib(true),
      encodeRibRecord(1796000000, 7, parsePrefix('203.0.113.0/25'), [{ peerIndex: 0, originatedTime: 1796000003, pathId: 7, attributes: { origin: 'EGP', asPath: [{ type: 'sequence', asns: [64601] }, { type: 'set', asns: [64610, 64611] }], nextHop: '198.18.0.1', med: 5, localPref: 100, atomicAggregate: true, aggregator: { asn: 64601, address: '198.18.0.1' }, communities: [64601 * 65536 + 7] } }], true),
      encodeBgp4mpStateChange({ timestamp: 1796000100, ...peerInfo }, 1, 6),
      encodeBgp4mpMessage({ timestamp: 1796000101, microseconds: 123456, ...peerInfo }, encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [64601, 64999] }], nextHop: '198.18.0.1', largeCommunities: [[4200000001, 1, 2]] }, nlri: [{ prefix: parsePrefix('198.51.100.0/25') }], withdrawn: [{ prefix: parsePrefix('203.0.113.128/25') }] }, { as4: true })),
      encodeBgp4mpMessage({ timestamp: 1796000102, ...peerInfo, as4: false }, encodeUpdate({ attributes: { origin: 'INCOMPLETE', asPath: [{ type: 'sequence', asns: [64601, 23456] }], as4Path: [{ type: 'sequence', asns: [4200000005] }], nextHop: '198.18.0.1' }, nlri: [{ prefix: parsePrefix('198.51.100.128/25') }] }, { as4: false })),
      encodeBgp4mpMessage({ timestamp: 1796000103, ...peerInfo, peerAddress: '2001:db8::2', localAddress: '2001:db8::1' }, encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [64601] }], mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::2', 'fe80::2'], nlri: [{ prefix: parsePrefix('2001:db8:2::/48') }] }, mpUnreach: { afi: 2, safi: 1, withdrawn: [{ prefix: parsePrefix('2001:db8:3::/48') }] } } }, { as4: true })),
      encodeBgp4mpStateChange({ timestamp: 1796000104, ...peerInfo }, 6, 1),
    ]);
    writeFileSync(f('all.mrt'), all);
    for (const file of [f('hijack.mrt'), f('all.mrt')]) {
      const ours = await cli(['bgp', 'dump', file]);
      assert.equal(ours.code, 0, ours.stderr);
      const theirs = await execFileP('bgpdump', ['-m', file]);
      assert.ok(theirs.stdout.split('\n').length >= 4);
      assert.equal(ours.stdout, theirs.stdout, file);
    }
  });

  /** Start `bgp collect --listen 127.0.0.1:0` and wait for the port it prints. */
  async function startCollect(extra: string[]): Promise<{ port: number; done: Promise<Run> }> {
    let resolvePort: (p: number) => void;
    const port = new Promise<number>((r) => (resolvePort = r));
    const done = cli(['bgp', 'collect', '--listen', '127.0.0.1:0', '--asn', '64512', '--config', f('monitors.yaml'), '--vrps', f('vrps.csv'), ...extra], (err) => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolvePort(Number(m[1]));
    });
    return { port: await port, done };
  }

  /** A scripted peer over TCP: sends `bytes`, collects what comes back until the collector closes. */
  function peer(port: number, steps: (s: Socket) => void): Promise<BgpMessage[]> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port });
      let buf: Uint8Array = new Uint8Array(0);
      const got: BgpMessage[] = [];
      const t = setTimeout(() => { s.destroy(); reject(new Error('peer: no close within 30 s')); }, 30_000);
      s.on('connect', () => steps(s));
      s.on('data', (d: Buffer) => {
        buf = concatBytes([buf, d]);
        for (let len = messageLength(buf, 0, 65535); len && buf.length >= len; len = messageLength(buf, 0, 65535)) {
          got.push(decodeMessage(buf.subarray(0, len), { as4: true }));
          buf = buf.slice(len);
        }
      });
      s.on('error', () => {});
      s.on('close', () => { clearTimeout(t); resolve(got); });
    });
  }

  const OPEN = encodeOpen({ asn: 64601, holdTime: 3, bgpId: '198.18.0.9' });

  it('collect: a peer announcing a hijack is alerted live; we only ever send OPEN, KEEPALIVE and NOTIFICATION', async () => {
    const { port, done } = await startCollect(['--duration', '4', '--format', 'json', '--hold-time', '3']);
    const update = encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [64601, 64666] }], nextHop: '198.18.0.9' }, nlri: [{ prefix: parsePrefix('192.0.2.0/24') }] }, { as4: true });
    const sent = await peer(port, (s) => {
      s.write(concatBytes([OPEN, encodeKeepalive(), update]));
      const k = setInterval(() => s.write(encodeKeepalive()), 800);
      s.on('close', () => clearInterval(k));
    });
    const run = await done;
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(doc.findings.map((x: { id: string }) => x.id).sort(), ['bgp.hijack.exact-prefix', 'bgp.rpki.invalid', 'bgp.visibility.loss']);
    assert.equal(doc.sessions[0].established, true);
    assert.ok(sent.every((m) => ['open', 'keepalive', 'notification'].includes(m.type)));
    assert.deepEqual(sent.filter((m) => m.type === 'notification').map((m) => m.type === 'notification' && [m.code, m.subcode]), [[6, 2]], 'Cease at the end');
  });

  it('watch (the issue\'s names: --local-as, --monitor, --vrp) posts each finding to a --webhook as it is raised', async () => {
    const posts: Array<{ id: string; target: string }> = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => { posts.push(JSON.parse(body)); res.end('ok'); });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const hookPort = (hook.address() as { port: number }).port;
    try {
      let resolvePort: (p: number) => void;
      const portP = new Promise<number>((r) => (resolvePort = r));
      const done = cli(['bgp', 'watch', '--listen', '127.0.0.1:0', '--local-as', '64512', '--monitor', f('monitors.yaml'), '--vrp', f('vrps.csv'), '--webhook', `http://127.0.0.1:${hookPort}/hook`, '--duration', '4', '--format', 'jsonl', '--hold-time', '3'], (err) => {
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolvePort(Number(m[1]));
      });
      const port = await portP;
      const update = encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [64601, 64666] }], nextHop: '198.18.0.9' }, nlri: [{ prefix: parsePrefix('192.0.2.128/25') }] }, { as4: true });
      await peer(port, (s) => {
        s.write(concatBytes([OPEN, encodeKeepalive(), update]));
        const k = setInterval(() => s.write(encodeKeepalive()), 800);
        s.on('close', () => clearInterval(k));
      });
      const run = await done;
      assert.equal(run.code, 1, run.stderr);
      const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string });
      assert.ok(lines.some((l) => l.id === 'bgp.hijack.more-specific'));
      assert.deepEqual(posts.map((p) => p.id).sort(), lines.map((l) => l.id).sort(), 'every finding printed was posted');
    } finally {
      hook.close();
    }
  });

  const hostile: Array<[string, Uint8Array, number[]]> = [
    ['a malformed UPDATE', (() => { const u = encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [64601] }], nextHop: '198.18.0.9' }, nlri: [{ prefix: parsePrefix('192.0.2.0/24') }] }, { as4: true }); const b = Uint8Array.from(u); b[23] = 0xc0; return b; })(), [3, 4]],
    ['an oversized message', Uint8Array.from([...new Array(16).fill(0xff), 0x20, 0x00, 2]), [1, 2]],
    ['a message that stops half-way', encodeUpdate({ attributes: { origin: 'IGP' }, nlri: [] }, { as4: true }).subarray(0, 10), [4, 0]],
  ];
  for (const [name, bytes, code] of hostile) {
    it(`collect: ${name} gets its NOTIFICATION and the session is closed`, async () => {
      const { port, done } = await startCollect(['--duration', '8', '--format', 'json', '--hold-time', '3']);
      const got = await peer(port, (s) => s.write(concatBytes([OPEN, encodeKeepalive(), bytes])));
      const n = got.find((m) => m.type === 'notification');
      assert.ok(n && n.type === 'notification', `got ${got.map((m) => m.type).join(', ')}`);
      assert.deepEqual([n.code, n.subcode], code);
      const run = await done;
      assert.equal(JSON.parse(run.stdout).sessions[0].established, true);
    });
  }
});
