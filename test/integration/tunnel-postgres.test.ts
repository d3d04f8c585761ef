/**
 * The tunnel carries a real database protocol: psql → `tunnel client` (plain in, mTLS out) → `tunnel server`
 * (mTLS in, identity policy) → PostgreSQL on loopback. A query goes through with the allowed SPIFFE ID; a client
 * tunnel holding a certificate the server's policy does not allow gets no database connection.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCa, parseSanNames, type CertificateAuthority } from '../../src/ca/index.js';
import { startPostgres, type Daemon } from '../helpers/daemons.js';
import { bundleCli, run, waitForJsonLine, type BundledCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-tunnel-pg-'));
const f = (n: string) => join(dir, n);
let ca: CertificateAuthority;
let cli: BundledCli;
let pg: Daemon;
const children: ChildProcess[] = [];
let serverPort = 0;

function issue(name: string, profile: 'peer' | 'client', sans: string[]): void {
  const r = ca.issue({ profile, names: parseSanNames(sans) });
  writeFileSync(f(`${name}.crt`), r.chainPem);
  writeFileSync(f(`${name}.key`), r.keyPem!, { mode: 0o600 });
}
const listening = (c: ChildProcess) => waitForJsonLine(c, (d) => (typeof d.listening === 'string' ? Number(String(d.listening).split(':').pop()) : undefined), 60_000);

before(async () => {
  ca = initCa(f('ca'), { name: 'PG Tunnel' });
  issue('server', 'peer', ['db.svc.test', '127.0.0.1']);
  issue('app', 'client', ['spiffe://svc.test/ns/app/sa/api']);
  issue('other', 'client', ['spiffe://svc.test/ns/batch/sa/cron']);
  writeFileSync(f('root.pem'), readFileSync(join(ca.dir, 'root.pem')));
  pg = await startPostgres({ ssl: false, hba: 'host' });
  cli = await bundleCli('tunnel-pg');
  const s = cli.spawn(['tunnel', 'server', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${pg.port}`, '--cert', f('server.crt'), '--key', f('server.key'), '--ca', f('root.pem'), '--allow-spiffe', 'spiffe://svc.test/ns/app/**']);
  children.push(s);
  serverPort = await listening(s);
});
after(async () => {
  for (const c of children) c.kill();
  await pg?.stop();
  cli?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function clientTunnel(cert: string): Promise<number> {
  const c = cli.spawn(['tunnel', 'client', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${serverPort}`, '--cert', f(`${cert}.crt`), '--key', f(`${cert}.key`), '--ca', f('root.pem'), '--allow-dns', 'db.svc.test']);
  children.push(c);
  return listening(c);
}

test('psql runs a query through tunnel client and tunnel server', async () => {
  const port = await clientTunnel('app');
  const r = await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-tAc', "select 'through the tunnel', 6*7"], { env: { PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '15' }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'through the tunnel|42');
});

test('a client certificate outside the server\'s identity policy gets no database connection', async () => {
  const port = await clientTunnel('other');
  const r = await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-tAc', 'select 1'], { env: { PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '15' }, timeoutMs: 60_000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /server closed the connection unexpectedly|connection to server .* failed|could not receive data/);
});
