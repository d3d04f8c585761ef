/**
 * The network guard (test/helpers/network-guard.mjs), which scripts/run-tests.mjs preloads into every Node process of
 * a test run: a lookup through the system resolver, a connection or a datagram to an address outside loopback and
 * the test ranges is refused with ERR_MITMGUARD_NETWORK_GUARD before any packet is sent — in this process and in a
 * Node process it spawns — while loopback and a resolver the test runs still work.
 *
 * The refusals here are expected: they run inside the guard's `expectRefusals`, so they do not fail this file. Each
 * check first asserts that the guard is in place, so a broken preload fails here instead of sending anything out.
 * 240.0.0.1 (reserved, RFC 1112 §4) stands for "an address outside"; probe.mitmguard.invalid for "an outside name".
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import dns, { lookup as namedLookup } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, test } from 'node:test';

const CODE = 'ERR_MITMGUARD_NETWORK_GUARD';
const OUTSIDE_NAME = 'probe.mitmguard.invalid';
const OUTSIDE_ADDRESS = '240.0.0.1';

interface GuardState {
  installed: boolean;
  expected: Array<{ what: string; target: string }>;
  violations: unknown[];
  expectRefusals<T>(fn: () => Promise<T>): Promise<T>;
}
const guard = (globalThis as Record<symbol, unknown>)[Symbol.for('mitmguard.networkGuard')] as GuardState | undefined;
const dir = mkdtempSync(join(tmpdir(), 'mg-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function armed(): GuardState {
  assert.ok(guard?.installed, 'the network guard is preloaded (run this file through scripts/run-tests.mjs)');
  return guard;
}

/** The error a callback-style call hands back, or null. */
const errorOf = (run: (cb: (err: NodeJS.ErrnoException | null) => void) => void) => new Promise<NodeJS.ErrnoException | null>((resolve) => run((err) => resolve(err)));
/** The error a socket emits before it connects, or null when it connects. */
const socketError = (socket: net.Socket) =>
  new Promise<NodeJS.ErrnoException | null>((resolve) => {
    socket.once('error', (err) => resolve(err));
    socket.once('connect', () => (socket.destroy(), resolve(null)));
  });

test('a lookup of an outside name through the system resolver fails with the guard error (callback, promise and named import)', async () => {
  const g = armed();
  const seen = g.expected.length;
  await g.expectRefusals(async () => {
    const viaCallback = await errorOf((cb) => dns.lookup(OUTSIDE_NAME, cb));
    assert.equal(viaCallback?.code, CODE);
    assert.match(viaCallback!.message, /network guard: a test tried to ask the system resolver for "probe\.mitmguard\.invalid"/);
    const viaNamed = await errorOf((cb) => namedLookup(OUTSIDE_NAME, { all: true }, cb));
    assert.equal(viaNamed?.code, CODE);
    await assert.rejects(dns.promises.lookup(OUTSIDE_NAME), (e: NodeJS.ErrnoException) => e.code === CODE);
    await assert.rejects(dns.promises.resolve4(OUTSIDE_NAME), (e: NodeJS.ErrnoException) => e.code === CODE, 'the default resolver is the system one');
    const viaResolver = await errorOf((cb) => new dns.Resolver().resolveTxt(OUTSIDE_NAME, cb));
    assert.equal(viaResolver?.code, CODE, 'a new Resolver starts with the system servers');
    const reverse = await errorOf((cb) => dns.lookupService('198.51.100.7', 443, cb));
    assert.equal(reverse?.code, CODE, 'getnameinfo asks the system resolver too');
  });
  assert.deepEqual(
    g.expected.slice(seen).map((r) => r.target),
    ['"probe.mitmguard.invalid"', '"probe.mitmguard.invalid"', '"probe.mitmguard.invalid"', '"probe.mitmguard.invalid"', '"probe.mitmguard.invalid"', '198.51.100.7'],
  );
  assert.deepEqual(g.violations, [], 'expected refusals are not counted against the file');
});

test('localhost and IP literals are looked up as usual', async () => {
  armed();
  const local = await dns.promises.lookup('localhost', { family: 4 });
  assert.equal(local.address, '127.0.0.1');
  const literal = await dns.promises.lookup('198.51.100.7');
  assert.deepEqual(literal, { address: '198.51.100.7', family: 4 });
});

