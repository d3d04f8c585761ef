/**
 * `mitmguard tunnel` end to end with real clients: curl and openssl s_client through the tunnel server to an HTTPS
 * backend that does not require client certificates. Allowed, wrong SPIFFE ID, revoked, expired and missing client
 * certificates, each refused with its logged reason; hot reload of the certificate (file change and SIGHUP) without
 * dropping an open connection; /status and /metrics; the tunnel client in front; and `mitmguard scan --mtls` showing
 * policy.mtls.not-required on the bare backend and mtls.client-certificate-required behind the tunnel.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCa, parseSanNames, type CertificateAuthority } from '../../src/ca/index.js';
import { bundleCli, run, waitForJsonLine, type BundledCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-tunnel-'));
const f = (n: string) => join(dir, n);
let ca: CertificateAuthority;
let cli: BundledCli;
let backend: Server;
let backendPort = 0;
const children: ChildProcess[] = [];
let tunnelPort = 0;
let statusUrl = '';
const accessLog = f('access.jsonl');
let tunnelStderr = '';

function issue(name: string, purpose: 'server' | 'client' | 'peer', sans: string[], now?: Date, lifetimeHours?: number): void {
  const r = ca.issue({ profile: purpose, names: parseSanNames(sans), ...(lifetimeHours ? { lifetimeHours } : {}) }, now);
  writeFileSync(f(`${name}.crt`), r.chainPem);
  writeFileSync(f(`${name}.key`), r.keyPem!, { mode: 0o600 });
}

const logLines = (): Array<Record<string, unknown>> =>
  readFileSync(accessLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const curl = (args: string[]) => run('curl', ['-sS', '--max-time', '15', '--cacert', join(ca.dir, 'chain.pem'), ...args], { cwd: dir });
const through = (cert?: string) => curl([...(cert ? ['--cert', f(`${cert}.crt`), '--key', f(`${cert}.key`)] : []), `https://127.0.0.1:${tunnelPort}/hello`]);

before(async () => {
  // Created four days ago, so that a certificate issued three days ago for one hour is a real expired one.
  ca = initCa(f('ca'), { name: 'Tunnel Test', permitDns: ['svc.test'], permitIp: ['127.0.0.0/8'], now: new Date(Date.now() - 4 * 86_400_000) });
  issue('backend', 'server', ['backend.svc.test', '127.0.0.1']);
  issue('tunnel', 'peer', ['tunnel.svc.test', '127.0.0.1']);
  issue('frontend', 'client', ['spiffe://svc.test/ns/web/sa/frontend']);
  issue('intruder', 'client', ['spiffe://svc.test/ns/batch/sa/cron']);
  issue('stolen', 'client', ['spiffe://svc.test/ns/web/sa/stolen']);
  ca.revoke([...ca.state().issued.values()].find((c) => c.names[0] === 'spiffe://svc.test/ns/web/sa/stolen')!.serial, 'keyCompromise');
  issue('expired', 'client', ['spiffe://svc.test/ns/web/sa/old'], new Date(Date.now() - 3 * 86_400_000), 1);
  writeFileSync(f('ca-bundle.pem'), readFileSync(join(ca.dir, 'root.pem')));
  backend = createServer({ cert: readFileSync(f('backend.crt')), key: readFileSync(f('backend.key')) }, (req, res) => {
    if (req.url === '/slow') {
      res.write('first\n');
      setTimeout(() => res.end('second\n'), 1500);
      return;
    }
    res.end(`hello from backend ${req.url}\n`);
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as AddressInfo).port;
  cli = await bundleCli('tunnel');
  const child = cli.spawn([
    'tunnel', 'server', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${backendPort}`, '--target-ca', join(ca.dir, 'chain.pem'),
    '--cert', f('tunnel.crt'), '--key', f('tunnel.key'), '--ca', f('ca-bundle.pem'), '--crl', join(ca.dir, 'crl.pem'),
    '--allow-spiffe', 'spiffe://svc.test/ns/web/**', '--status', '127.0.0.1:0', '--access-log', accessLog,
  ]);
  children.push(child);
  child.stderr?.on('data', (d: Buffer) => (tunnelStderr += d.toString()));
  const addr = await waitForJsonLine(child, (d) => (typeof d.listening === 'string' ? d : undefined));
  tunnelPort = Number(String(addr.listening).split(':').pop());
  statusUrl = String(addr.status);
});

after(async () => {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const t = setTimeout(() => {
      c.kill('SIGKILL');
      resolve();
    }, 15_000);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    c.kill('SIGTERM');
  })));
  backend?.closeAllConnections();
  await new Promise<void>((r) => backend?.close(() => r()));
  cli?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('an allowed SPIFFE ID gets through to the backend, and the access log names it', async () => {
  const r = await through('frontend');
  assert.equal(r.code, 0, r.stderr + readFileSync(accessLog, 'utf8') + tunnelStderr);
  assert.equal(r.stdout, 'hello from backend /hello\n');
  const entry = await waitFor('connection log', () => logLines().find((l) => l.event === 'connection'));
  assert.equal(entry.peer, 'spiffe://svc.test/ns/web/sa/frontend');
  assert.equal(entry.matched, 'spiffe');
  assert.equal(entry.protocol, 'TLSv1.3');
  assert.ok(Number(entry.bytesToClient) > 0);
});

test('no client certificate, a wrong SPIFFE ID, a revoked and an expired certificate are refused with their reason', async () => {
  const cases: Array<[string | undefined, string]> = [[undefined, 'no-client-certificate'], ['intruder', 'identity-denied'], ['stolen', 'revoked'], ['expired', 'expired']];
  for (const [cert, reason] of cases) {
    const before = logLines().filter((l) => l.event === 'refused' && l.reason === reason).length;
    const r = await through(cert);
    assert.notEqual(r.code, 0, `${cert ?? 'no cert'} must be refused`);
    assert.doesNotMatch(r.stdout, /hello from backend/);
    await waitFor(`${reason} log in ${readFileSync(accessLog, 'utf8').split('\n').slice(-3).join('\n')}`, () => (logLines().filter((l) => l.event === 'refused' && l.reason === reason).length > before ? true : undefined));
  }
  const denied = logLines().find((l) => l.reason === 'identity-denied')!;
  assert.equal(denied.peer, 'spiffe://svc.test/ns/batch/sa/cron');
  assert.doesNotMatch(readFileSync(accessLog, 'utf8'), /PRIVATE KEY/);
});

test('openssl s_client without a certificate gets the TLS 1.3 certificate_required alert', async () => {
  // -ign_eof: keep reading after our request, until the server's alert (TLS 1.3 sends it after the client's Finished).
  const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${tunnelPort}`, '-CAfile', join(ca.dir, 'chain.pem'), '-tls1_3', '-ign_eof'], { input: 'GET / HTTP/1.0\r\n\r\n', timeoutMs: 20_000 });
  assert.match(r.stderr + r.stdout, /alert certificate required|alert number 116/, r.stderr + r.stdout);
  const ok = await run('openssl', ['s_client', '-connect', `127.0.0.1:${tunnelPort}`, '-CAfile', join(ca.dir, 'chain.pem'), '-cert', f('frontend.crt'), '-key', f('frontend.key'), '-quiet'], { input: 'GET /s HTTP/1.0\r\n\r\n', timeoutMs: 20_000 });
  assert.match(ok.stdout, /hello from backend \/s/);
  const tls12 = await run('openssl', ['s_client', '-connect', `127.0.0.1:${tunnelPort}`, '-CAfile', join(ca.dir, 'chain.pem'), '-tls1_2', '-cert', f('frontend.crt'), '-key', f('frontend.key')], { input: '', timeoutMs: 20_000 });
  assert.match(tls12.stderr + tls12.stdout, /alert protocol version|no protocols available|wrong version/i, 'TLS 1.2 is refused by the default preset');
});

test('hot reload: a renewed certificate is served to new handshakes while an open connection keeps flowing', async () => {
  const serialOf = async () => {
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${tunnelPort}`, '-CAfile', join(ca.dir, 'chain.pem'), '-cert', f('frontend.crt'), '-key', f('frontend.key')], { input: '', timeoutMs: 20_000 });
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)?.[0] ?? '';
    return (await run('openssl', ['x509', '-noout', '-serial'], { input: pem })).stdout.trim();
  };
  const first = await serialOf();
  // A slow request is in flight across the rotation.
  const slow = curl(['--cert', f('frontend.crt'), '--key', f('frontend.key'), `https://127.0.0.1:${tunnelPort}/slow`]);
  await new Promise((r) => setTimeout(r, 300));
  issue('tunnel-next', 'peer', ['tunnel.svc.test', '127.0.0.1']);
  // Replace the files the way a deploy does: write aside, rename over (key first, then certificate).
  renameSync(f('tunnel-next.key'), f('tunnel.key'));
  renameSync(f('tunnel-next.crt'), f('tunnel.crt'));
  await waitFor('reload', () => logLines().find((l) => l.event === 'reload'));
  const second = await serialOf();
  assert.notEqual(second, first);
  const r = await slow;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'first\nsecond\n');
  // SIGHUP reloads too.
  const reloads = logLines().filter((l) => l.event === 'reload').length;
  children[0]!.kill('SIGHUP');
  await waitFor('SIGHUP reload', () => (logLines().filter((l) => l.event === 'reload').length > reloads ? true : undefined));
  // A broken file keeps the old material.
  writeFileSync(f('tunnel.key'), 'garbage\n', { mode: 0o600 });
  await waitFor('failed reload', () => logLines().find((l) => l.event === 'reload-failed'));
  const still = await through('frontend');
  assert.equal(still.code, 0, still.stderr);
});

test('--ocsp-url: the CA\'s OCSP responder decides; revoked is refused, a dead responder fails closed', async () => {
  const serve = cli.spawn(['ca', 'serve', '--dir', ca.dir, '--listen', '127.0.0.1:0']);
  children.push(serve);
  const ocspUrl = await waitForJsonLine(serve, (d) => (typeof d.listening === 'string' ? `${d.listening}/ocsp` : undefined));
  const log2 = f('access-ocsp.jsonl');
  issue('tunnel-ocsp', 'peer', ['tunnel.svc.test', '127.0.0.1']);
  // No --crl: revocation comes from OCSP alone.
  const t = cli.spawn(['tunnel', 'server', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${backendPort}`, '--target-ca', join(ca.dir, 'chain.pem'),
    '--cert', f('tunnel-ocsp.crt'), '--key', f('tunnel-ocsp.key'), '--ca', f('ca-bundle.pem'), '--ocsp-url', ocspUrl, '--access-log', log2]);
  children.push(t);
  const port = await waitForJsonLine(t, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined));
  const via = (cert: string) => curl(['--cert', f(`${cert}.crt`), '--key', f(`${cert}.key`), `https://127.0.0.1:${port}/ocsp`]);
  const lines = () => readFileSync(log2, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const good = await via('frontend');
  assert.equal(good.code, 0, good.stderr + readFileSync(log2, 'utf8'));
  assert.equal(good.stdout, 'hello from backend /ocsp\n');
  const stolen = await via('stolen');
  assert.notEqual(stolen.code, 0);
  const refused = await waitFor('OCSP refusal', () => lines().find((l) => l.event === 'refused' && l.reason === 'revoked'));
  assert.match(String(refused.detail), /^OCSP: revoked .*\(keyCompromise\)/);
  // Client mode checks the server's certificate the same way: good through the OCSP tunnel, refused for a revoked one.
  issue('srv-revoked', 'peer', ['tunnel.svc.test', '127.0.0.1']);
  ca.revoke([...ca.state().issued.values()].at(-1)!.serial, 'keyCompromise');
  const badSrv = cli.spawn(['tunnel', 'server', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${backendPort}`, '--target-ca', join(ca.dir, 'chain.pem'),
    '--cert', f('srv-revoked.crt'), '--key', f('srv-revoked.key'), '--ca', f('ca-bundle.pem'), '--access-log', '/dev/null']);
  children.push(badSrv);
  const badPort = await waitForJsonLine(badSrv, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined));
  const log5 = f('access-client-ocsp.jsonl');
  const clientVia = async (target: number) => {
    const c = cli.spawn(['tunnel', 'client', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${target}`, '--cert', f('frontend.crt'), '--key', f('frontend.key'), '--ca', f('ca-bundle.pem'), '--allow-dns', 'tunnel.svc.test', '--ocsp-url', ocspUrl, '--access-log', log5]);
    children.push(c);
    const p = await waitForJsonLine(c, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined));
    return run('curl', ['-sS', '--max-time', '15', `http://127.0.0.1:${p}/client-ocsp`]);
  };
  const okClient = await clientVia(port);
  assert.equal(okClient.stdout, 'hello from backend /client-ocsp\n', okClient.stderr);
  const badClient = await clientVia(badPort);
  assert.notEqual(badClient.code, 0);
  await waitFor('client-mode OCSP refusal', () => readFileSync(log5, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'refused' && l.reason === 'revoked' && /OCSP: revoked/.test(String(l.detail))));
  // The responder goes away: a certificate not seen before cannot be checked and is refused.
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('exit', r));
  issue('newcomer', 'client', ['spiffe://svc.test/ns/web/sa/newcomer']);
  const dead = await via('newcomer');
  assert.notEqual(dead.code, 0);
  await waitFor('fail-closed refusal', () => lines().find((l) => l.event === 'refused' && /OCSP: /.test(String(l.detail)) && l.reason === 'bad-certificate'));
  // The frontend's good answer is cached (at most 5 minutes), so it still gets through.
  const cached = await via('frontend');
  assert.equal(cached.code, 0, cached.stderr);
});

test('--renew-ca: a certificate in the last third of its life is renewed from the CA and served without a restart', async () => {
  issue('aging', 'peer', ['tunnel.svc.test', '127.0.0.1'], new Date(Date.now() - 20 * 3_600_000), 24);
  const oldSerial = (await run('openssl', ['x509', '-in', f('aging.crt'), '-noout', '-serial'])).stdout.trim();
  const log3 = f('access-renew.jsonl');
  const t = cli.spawn(['tunnel', 'server', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${backendPort}`, '--target-ca', join(ca.dir, 'chain.pem'),
    '--cert', f('aging.crt'), '--key', f('aging.key'), '--ca', f('ca-bundle.pem'), '--renew-ca', ca.dir, '--access-log', log3]);
  children.push(t);
  const port = await waitForJsonLine(t, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined));
  const renewed = await waitFor('renewed', () => readFileSync(log3, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'renewed'));
  const newSerial = (await run('openssl', ['x509', '-in', f('aging.crt'), '-noout', '-serial'])).stdout.trim();
  assert.notEqual(newSerial, oldSerial);
  assert.equal(`serial=${String(renewed.serial).toUpperCase()}`, newSerial);
  assert.equal(statSync(f('aging.key')).mode & 0o777, 0o600);
  const served = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', join(ca.dir, 'chain.pem'), '-cert', f('frontend.crt'), '-key', f('frontend.key')], { input: '', timeoutMs: 20_000 });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(served.stdout)?.[0] ?? '';
  assert.equal((await run('openssl', ['x509', '-noout', '-serial'], { input: pem })).stdout.trim(), newSerial);
  const r = await curl(['--cert', f('frontend.crt'), '--key', f('frontend.key'), `https://127.0.0.1:${port}/renewed`]);
  assert.equal(r.stdout, 'hello from backend /renewed\n', r.stderr);
  // The renewal is in the CA's audit log as the successor of the old certificate.
  assert.ok([...ca.state().issued.values()].some((c) => c.serial === String(renewed.serial) && `serial=${c.renewedFrom?.toUpperCase()}` === oldSerial));
});

test('certificate rotation under a running wrk load loses no request', async () => {
  issue('rot', 'peer', ['tunnel.svc.test', '127.0.0.1']);
  const log4 = f('access-rot.jsonl');
  const srv = cli.spawn(['tunnel', 'server', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${backendPort}`, '--target-ca', join(ca.dir, 'chain.pem'),
    '--cert', f('rot.crt'), '--key', f('rot.key'), '--ca', f('ca-bundle.pem'), '--access-log', log4]);
  children.push(srv);
  const sport = await waitForJsonLine(srv, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined));
  const cl = cli.spawn(['tunnel', 'client', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${sport}`, '--cert', f('frontend.crt'), '--key', f('frontend.key'), '--ca', f('ca-bundle.pem'), '--allow-dns', 'tunnel.svc.test', '--access-log', '/dev/null']);
  children.push(cl);
  const cport = await waitForJsonLine(cl, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined));
  // 5 s of load (bounded), with two rotations in the middle; wrk -H Connection: close forces a new mTLS handshake
  // per request, so requests after each rotation meet the new certificate.
  const load = run('wrk', ['-t1', '-c8', '-d5s', '--timeout', '10s', '-H', 'Connection: close', `http://127.0.0.1:${cport}/load`], { timeoutMs: 60_000 });
  for (let i = 0; i < 2; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    issue(`rot-${i}`, 'peer', ['tunnel.svc.test', '127.0.0.1']);
    renameSync(f(`rot-${i}.key`), f('rot.key'));
    renameSync(f(`rot-${i}.crt`), f('rot.crt'));
  }
  const r = await load;
  assert.equal(r.code, 0, r.stderr);
  const total = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? 0);
  assert.ok(total > 20, r.stdout);
  assert.doesNotMatch(r.stdout, /Socket errors|Non-2xx/, r.stdout);
  const reloads = readFileSync(log4, 'utf8').split('\n').filter((l) => l.includes('"event":"reload"')).length;
  assert.ok(reloads >= 2, `reloads: ${reloads}`);
});

test('/status and /metrics report connections, failures by reason and certificate expiry', async () => {
  const status = JSON.parse((await run('curl', ['-sf', `${statusUrl}/status`])).stdout) as { mode: string; metrics: { handshakesTotal: number; failures: Record<string, number> }; certificate: { notAfter: string } };
  assert.equal(status.mode, 'server');
  assert.ok(status.metrics.handshakesTotal >= 3, JSON.stringify(status));
  assert.ok(status.metrics.failures['identity-denied']! >= 1);
  assert.ok(status.metrics.failures['revoked']! >= 1);
  const metrics = (await run('curl', ['-sf', `${statusUrl}/metrics`])).stdout;
  assert.match(metrics, /mitmguard_tunnel_failures_total\{mode="server",reason="no-client-certificate"\} [1-9]/);
  assert.match(metrics, /mitmguard_tunnel_certificate_expiry_seconds\{mode="server"\} \d{10}/);
});

test('tunnel client: plain in, mTLS out, server identity checked by policy', async () => {
  const start = (allow: string) => {
    const child = cli.spawn(['tunnel', 'client', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${tunnelPort}`, '--cert', f('frontend.crt'), '--key', f('frontend.key'), '--ca', f('ca-bundle.pem'), '--allow-dns', allow]);
    children.push(child);
    return waitForJsonLine(child, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined));
  };
  const port = await start('tunnel.svc.test');
  const r = await run('curl', ['-sS', '--max-time', '15', `http://127.0.0.1:${port}/via-client`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello from backend /via-client\n');
  // A client that expects another server identity refuses to forward.
  const wrong = await start('db.svc.test');
  const w = await run('curl', ['-sS', '--max-time', '15', `http://127.0.0.1:${wrong}/x`]);
  assert.notEqual(w.code, 0);
  // Raw TCP through it: the tunnel is protocol-agnostic.
  const raw = await new Promise<string>((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1', () => s.write('GET /raw HTTP/1.0\r\n\r\n'));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
  assert.match(raw, /hello from backend \/raw/);
});

test('scan --mtls: policy.mtls.not-required on the bare backend, mtls.client-certificate-required behind the tunnel', async () => {
  writeFileSync(f('policy.yaml'), 'extends: intermediate\ntargets:\n  - pattern: "*"\n    requireMtls: true\n');
  const scan = (port: number) => cli.run(['scan', `127.0.0.1:${port}`, '--mtls', '--policy', f('policy.yaml'), '--ca', join(ca.dir, 'root.pem'), '--format', 'json'], { timeoutMs: 120_000 });
  const bare = await scan(backendPort);
  assert.match(bare.stdout, /"policy\.mtls\.not-required"/, bare.stderr.slice(-2000));
  const tunnelled = await scan(tunnelPort);
  assert.match(tunnelled.stdout, /"mtls\.client-certificate-required"/, tunnelled.stderr.slice(-2000));
  assert.doesNotMatch(tunnelled.stdout, /"policy\.mtls\.not-required"/);
});
