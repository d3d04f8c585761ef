/**
 * `mitmguard ca` end to end against OpenSSL as the relying party: every certificate the CA issues verifies with
 * `openssl verify` for its purpose, a revoked one fails `-crl_check`, the encrypted keys open with `openssl pkey`
 * and the passphrase (and not without it), CSRs from `openssl req` are signed or refused by the policy, and
 * `openssl ocsp` gets good / revoked / unknown answers with its nonce echoed from `ca serve`.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { bundleCli, run, waitForJsonLine, type BundledCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-ca-openssl-'));
const caDir = join(dir, 'ca');
const passFile = join(dir, 'pass');
const PASS = 'a long enough passphrase';
let cli: BundledCli;
let server: ChildProcess | undefined;

const f = (name: string) => join(dir, name);
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
const ca = (...args: string[]) => cli.run(['ca', ...args, '--dir', caDir, '--passphrase-file', passFile], { cwd: dir });

before(async () => {
  writeFileSync(passFile, PASS + '\n', { mode: 0o600 });
  cli = await bundleCli('ca-openssl');
  const r = await cli.run(['ca', 'init', '--dir', caDir, '--name', 'Example Corp', '--permit-dns', 'svc.example', '--permit-ip', '127.0.0.0/8', '--passphrase-file', passFile, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
});
after(() => {
  server?.kill();
  cli?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('ca init writes keys 0600 in a 0700 directory, encrypted so that openssl needs the passphrase', async () => {
  assert.equal(statSync(caDir).mode & 0o777, 0o700);
  for (const k of ['root.key', 'intermediate.key', 'ocsp.key']) {
    assert.equal(statSync(join(caDir, k)).mode & 0o777, 0o600, k);
    assert.match(readFileSync(join(caDir, k), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  }
  const ok = await openssl('pkey', '-in', join(caDir, 'intermediate.key'), '-passin', `file:${passFile}`, '-noout');
  assert.equal(ok.code, 0, ok.stderr);
  writeFileSync(f('wrong'), 'not the passphrase\n');
  const bad = await openssl('pkey', '-in', join(caDir, 'intermediate.key'), '-passin', `file:${f('wrong')}`, '-noout');
  assert.notEqual(bad.code, 0);
  // The intermediate is name-constrained as asked.
  const text = await openssl('x509', '-in', join(caDir, 'intermediate.pem'), '-noout', '-text');
  assert.match(text.stdout, /Permitted:\s+DNS:svc\.example\s+IP:127\.0\.0\.0\/255\.0\.0\.0/);
});

test('a wrong passphrase is a clear MG_ERR_PASSPHRASE error and issues nothing', async () => {
  writeFileSync(f('wrong-pass'), 'definitely wrong\n');
  const r = await cli.run(['ca', 'issue', '--dir', caDir, '--passphrase-file', f('wrong-pass'), '--san', 'x.svc.example', '--out', f('x')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /MG_ERR_PASSPHRASE: intermediate\.key: wrong passphrase/);
  assert.doesNotMatch(r.stderr, /PRIVATE KEY/);
});

test('server, client and SPIFFE peer certificates pass openssl verify for their purpose and our strict validator', async () => {
  const cases = [
    { out: 'srv', purpose: 'server', san: ['api.svc.example', '127.0.0.1'], openssl: ['sslserver'], ours: ['server'] },
    { out: 'cli', purpose: 'client', san: ['spiffe://svc.example/ns/web/sa/frontend'], openssl: ['sslclient'], ours: ['client'] },
    { out: 'peer', purpose: 'peer', san: ['spiffe://svc.example/ns/db/sa/pg', 'db.svc.example'], openssl: ['sslserver', 'sslclient'], ours: ['server', 'client'] },
  ];
  for (const c of cases) {
    const r = await ca('issue', '--purpose', c.purpose, ...c.san.flatMap((s) => ['--san', s]), '--out', f(c.out), '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(f(`${c.out}.key`)).mode & 0o777, 0o600);
    const doc = JSON.parse(r.stdout) as { notBefore: string; notAfter: string; profile: string };
    assert.equal(doc.profile, c.purpose);
    const hours = (Date.parse(doc.notAfter) - Date.parse(doc.notBefore)) / 3_600_000;
    assert.ok(hours <= (c.purpose === 'server' ? 30 * 24 : 24) + 1, `short default lifetime, got ${hours} h`);
    for (const p of c.openssl) {
      const v = await openssl('verify', '-CAfile', join(caDir, 'root.pem'), '-untrusted', join(caDir, 'intermediate.pem'), '-purpose', p, '-x509_strict', f(`${c.out}.crt`));
      assert.equal(v.code, 0, `${c.out} ${p}: ${v.stdout}${v.stderr}`);
    }
    for (const p of c.ours) {
      const v = await cli.run(['cert', 'verify', f(`${c.out}.crt`), '--ca', join(caDir, 'root.pem'), '--purpose', p, '--format', 'json']);
      assert.equal(v.code, 0, `${c.out} ${p}: ${v.stdout}`);
    }
  }
  const text = await openssl('x509', '-in', f('cli.crt'), '-noout', '-text');
  assert.match(text.stdout, /Subject Alternative Name: critical\s+URI:spiffe:\/\/svc\.example\/ns\/web\/sa\/frontend/);
  assert.match(text.stdout, /TLS Web Client Authentication/);
  assert.doesNotMatch(text.stdout, /TLS Web Server Authentication/);
});

test('a name outside the intermediate\'s constraints is refused and nothing is recorded', async () => {
  const before = (await ca('list', '--format', 'json')).stdout;
  const r = await ca('issue', '--san', 'www.elsewhere.example', '--out', f('nope'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /name-constraints/);
  const afterList = (await ca('list', '--format', 'json')).stdout;
  assert.equal(JSON.parse(afterList).ca.certificates.length, JSON.parse(before).ca.certificates.length);
});

test('ca revoke publishes a CRL that makes openssl verify -crl_check fail with "certificate revoked"', async () => {
  const r = await ca('issue', '--purpose', 'client', '--san', 'spiffe://svc.example/ns/web/sa/stolen', '--out', f('stolen'));
  assert.equal(r.code, 0, r.stderr);
  const verify = () => openssl('verify', '-crl_check', '-CRLfile', join(caDir, 'crl.pem'), '-CAfile', join(caDir, 'root.pem'), '-untrusted', join(caDir, 'intermediate.pem'), f('stolen.crt'));
  assert.equal((await verify()).code, 0);
  const rv = await ca('revoke', f('stolen.crt'), '--reason', 'keyCompromise');
  assert.equal(rv.code, 0, rv.stderr);
  const v = await verify();
  assert.notEqual(v.code, 0);
  assert.match(v.stdout + v.stderr, /certificate revoked/);
  const crl = await openssl('crl', '-in', join(caDir, 'crl.pem'), '-noout', '-text');
  assert.match(crl.stdout, /Key Compromise/);
  // Our validator reads the same CRL and agrees.
  const ours = await cli.run(['cert', 'verify', f('stolen.crt'), '--ca', join(caDir, 'root.pem'), '--purpose', 'client', '--crl', join(caDir, 'crl.pem'), '--format', 'json']);
  assert.equal(ours.code, 1);
  assert.ok((JSON.parse(ours.stdout) as { errors: Array<{ code: string }> }).errors.some((e) => e.code === 'revoked'));
});

test('ca sign signs an openssl CSR for permitted names and refuses names the requester may not have', async () => {
  writeFileSync(f('policy.yaml'), 'requesters:\n  web-team:\n    dns: ["*.web.svc.example"]\n    spiffe: ["spiffe://svc.example/ns/web/*"]\n    purposes: [server]\n');
  const gen = (name: string, san: string) =>
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-subj', '/CN=ignored', '-addext', `subjectAltName=${san}`, '-out', f(`${name}.csr`));
  assert.equal((await gen('ok', 'DNS:shop.web.svc.example,URI:spiffe://svc.example/ns/web/shop')).code, 0);
  const ok = await ca('sign', f('ok.csr'), '--policy', f('policy.yaml'), '--requester', 'web-team', '--out', f('ok.crt'), '--format', 'json');
  assert.equal(ok.code, 0, ok.stderr);
  const v = await openssl('verify', '-CAfile', join(caDir, 'root.pem'), '-untrusted', join(caDir, 'intermediate.pem'), '-purpose', 'sslserver', f('ok.crt'));
  assert.equal(v.code, 0, v.stdout);
  // The certificate certifies the CSR's key.
  const pub = (await openssl('x509', '-in', f('ok.crt'), '-noout', '-pubkey')).stdout;
  const csrPub = (await openssl('req', '-in', f('ok.csr'), '-noout', '-pubkey')).stdout;
  assert.equal(pub, csrPub);

  assert.equal((await gen('bad', 'DNS:db.svc.example,DNS:shop.web.svc.example')).code, 0);
  const bad = await ca('sign', f('bad.csr'), '--policy', f('policy.yaml'), '--requester', 'web-team', '--out', f('bad.crt'), '--format', 'json');
  assert.equal(bad.code, 1);
  const doc = JSON.parse(bad.stdout) as { signed: boolean; refused: Array<{ name: string }> };
  assert.equal(doc.signed, false);
  assert.deepEqual(doc.refused.map((x) => x.name), ['dns:db.svc.example']);
  const client = await ca('sign', f('ok.csr'), '--policy', f('policy.yaml'), '--requester', 'web-team', '--purpose', 'client', '--out', f('c.crt'), '--format', 'json');
  assert.equal(client.code, 1, 'purpose not allowed for the requester');
});

test('ca renew keeps names and key, and the audit chain detects an edited line', async () => {
  const r = await ca('renew', f('srv.crt'), '--out', f('srv2'), '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { renewedFrom: string; names: string[] };
  assert.deepEqual(doc.names, ['dns:api.svc.example', 'ip:127.0.0.1']);
  const k1 = (await openssl('x509', '-in', f('srv.crt'), '-noout', '-pubkey')).stdout;
  const k2 = (await openssl('x509', '-in', f('srv2.crt'), '-noout', '-pubkey')).stdout;
  assert.equal(k1, k2);
  const audit = await cli.run(['ca', 'audit', '--dir', caDir]);
  assert.equal(audit.code, 0, audit.stdout);
  // Tamper with a copy: hide the revocation of the stolen certificate.
  const copy = join(dir, 'tampered');
  await run('cp', ['-a', caDir, copy]);
  const lines = readFileSync(join(copy, 'audit.jsonl'), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('"type":"revoke"'));
  lines[i] = lines[i]!.replace('keyCompromise', 'superseded');
  writeFileSync(join(copy, 'audit.jsonl'), lines.join('\n'));
  const broken = await cli.run(['ca', 'audit', '--dir', copy, '--format', 'json']);
  assert.equal(broken.code, 1);
  assert.equal((JSON.parse(broken.stdout) as { brokenAt: { line: number } }).brokenAt.line, i + 1);
  const list = await cli.run(['ca', 'list', '--dir', copy, '--format', 'json']);
  assert.ok((JSON.parse(list.stdout) as { findings: Array<{ id: string }> }).findings.some((x) => x.id === 'ca.audit.chain-broken'));
  assert.equal(list.code, 1);
});

test('openssl ocsp gets good, revoked and unknown from ca serve, signed by the delegated responder, nonce echoed', async () => {
  server = cli.spawn(['ca', 'serve', '--dir', caDir, '--passphrase-file', passFile, '--listen', '127.0.0.1:0']);
  const url = await waitForJsonLine(server, (d) => (typeof d.listening === 'string' ? d.listening : undefined));
  const ocsp = (...args: string[]) => openssl('ocsp', '-issuer', join(caDir, 'intermediate.pem'), '-CAfile', join(caDir, 'root.pem'), '-url', `${url}/ocsp`, ...args);
  const r = await ocsp('-cert', f('cli.crt'), '-cert', f('stolen.crt'), '-resp_text');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /Response verify OK/);
  assert.match(r.stdout, /cli\.crt: good/);
  assert.match(r.stdout, /stolen\.crt: revoked[\s\S]*Reason: keyCompromise/);
  assert.match(r.stdout, /OCSP Nonce/);
  assert.doesNotMatch(r.stderr, /WARNING: no nonce/);
  assert.match(r.stdout, /Subject: CN=Example Corp OCSP Responder/);
  const unknown = await ocsp('-serial', '0x0123456789');
  assert.match(unknown.stdout, /0x0123456789: unknown/);
  // RFC 6960 Appendix A.1 GET form.
  const req = await openssl('ocsp', '-issuer', join(caDir, 'intermediate.pem'), '-cert', f('cli.crt'), '-no_nonce', '-reqout', f('req.der'));
  assert.equal(req.code, 0, req.stderr);
  const b64 = encodeURIComponent(readFileSync(f('req.der')).toString('base64'));
  const got = await run('curl', ['-sf', `${url}/ocsp/${b64}`, '-o', f('resp.der')]);
  assert.equal(got.code, 0);
  const get = await openssl('ocsp', '-respin', f('resp.der'), '-issuer', join(caDir, 'intermediate.pem'), '-CAfile', join(caDir, 'root.pem'), '-cert', f('cli.crt'), '-no_nonce');
  assert.match(get.stderr + get.stdout, /Response verify OK/);
  assert.match(get.stdout, /cli\.crt: good/);
  // The CRL is served too.
  const crl = await run('curl', ['-sf', `${url}/crl`, '-o', f('fetched.crl')]);
  assert.equal(crl.code, 0);
  assert.deepEqual(readFileSync(f('fetched.crl')), readFileSync(join(caDir, 'crl.der')));
  // A revocation done while the responder runs shows up in its next answer.
  await ca('revoke', f('cli.crt'), '--reason', 'cessationOfOperation');
  const later = await ocsp('-cert', f('cli.crt'));
  assert.match(later.stdout, /cli\.crt: revoked/);
});
