/**
 * The client audit against Go's net/http + crypto/tls (Debian's golang-go, Go 1.19): test/clients/go/main.go is built
 * once into a temp dir (cold build cache, no module downloads) and run the ways Go programs configure trust — a pool
 * holding only the lab CA, the system roots plus the lab CA, SSL_CERT_FILE with no tls.Config, TLS 1.2 as the maximum,
 * and InsecureSkipVerify. The verdicts are what this Go really does (docs/clients/go.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExecAudit, type AuditReport } from '../../src/audit/index.js';

const SOURCE_DIR = fileURLToPath(new URL('../clients/go/', import.meta.url));

const withVerdict = (r: AuditReport, verdict: string) => r.results.filter((x) => x.verdict === verdict).map((x) => x.scenario).sort();
const verdictOf = (r: AuditReport, id: string) => r.results.find((x) => x.scenario === id)?.verdict;
const sorted = (xs: string[]) => [...xs].sort();

/** Every certificate forgery of the HTTPS catalogue (pin-mismatch needs --pin and is skipped here). */
const CERT_FORGERIES = [
  'self-signed', 'self-signed-other-host', 'untrusted-ca', 'wrong-host', 'expired', 'not-yet-valid', 'expired-intermediate',
  'leaf-as-issuer', 'intermediate-no-basic-constraints', 'v1-intermediate', 'eku-client-auth', 'eku-code-signing-critical',
  'unknown-critical-extension', 'bad-signature', 'nul-byte-cn', 'nul-byte-san', 'cn-match-san-mismatch', 'sha1-signature',
  'md5-signature', 'rsa-1024-key', 'name-constraint-violation', 'mimic-upstream',
];
/** Refused by every configuration: old protocol versions, a NULL suite, a 512-bit key over TLS 1.3, no TLS at all. */
const ALWAYS_REJECTED = ['rsa-512-key', 'tls10-only', 'tls11-only', 'null-cipher', 'plaintext'];
/** Weak suites the endpoint's OpenSSL 3.0 cannot serve on this machine (see docs/audit.md). */
const UNSERVABLE = ['rc4-cipher', '3des-cipher', 'export-cipher'];

let dir: string;
let client: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mg-audit-go-'));
  client = join(dir, 'goclient');
  // A fresh GOCACHE/GOPATH/HOME under the temp dir, as on a fresh CI machine; no proxy, so nothing can be downloaded
  // (the client needs only the standard library). CGO off: no C compiler needed, and the pure-Go resolver.
  const build = spawnSync('go', ['build', '-o', client, '.'], {
    cwd: SOURCE_DIR,
    encoding: 'utf8',
    timeout: 300_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      GOCACHE: join(dir, 'gocache'),
      GOPATH: join(dir, 'gopath'),
      GOENV: 'off',
      GOFLAGS: '-mod=readonly',
      GO111MODULE: 'on',
      GOPROXY: 'off',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
      LC_ALL: 'C.UTF-8',
    },
  });
  if (build.error || build.status !== 0) {
    throw new Error(`go build of test/clients/go failed (${build.error?.message ?? `exit ${build.status}`}):\n${build.stdout ?? ''}${build.stderr ?? ''}`);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The verdicts every configuration that trusts the lab CA gave, over the whole HTTPS catalogue. */
function assertVerifyingClient(report: AuditReport): void {
  // Go 1.19 has no minimum RSA key size in crypto/x509 or crypto/tls: an RSA-1024 leaf is accepted.
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'rsa-1024-key']);
  // net/http has no HSTS memory: told http://, it sends the request and the Authorization header in clear.
  assert.deepEqual(withVerdict(report, 'accepted-plaintext'), ['hsts-downgrade']);
  assert.deepEqual(withVerdict(report, 'rejected'), sorted([...CERT_FORGERIES.filter((id) => id !== 'rsa-1024-key'), ...ALWAYS_REJECTED]));
  assert.deepEqual(withVerdict(report, 'unavailable'), sorted(UNSERVABLE));
  assert.deepEqual(withVerdict(report, 'inconclusive'), []);
  assert.equal(report.summary.forgedAccepted, 2);
  assert.deepEqual(report.findings.map((f) => f.id).sort(), ['audit.client.hsts-downgrade', 'audit.client.rsa-1024-key']);
  const byId = new Map(report.results.map((r) => [r.scenario, r]));
  // The request really arrived, over TLS 1.3 and HTTP/2, with this run's password in the Authorization header.
  assert.match(byId.get('baseline')!.evidence, /TLSv1\.3.*GET \/ HTTP\/2; authorization header Basic \(redacted, \d+–\d+ bytes, run hmac [0-9a-f]{8}…, holds the canary token\)/);
  // Go refuses these itself, with its own x509 errors (the client's stderr), not because the handshake broke.
  assert.match(byId.get('sha1-signature')!.client!.stderrTail, /insecure algorithm SHA1-RSA/);
  assert.match(byId.get('nul-byte-cn')!.client!.stderrTail, /not valid for any names/);
  assert.match(byId.get('eku-client-auth')!.client!.stderrTail, /incompatible key usage/);
  assert.match(byId.get('name-constraint-violation')!.client!.stderrTail, /not permitted by any constraint/);
  assert.match(byId.get('tls10-only')!.evidence, /TLS handshake failed: unsupported protocol; no application data/);
}

