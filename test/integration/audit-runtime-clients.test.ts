/**
 * The client audit against language runtimes and tools: python3 urllib, node https, openssl s_client, git over HTTPS.
 * Each is run as a user would run it, secure and insecure; the verdicts are what these builds really do.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExecAudit, type AuditReport } from '../../src/audit/index.js';

/** Insecure variants run on a representative subset: chain, name, validity, signature and protocol forgeries. */
const SUBSET = ['self-signed', 'untrusted-ca', 'wrong-host', 'expired', 'leaf-as-issuer', 'bad-signature', 'mimic-upstream', 'rsa-512-key', 'tls10-only', 'null-cipher', 'plaintext'];
const SUBSET_ACCEPTED = ['baseline', 'self-signed', 'untrusted-ca', 'wrong-host', 'expired', 'leaf-as-issuer', 'bad-signature', 'mimic-upstream'].sort();
const SUBSET_REJECTED = ['rsa-512-key', 'tls10-only', 'null-cipher', 'plaintext'].sort();
const withVerdict = (r: AuditReport, verdict: string) => r.results.filter((x) => x.verdict === verdict).map((x) => x.scenario).sort();
const sorted = (xs: string[]) => [...xs].sort();
// The Debian interpreter directly: a pyenv shim, when present, costs a second per start.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mg-audit-clients-'));
  writeFileSync(
    join(dir, 'fetch.py'),
    [
      'import base64, ssl, sys, urllib.request',
      'url, ca, token, mode = sys.argv[1:5]',
      "ctx = ssl.create_default_context(cafile=ca) if mode == 'default' else ssl._create_unverified_context()",
      "auth = base64.b64encode(('audit:' + token).encode()).decode()",
      "urllib.request.urlopen(urllib.request.Request(url, headers={'Authorization': 'Basic ' + auth}), context=ctx, timeout=10).read()",
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'fetch.mjs'),
    [
      "import https from 'node:https'; import fs from 'node:fs';",
      'const [url, ca, token, mode] = process.argv.slice(2);',
      "const tls = mode === 'default' ? { ca: fs.readFileSync(ca) } : { rejectUnauthorized: false };",
      'https.get(url, { ...tls, auth: `audit:${token}`, timeout: 10000 }, (res) => { res.resume(); res.on("end", () => process.exit(0)); })',
      '  .on("error", (e) => { console.error(e.message); process.exit(1); });',
    ].join('\n'),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('python3 urllib with a default context and the lab CA accepts only the baseline', async () => {
  const report = await runExecAudit({ protocol: 'https', command: `${PYTHON} ${dir}/fetch.py {url} {ca} {token} default`, concurrency: 6, timeoutMs: 30_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline']);
  // urlopen follows an http:// URL without any HSTS memory: the one degraded scenario it accepts, in clear.
  assert.deepEqual(withVerdict(report, 'accepted-plaintext'), ['hsts-downgrade']);
  assert.equal(report.summary.forgedAccepted, 1);
});

test('python3 urllib with CERT_NONE sends the request to forged chains, names, dates and signatures', async () => {
  const report = await runExecAudit({ protocol: 'https', only: SUBSET, command: `${PYTHON} ${dir}/fetch.py {url} {ca} {token} none`, concurrency: 6, timeoutMs: 30_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), SUBSET_ACCEPTED);
  assert.deepEqual(withVerdict(report, 'rejected'), SUBSET_REJECTED);
});

test('node https with the lab CA accepts only the baseline: Node 24\'s OpenSSL 3.5 (security level 2) refuses an RSA-1024 leaf', async () => {
  // `node` is the Node the repository pins (scripts/run-tests.mjs puts it first on PATH): Node 20 with OpenSSL 3.0 at
  // security level 1 accepted the RSA-1024 leaf (docs/clients/node.md keeps both).
  const onPath = execFileSync('node', ['-p', 'process.versions.node + " " + process.versions.openssl'], { encoding: 'utf8' }).trim();
  assert.ok(Number(onPath.split('.')[0]) >= 24, `the pinned Node 24 expected first on PATH, found ${onPath}`);
  const report = await runExecAudit({ protocol: 'https', command: `node ${dir}/fetch.mjs {url} {ca} {token} default`, concurrency: 6, timeoutMs: 30_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline']);
  const rsa1024 = report.results.find((r) => r.scenario === 'rsa-1024-key')!;
  assert.equal(rsa1024.verdict, 'rejected');
  assert.equal(report.summary.forgedAccepted, 0);
  // https.get refuses an http:// URL outright: it never connects, so the HSTS scenario is inconclusive, not accepted.
  const hsts = report.results.find((r) => r.scenario === 'hsts-downgrade')!;
  assert.equal(hsts.verdict, 'inconclusive');
  assert.equal(hsts.connections, 0);
});

test('node https with rejectUnauthorized:false accepts forged chains, names, dates and signatures', async () => {
  const report = await runExecAudit({ protocol: 'https', only: SUBSET, command: `node ${dir}/fetch.mjs {url} {ca} {token} none`, concurrency: 6, timeoutMs: 30_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), SUBSET_ACCEPTED);
  assert.deepEqual(withVerdict(report, 'rejected'), SUBSET_REJECTED);
  assert.ok(report.findings.every((f) => f.target.startsWith('client: node')));
});

test('openssl s_client with -verify_return_error -verify_hostname accepts only the baseline (raw TLS)', async () => {
  const report = await runExecAudit({
    protocol: 'tls',
    command: 'echo "hello {token}" | openssl s_client -connect {host}:{port} -servername {sni} -CAfile {ca} -verify_return_error -verify_hostname {host} -quiet -no_ign_eof',
    concurrency: 6,
    timeoutMs: 20_000,
  });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline']);
  assert.match(report.results[0]!.evidence, /application data \(first read \d+ bytes\) \(redacted, \d+–\d+ bytes, run hmac [0-9a-f]{8}…, holds the canary token\)/);
  assert.equal(withVerdict(report, 'accepted-plaintext').length, 0);
});

test('openssl s_client without verification flags reports errors but sends the data anyway', async () => {
  const report = await runExecAudit({
    protocol: 'tls',
    only: SUBSET,
    command: 'echo "hello {token}" | openssl s_client -connect {host}:{port} -servername {sni} -CAfile {ca} -quiet -no_ign_eof',
    concurrency: 6,
    timeoutMs: 20_000,
  });
  assert.deepEqual(withVerdict(report, 'accepted'), SUBSET_ACCEPTED);
  assert.deepEqual(withVerdict(report, 'rejected'), SUBSET_REJECTED);
});

test('git over HTTPS (libcurl-gnutls) sends stored credentials despite a wrong EKU, an RSA-1024 key or TLS 1.0', async () => {
  const report = await runExecAudit({
    protocol: 'https',
    exclude: ['hsts-downgrade'],
    command: 'GIT_SSL_CAINFO={ca} git ls-remote https://audit:{token}@{host}:{port}/repo.git',
    concurrency: 6,
    timeoutMs: 30_000,
  });
  // Same surprise as wget: Debian's git uses libcurl with GnuTLS, which does not enforce serverAuth EKU.
  assert.deepEqual(withVerdict(report, 'accepted'), sorted(['baseline', 'eku-client-auth', 'eku-code-signing-critical', 'rsa-1024-key', 'tls10-only', 'tls11-only']));
  const eku = report.results.find((r) => r.scenario === 'eku-client-auth')!;
  // git asks without credentials, gets the 401 challenge, and answers with the password from the URL.
  assert.match(eku.evidence, /GET \/repo\.git\/info\/refs\?service=<redacted> HTTP\/2.*authorization header Basic .*holds the canary token/);
});
