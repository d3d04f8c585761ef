/**
 * ACME tls-alpn-01 (RFC 8737) and dns-01 (RFC 8555 §8.4) end to end, with our own ES256 client (certbot here does
 * neither without plugins): tls-alpn-01 answered by a TLS server negotiating acme-tls/1 with the acmeIdentifier
 * certificate; dns-01 answered by a TXT record that `knsupdate` adds to a real knotd (RFC 2136 update) — the same
 * knotd the CA resolves through (`--dns-server`), so validation never touches the system resolver. Wildcards get
 * dns-01 only. Issued certificates verify with openssl.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCertificate, generateKeyPair, privateKeyPem } from '../../src/pki/builder.js';
import { freePort as freeTcpPort } from '../helpers/daemons.js';
import { freePort as freeDnsPort, KNOTD } from '../helpers/knot.js';
import { Es256Client } from '../helpers/acme-client.js';
import { bundleCli, run, waitForJsonLine, type BundledCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-ca-acme-ch-'));
const f = (n: string) => join(dir, n);
const caDir = f('ca');
let cli: BundledCli;
let acme: ChildProcess | undefined;
let knot: ChildProcess | undefined;
let knotPort = 0;
let alpnPort = 0;
let alpnServer: TlsServer | undefined;
let c: Es256Client;

before(async () => {
  knotPort = await freeDnsPort('127.0.0.1');
  mkdirSync(f('knot/db'), { recursive: true });
  writeFileSync(f('knot/svc.test.zone'), [
    '$ORIGIN svc.test.', '$TTL 60', '@ SOA ns.svc.test. hostmaster.svc.test. 1 3600 600 86400 60', '@ NS ns.svc.test.',
    'ns A 127.0.0.1', 'alpn A 127.0.0.1', 'dns A 127.0.0.1', '',
  ].join('\n'));
  writeFileSync(f('knot/knot.conf'), [
    'server:', `    listen: 127.0.0.1@${knotPort}`, `    rundir: ${f('knot')}`,
    'database:', `    storage: ${f('knot/db')}`,
    'log:', '  - target: stderr', '    any: warning',
    'acl:', '  - id: local-update', '    address: 127.0.0.0/8', '    action: update',
    'template:', '  - id: default', `    storage: ${f('knot')}`, '    file: "%s.zone"', '    zonefile-sync: -1',
    'zone:', '  - domain: svc.test.', '    acl: local-update', '',
  ].join('\n'));
  knot = spawn(KNOTD, ['-c', f('knot/knot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; i < 100; i++) {
    const r = await run('kdig', [`@127.0.0.1`, '-p', String(knotPort), 'alpn.svc.test', 'A', '+short', '+time=1', '+tries=1']);
    if (r.stdout.trim() === '127.0.0.1') break;
    await new Promise((res) => setTimeout(res, 200));
  }
  cli = await bundleCli('ca-acme-ch');
  const init = await cli.run(['ca', 'init', '--dir', caDir, '--name', 'ACME Challenges', '--permit-dns', 'svc.test']);
  assert.equal(init.code, 0, init.stderr);
  alpnPort = await freeTcpPort();
  acme = cli.spawn(['ca', 'acme', '--dir', caDir, '--listen', '127.0.0.1:0', '--dns-server', `127.0.0.1:${knotPort}`, '--tls-alpn-port', String(alpnPort), '--http-port', String(await freeTcpPort())]);
  const directory = await waitForJsonLine(acme, (d) => (typeof d.directory === 'string' ? d.directory : undefined));
  c = new Es256Client(directory);
  await c.init();
  const acct = await c.post(c.dir.newAccount!, { termsOfServiceAgreed: true });
  assert.equal(acct.status, 201);
  c.kid = acct.location!;
});
/** SIGTERM, then wait for the exit (SIGKILL after 10 s), so no daemon outlives the test. */
const stop = (c: ChildProcess | undefined) =>
  new Promise<void>((resolve) => {
    if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    c.kill('SIGTERM');
  });