test('Go with tls.Config{RootCAs: lab CA only} refuses every forgery except an RSA-1024 leaf', async () => {
  const report = await runExecAudit({ protocol: 'https', command: `${client} {url} {ca} {token} default`, concurrency: 6, timeoutMs: 30_000 });
  assertVerifyingClient(report);
});

test('Go with the system roots plus the lab CA (x509.SystemCertPool + AppendCertsFromPEM) gives the same verdicts', async () => {
  const report = await runExecAudit({ protocol: 'https', command: `${client} {url} {ca} {token} system`, concurrency: 6, timeoutMs: 30_000 });
  assertVerifyingClient(report);
});

test('Go http.DefaultClient with SSL_CERT_FILE pointing at the lab CA gives the same verdicts', async () => {
  const report = await runExecAudit({ protocol: 'https', command: `SSL_CERT_FILE={ca} ${client} {url} {ca} {token} env`, concurrency: 6, timeoutMs: 30_000 });
  assertVerifyingClient(report);
});

test('Go capped at TLS 1.2 (MaxVersion) also accepts an RSA-512 leaf', async () => {
  const report = await runExecAudit({
    protocol: 'https',
    only: ['rsa-512-key', 'rsa-1024-key', 'untrusted-ca', 'sha1-signature', 'tls11-only', 'null-cipher'],
    command: `${client} {url} {ca} {token} tls12`,
    concurrency: 6,
    timeoutMs: 30_000,
  });
  // Over TLS 1.3 the endpoint cannot sign RSA-PSS with a 512-bit key and aborts; over TLS 1.2 it signs PKCS#1 v1.5 and
  // Go, which checks no key size, sends the request.
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'rsa-1024-key', 'rsa-512-key']);
  assert.match(report.results.find((r) => r.scenario === 'rsa-512-key')!.evidence, /TLSv1\.2, TLS_ECDHE_RSA_.*authorization header Basic .*holds the canary token/);
  assert.deepEqual(withVerdict(report, 'rejected'), sorted(['untrusted-ca', 'sha1-signature', 'tls11-only', 'null-cipher']));
  // Go never offers a NULL suite: the endpoint finds no shared cipher.
  assert.match(report.results.find((r) => r.scenario === 'null-cipher')!.evidence, /no shared cipher/);
});

test('Go with InsecureSkipVerify sends the request to every certificate forgery, but not below TLS 1.2 or without encryption', async () => {
  const report = await runExecAudit({ protocol: 'https', command: `${client} {url} {ca} {token} insecure`, concurrency: 6, timeoutMs: 30_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), sorted(['baseline', ...CERT_FORGERIES]));
  assert.deepEqual(withVerdict(report, 'accepted-plaintext'), ['hsts-downgrade']);
  // InsecureSkipVerify switches off certificate checks only: the version floor and suite list are unchanged.
  assert.deepEqual(withVerdict(report, 'rejected'), sorted(ALWAYS_REJECTED));
  assert.equal(report.summary.forgedAccepted, CERT_FORGERIES.length + 1);
  // The 512-bit key is refused by the endpoint's own OpenSSL over TLS 1.3 (no RSA-PSS with so small a key), not by Go.
  assert.match(report.results.find((r) => r.scenario === 'rsa-512-key')!.evidence, /no suitable signature algorithm/);
  for (const id of UNSERVABLE) assert.equal(verdictOf(report, id), 'unavailable', id);
  assert.ok(report.findings.every((f) => f.target === `client: ${client} {url} {ca} {token} insecure`));
});