test('a resolver the test runs on loopback is asked; its answer comes back', async () => {
  armed();
  // A responder that answers NXDOMAIN (RFC 1035 §4.1.1, RCODE 3) to whatever it is asked, echoing the question.
  const server = dgram.createSocket('udp4');
  const asked: string[] = [];
  server.on('message', (q, peer) => {
    if (q.length < 12) return;
    let i = 12;
    const labels: string[] = [];
    while (i < q.length && q[i] !== 0 && labels.length < 64) labels.push(q.subarray(i + 1, i + 1 + q[i]!).toString('latin1')), (i += 1 + q[i]!);
    asked.push(labels.join('.'));
    const r = Buffer.from(q.subarray(0, i + 5));
    r[2] = 0x80 | (q[2]! & 0x01);
    r[3] = 0x80 | 3;
    r.writeUInt16BE(1, 4);
    r.fill(0, 6, 12);
    server.send(r, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
  try {
    const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${(server.address() as AddressInfo).port}`]);
    await assert.rejects(resolver.resolve4(OUTSIDE_NAME), (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND', 'the NXDOMAIN of our responder, not the guard');
    assert.deepEqual(asked, [OUTSIDE_NAME]);
  } finally {
    server.close();
  }
});

test('TCP to an outside address or name is refused before connecting (net, tls with a custom lookup, http, fetch); loopback connects', async () => {
  const g = armed();
  const listener = net.createServer((s) => s.end());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  const port = (listener.address() as AddressInfo).port;
  try {
    assert.equal(await socketError(net.connect({ host: '127.0.0.1', port })), null, 'loopback connects');
    assert.equal(await socketError(net.connect(port, 'localhost')), null, 'localhost connects');
    await g.expectRefusals(async () => {
      const byAddress = await socketError(net.connect(443, OUTSIDE_ADDRESS));
      assert.equal(byAddress?.code, CODE);
      assert.match(byAddress!.message, /connect to 240\.0\.0\.1 port 443/);
      assert.equal((await socketError(net.connect({ host: OUTSIDE_NAME, port: 443 })))?.code, CODE);
      // A custom lookup that maps a name outside is caught on the address it hands back.
      const mapped = tls.connect({ host: 'mapped.mitmguard.invalid', port: 443, lookup: (_n, _o, cb) => (cb as (e: null, a: string, f: number) => void)(null, OUTSIDE_ADDRESS, 4) });
      const mappedError = await new Promise<NodeJS.ErrnoException>((resolve) => mapped.once('error', resolve));
      assert.equal(mappedError.code, CODE);
      assert.match(mappedError.message, /240\.0\.0\.1 \(from "mapped\.mitmguard\.invalid"\)/);
      const viaHttp = await new Promise<NodeJS.ErrnoException>((resolve) => http.get(`http://${OUTSIDE_NAME}/`).once('error', resolve));
      assert.equal(viaHttp.code, CODE);
      const viaFetch = await fetch(`http://${OUTSIDE_ADDRESS}/`).then(
        () => null,
        (e: Error) => e.cause as NodeJS.ErrnoException,
      );
      assert.equal(viaFetch?.code, CODE, 'fetch (undici) goes through the same sockets');
    });
  } finally {
    listener.close();
  }
});

test('UDP to an outside address is refused; to loopback it is sent', async () => {
  const g = armed();
  const receiver = dgram.createSocket('udp4');
  const got = new Promise<string>((resolve) => receiver.once('message', (m) => resolve(m.toString())));
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', () => resolve()));
  const sender = dgram.createSocket('udp4');
  try {
    await g.expectRefusals(async () => {
      const refused = await errorOf((cb) => sender.send('x', 53, OUTSIDE_ADDRESS, cb));
      assert.equal(refused?.code, CODE);
      const named = await errorOf((cb) => sender.send(Buffer.from('x'), 0, 1, 53, OUTSIDE_NAME, cb));
      assert.equal(named?.code, CODE);
    });
    const sent = await errorOf((cb) => sender.send('hello', (receiver.address() as AddressInfo).port, '127.0.0.1', cb));
    assert.equal(sent, null);
    assert.equal(await got, 'hello');
  } finally {
    sender.close();
    receiver.close();
  }
});

test('a Node process the test spawns inherits the guard: its lookup is refused and written to the guard log', { timeout: 60_000 }, async () => {
  armed();
  const log = join(dir, 'child-guard.jsonl');
  const script = `require('node:dns').lookup(${JSON.stringify(OUTSIDE_NAME)}, (e) => { console.log(e && e.code); });`;
  // The child reports to a log of its own, so its refusal (which is the point) does not fail this file.
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, MITMGUARD_TEST_GUARD_LOG: log }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim(), CODE);
  assert.match(stderr, /network guard: a test tried to ask the system resolver for "probe\.mitmguard\.invalid"/);
  const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; target: string; pid: number });
  assert.deepEqual(records.map((r) => [r.kind, r.target, r.pid]), [['network', `"${OUTSIDE_NAME}"`, child.pid]]);
});
