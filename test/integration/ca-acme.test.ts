/**
 * `mitmguard ca acme` with a real ACME client: certbot (Debian) obtains a certificate over http-01 in standalone mode
 * on a loopback port, renews it and revokes it; the certificate verifies with `openssl verify` and fails -crl_check
 * after the revocation. A small ES256 client of our own checks what certbot does not exercise: ES256 accounts, nonce
 * replay, a forged signature, a failing http-01 and an order outside the sign policy.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/daemons.js';
import { Es256Client } from '../helpers/acme-client.js';
import { bundleCli, run, waitForJsonLine, type BundledCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-ca-acme-'));
const caDir = join(dir, 'ca');
let cli: BundledCli;
let acme: ChildProcess | undefined;
let directory = '';
let httpPort = 0;
const f = (n: string) => join(dir, n);

before(async () => {
  cli = await bundleCli('ca-acme');
  const init = await cli.run(['ca', 'init', '--dir', caDir, '--name', 'ACME Test', '--permit-dns', 'svc.test']);
  assert.equal(init.code, 0, init.stderr);
  writeFileSync(f('policy.yaml'), 'requesters:\n  acme:\n    dns: ["**.svc.test"]\n');
  httpPort = await freePort();
  acme = cli.spawn(['ca', 'acme', '--dir', caDir, '--listen', '127.0.0.1:0', '--http-port', String(httpPort), '--resolve', 'web.svc.test=127.0.0.1', '--resolve', 'nobody.svc.test=127.0.0.1', '--policy', f('policy.yaml')]);
  directory = await waitForJsonLine(acme, (d) => (typeof d.directory === 'string' ? d.directory : undefined));
});
after(() => {
  acme?.kill();
  cli?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const certbot = (...args: string[]) =>
  run('certbot', [...args, '--server', directory, '--non-interactive', '--config-dir', f('cb/config'), '--work-dir', f('cb/work'), '--logs-dir', f('cb/logs')], { timeoutMs: 180_000 });
const live = (n: string) => f(`cb/config/live/web.svc.test/${n}`);
const verify = (...extra: string[]) => run('openssl', ['verify', ...extra, '-CAfile', join(caDir, 'root.pem'), '-untrusted', join(caDir, 'intermediate.pem'), '-purpose', 'sslserver', live('cert.pem')]);

test('certbot obtains, renews and revokes a certificate over http-01', async () => {
  const got = await certbot('certonly', '--standalone', '--http-01-port', String(httpPort), '--http-01-address', '127.0.0.1', '-d', 'web.svc.test', '--agree-tos', '--register-unsafely-without-email');
  assert.equal(got.code, 0, got.stdout + got.stderr);
  assert.match(got.stdout + got.stderr, /Successfully received certificate/);
  const v = await verify();
  assert.equal(v.code, 0, v.stdout + v.stderr);
  const first = (await run('openssl', ['x509', '-in', live('cert.pem'), '-noout', '-serial'])).stdout;
  assert.match((await run('openssl', ['x509', '-in', live('cert.pem'), '-noout', '-ext', 'subjectAltName'])).stdout, /DNS:web\.svc\.test/);

  // --no-random-sleep-on-renew: non-interactive renew otherwise sleeps up to 8 minutes first (a cron courtesy).
  const renewed = await certbot('renew', '--force-renewal', '--no-random-sleep-on-renew', '--http-01-port', String(httpPort), '--http-01-address', '127.0.0.1');
  assert.equal(renewed.code, 0, renewed.stdout + renewed.stderr);
  const second = (await run('openssl', ['x509', '-in', live('cert.pem'), '-noout', '-serial'])).stdout;
  assert.notEqual(second, first);

  const revoked = await certbot('revoke', '--cert-path', live('cert.pem'), '--reason', 'keycompromise', '--no-delete-after-revoke');
  assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr);
  const after = await verify('-crl_check', '-CRLfile', join(caDir, 'crl.pem'));
  assert.notEqual(after.code, 0);
  assert.match(after.stdout + after.stderr, /certificate revoked/);
  const audit = readFileSync(join(caDir, 'audit.jsonl'), 'utf8');
  assert.match(audit, /"requester":"acme:/);
  assert.match(audit, /"type":"revoke"[^\n]*"keyCompromise"/);
});

test('ES256 accounts work; replayed nonces, forged signatures, failed http-01 and names outside the policy are refused', async () => {
  const c = new Es256Client(directory);
  await c.init();
  const nonce = await c.nonce();
  const acct = await c.post(c.dir.newAccount!, { termsOfServiceAgreed: true }, { nonce });
  assert.equal(acct.status, 201, JSON.stringify(acct.body));
  c.kid = acct.location!;
  const again = await c.post(c.dir.newAccount!, { termsOfServiceAgreed: true }, { nonce, jwk: true });
  assert.equal(again.body.type, 'urn:ietf:params:acme:error:badNonce');
  const forged = await c.post(c.dir.newOrder!, { identifiers: [{ type: 'dns', value: 'web.svc.test' }] }, { forge: true });
  assert.equal(forged.status, 401);
  assert.equal(forged.body.type, 'urn:ietf:params:acme:error:unauthorized');
  const outside = await c.post(c.dir.newOrder!, { identifiers: [{ type: 'dns', value: 'www.elsewhere.test' }] });
  assert.equal(outside.body.type, 'urn:ietf:params:acme:error:rejectedIdentifier');
  // Nothing answers on the http-01 port for this name: the challenge and the order become invalid.
  const order = await c.post(c.dir.newOrder!, { identifiers: [{ type: 'dns', value: 'nobody.svc.test' }] });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const authz = await c.post((order.body.authorizations as string[])[0]!, '');
  const chall = (authz.body.challenges as Array<{ type: string; url: string }>).find((x) => x.type === 'http-01')!;
  await c.post(chall.url, {});
  let state = '';
  for (let i = 0; i < 50 && state !== 'invalid' && state !== 'valid'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    state = String((await c.post((order.body.authorizations as string[])[0]!, '')).body.status);
  }
  assert.equal(state, 'invalid');
  const o = await c.post(order.location!, '');
  assert.equal(o.body.status, 'invalid');
  const fin = await c.post(String(order.body.finalize), { csr: 'AAAA' });
  assert.equal(fin.body.type, 'urn:ietf:params:acme:error:orderNotReady');
});
