/**
 * The OCSP responder as real servers and clients use it: nginx staples our responder's answers
 * (`ssl_stapling_responder`, `ssl_stapling_verify on`) and `curl --cert-status` checks the stapled response against
 * our CA. A revoked certificate gets no staple (nginx refuses to staple a "revoked" answer), so curl fails.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCa, parseSanNames, serveCa, type CertificateAuthority, type RunningCaServer } from '../../src/ca/index.js';
import { startNginx, type Daemon } from '../helpers/daemons.js';
import { run } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-ca-staple-'));
const f = (n: string) => join(dir, n);
let ca: CertificateAuthority;
let responder: RunningCaServer;
let nginx: Daemon;

before(async () => {
  ca = initCa(f('ca'), { name: 'Staple Test', permitDns: ['localhost'], permitIp: ['127.0.0.0/8'] });
  for (const name of ['good', 'revoked']) {
    const r = ca.issue({ profile: 'server', names: parseSanNames(['localhost', '127.0.0.1']) });
    writeFileSync(f(`${name}.crt`), r.chainPem);
    writeFileSync(f(`${name}.key`), r.keyPem!, { mode: 0o600 });
    if (name === 'revoked') ca.revoke(r.serial, 'keyCompromise');
  }
  responder = await serveCa(ca, { port: 0 });
  nginx = await startNginx({
    ports: ['good', 'revoked'],
    servers: ({ ports }) => ['good', 'revoked'].map((n) => `
  server {
    listen 127.0.0.1:${ports[n]} ssl;
    ssl_certificate ${f(`${n}.crt`)};
    ssl_certificate_key ${f(`${n}.key`)};
    ssl_stapling on;
    ssl_stapling_verify on;
    ssl_trusted_certificate ${join(ca.dir, 'chain.pem')};
    ssl_stapling_responder ${responder.url}/ocsp;
    location / { return 200 "stapled ${n}\\n"; }
  }`).join('\n'),
  });
});
after(async () => {
  await nginx?.stop();
  await responder?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** nginx fetches the OCSP answer on the first handshake and staples from then on: ask a few times (bounded). */
async function curlCertStatus(port: number): Promise<{ code: number; out: string }> {
  let last = { code: -1, out: '' };
  for (let i = 0; i < 20; i++) {
    const r = await run('curl', ['-sS', '-v', '--max-time', '10', '--cert-status', '--cacert', join(ca.dir, 'root.pem'), `https://127.0.0.1:${port}/`]);
    last = { code: r.code, out: r.stdout + r.stderr };
    if (r.code === 0) return last;
    await new Promise((res) => setTimeout(res, 300));
  }
  return last;
}

test('curl --cert-status accepts the answer nginx staples from our responder', async () => {
  const r = await curlCertStatus(nginx.ports.good!);
  assert.equal(r.code, 0, r.out.slice(-1500));
  assert.match(r.out, /SSL certificate status: good/);
  assert.match(r.out, /stapled good/);
});

test('a revoked certificate gets no good staple, and curl --cert-status refuses the connection', async () => {
  const r = await curlCertStatus(nginx.ports.revoked!);
  assert.notEqual(r.code, 0);
  assert.match(r.out, /No OCSP response received|revoked/i);
  assert.doesNotMatch(r.out, /stapled revoked/);
});