after(async () => {
  await Promise.all([stop(acme), stop(knot)]);
  alpnServer?.close();
  cli?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function finalizeAndDownload(order: { body: Record<string, unknown>; location: string | null }, names: string[], label: string): Promise<string> {
  const san = names.map((n) => `DNS:${n}`).join(',');
  const gen = await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${label}.key`), '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${san}`, '-outform', 'DER', '-out', f(`${label}.csr`)]);
  assert.equal(gen.code, 0, gen.stderr);
  const ready = await c.poll(order.location!, ['ready', 'invalid']);
  assert.equal(ready.status, 'ready', JSON.stringify(ready));
  const fin = await c.post(String(order.body.finalize), { csr: readFileSync(f(`${label}.csr`)).toString('base64url') });
  assert.equal(fin.status, 200, JSON.stringify(fin.body));
  const valid = await c.poll(order.location!, ['valid', 'invalid']);
  assert.equal(valid.status, 'valid', JSON.stringify(valid));
  const pem = String((await c.post(String(valid.certificate), '')).body.text);
  writeFileSync(f(`${label}.crt`), pem);
  const v = await run('openssl', ['verify', '-CAfile', join(caDir, 'root.pem'), '-untrusted', join(caDir, 'intermediate.pem'), '-purpose', 'sslserver', f(`${label}.crt`)]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  return pem;
}

test('tls-alpn-01: a server negotiating acme-tls/1 with the acmeIdentifier certificate proves control', async () => {
  const order = await c.post(c.dir.newOrder!, { identifiers: [{ type: 'dns', value: 'alpn.svc.test' }] });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const authzUrl = (order.body.authorizations as string[])[0]!;
  const authz = await c.post(authzUrl, '');
  const chall = (authz.body.challenges as Array<{ type: string; url: string; token: string }>).find((x) => x.type === 'tls-alpn-01')!;
  assert.ok(chall, 'tls-alpn-01 is offered');
  // RFC 8737 §3: self-signed, SAN = the name, critical id-pe-acmeIdentifier = OCTET STRING(SHA-256(key authorization)).
  const digest = createHash('sha256').update(c.keyAuthorization(chall.token)).digest();
  const key = generateKeyPair({ type: 'ec', curve: 'P-256' });
  const cert = buildCertificate({
    subject: 'alpn.svc.test', subjectKey: key,
    extensions: { subjectAltName: { entries: [{ dns: 'alpn.svc.test' }] }, raw: [{ oid: '1.3.6.1.5.5.7.1.31', critical: true, value: Buffer.concat([Buffer.from([0x04, 0x20]), digest]) }] },
  });
  const seen: string[] = [];
  alpnServer = createTlsServer({
    cert: cert.pem, key: privateKeyPem(key),
    // Record what the validator offered: the SNI and the ALPN list (RFC 8737 §3: exactly acme-tls/1).
    ALPNCallback: ({ servername, protocols }) => {
      seen.push(`${servername}/${protocols.join(',')}`);
      return protocols.includes('acme-tls/1') ? 'acme-tls/1' : undefined;
    },
  }, (s) => s.end());
  await new Promise<void>((r) => alpnServer!.listen(alpnPort, '127.0.0.1', r));
  await c.post(chall.url, {});
  const done = await c.poll(authzUrl, ['valid', 'invalid']);
  assert.equal(done.status, 'valid', JSON.stringify(done));
  assert.ok(seen.includes('alpn.svc.test/acme-tls/1'), `validation used SNI and ALPN: ${seen.join(', ')}`);
  await finalizeAndDownload(order, ['alpn.svc.test'], 'alpn');
});

test('dns-01 via a TXT record added to knotd by knsupdate, for a wildcard (dns-01 only)', async () => {
  const order = await c.post(c.dir.newOrder!, { identifiers: [{ type: 'dns', value: '*.dns.svc.test' }] });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const authzUrl = (order.body.authorizations as string[])[0]!;
  const authz = await c.post(authzUrl, '');
  assert.equal(authz.body.wildcard, true);
  assert.deepEqual(authz.body.identifier, { type: 'dns', value: 'dns.svc.test' });
  const challenges = authz.body.challenges as Array<{ type: string; url: string; token: string }>;
  assert.deepEqual(challenges.map((x) => x.type), ['dns-01']);
  const chall = challenges[0]!;
  // Before the record exists, a premature answer check would fail; add it first (RFC 2136 dynamic update).
  const txt = createHash('sha256').update(c.keyAuthorization(chall.token)).digest('base64url');
  const upd = await run('knsupdate', [], { input: `server 127.0.0.1 ${knotPort}\nzone svc.test.\nupdate add _acme-challenge.dns.svc.test. 60 TXT "${txt}"\nsend\nquit\n` });
  assert.equal(upd.code, 0, upd.stderr);
  const check = await run('kdig', ['@127.0.0.1', '-p', String(knotPort), '_acme-challenge.dns.svc.test', 'TXT', '+short']);
  assert.match(check.stdout, new RegExp(txt));
  await c.post(chall.url, {});
  const done = await c.poll(authzUrl, ['valid', 'invalid']);
  assert.equal(done.status, 'valid', JSON.stringify(done));
  const pem = await finalizeAndDownload(order, ['*.dns.svc.test'], 'wild');
  const text = await run('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], { input: pem });
  assert.match(text.stdout, /DNS:\*\.dns\.svc\.test/);
});

test('dns-01 with a wrong TXT value is invalid', async () => {
  const order = await c.post(c.dir.newOrder!, { identifiers: [{ type: 'dns', value: '*.alpn.svc.test' }] });
  const authzUrl = (order.body.authorizations as string[])[0]!;
  const chall = ((await c.post(authzUrl, '')).body.challenges as Array<{ url: string }>)[0]!;
  await run('knsupdate', [], { input: `server 127.0.0.1 ${knotPort}\nzone svc.test.\nupdate add _acme-challenge.alpn.svc.test. 60 TXT "not-the-digest"\nsend\nquit\n` });
  await c.post(chall.url, {});
  const done = await c.poll(authzUrl, ['valid', 'invalid']);
  assert.equal(done.status, 'invalid');
  const ch = (done.challenges as Array<{ error?: { type: string } }>)[0]!;
  assert.equal(ch.error?.type, 'urn:ietf:params:acme:error:incorrectResponse');
});
