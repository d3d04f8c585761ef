/**
 * The client audit against database and mail clients: psql across sslmodes (PostgreSQL SSLRequest upgrade),
 * redis-cli over TLS, swaks over SMTP STARTTLS, and curl's IMAP/POP3/FTP STARTTLS with and without --ssl-reqd.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExecAudit, type AuditReport } from '../../src/audit/index.js';

const withVerdict = (r: AuditReport, verdict: string) => r.results.filter((x) => x.verdict === verdict).map((x) => x.scenario).sort();
const verdictOf = (r: AuditReport, id: string) => r.results.find((x) => x.scenario === id)?.verdict;
const PSQL = (mode: string) => `PGPASSWORD={token} PGCONNECT_TIMEOUT=10 psql "host={host} port={port} user=audit dbname=app ${mode}" -c "select 1"`;
const SAMPLE = ['self-signed', 'untrusted-ca', 'wrong-host', 'expired', 'mimic-upstream', 'starttls-refused'];

test('psql sslmode=verify-full with the lab CA accepts only the baseline', async () => {
  const report = await runExecAudit({ protocol: 'postgres', command: PSQL('sslmode=verify-full sslrootcert={ca}'), concurrency: 6, timeoutMs: 20_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline']);
  assert.deepEqual(withVerdict(report, 'accepted-plaintext'), []);
  // The baseline evidence: after the SSLRequest, the password arrived inside TLS — hashed, never stored.
  assert.match(report.results[0]!.evidence, /\[cleartext\] SSLRequest; StartupMessage .*; PasswordMessage \(redacted, \d+–\d+ bytes, run hmac [0-9a-f]{8}…, holds the canary token\)/);
});

test('psql sslmode=verify-ca checks the chain but not the host name', async () => {
  const report = await runExecAudit({ protocol: 'postgres', only: SAMPLE, command: PSQL('sslmode=verify-ca sslrootcert={ca}'), timeoutMs: 20_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'wrong-host']);
  assert.equal(verdictOf(report, 'starttls-refused'), 'rejected');
});

test('psql sslmode=require without a root certificate accepts any certificate but refuses plaintext', async () => {
  const report = await runExecAudit({ protocol: 'postgres', only: SAMPLE, command: PSQL('sslmode=require'), timeoutMs: 20_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'expired', 'mimic-upstream', 'self-signed', 'untrusted-ca', 'wrong-host']);
  assert.equal(verdictOf(report, 'starttls-refused'), 'rejected');
});

test('psql sslmode=prefer (libpq\'s default) continues in cleartext when the server refuses TLS', async () => {
  const report = await runExecAudit({ protocol: 'postgres', only: ['self-signed', 'starttls-refused'], command: PSQL('sslmode=prefer'), timeoutMs: 20_000 });
  assert.equal(verdictOf(report, 'self-signed'), 'accepted');
  assert.equal(verdictOf(report, 'starttls-refused'), 'accepted-plaintext');
  const finding = report.findings.find((f) => f.id === 'audit.client.starttls-refused')!;
  assert.equal(finding.severity, 'critical');
  assert.match(finding.evidence, /\[cleartext\] PasswordMessage/);
});

test('psql sslmode=disable sends the password in clear even to the baseline', async () => {
  const report = await runExecAudit({ protocol: 'postgres', only: ['self-signed'], command: PSQL('sslmode=disable'), timeoutMs: 20_000 });
  assert.equal(verdictOf(report, 'baseline'), 'accepted-plaintext');
  assert.equal(verdictOf(report, 'self-signed'), 'accepted-plaintext');
});

test('redis-cli --tls --cacert verifies the chain but not the host name', async () => {
  const report = await runExecAudit({
    protocol: 'redis',
    command: 'redis-cli --tls --cacert {ca} --sni {sni} -h {host} -p {port} --user audit --pass {token} --no-auth-warning GET k',
    concurrency: 6,
    timeoutMs: 20_000,
  });
  // Surprising, recorded in docs/clients/redis-cli.md: redis-cli 7.0 never checks the name, so any certificate from the
  // trusted CA — for any host — gets the AUTH password.
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'cn-match-san-mismatch', 'nul-byte-cn', 'nul-byte-san', 'wrong-host']);
  assert.match(report.results.find((r) => r.scenario === 'wrong-host')!.evidence, /AUTH \(2 arguments\) \(redacted, \d+–\d+ bytes, run hmac [0-9a-f]{8}…, holds the canary token\)/);
});

test('redis-cli --tls --cacert … PING: a command without AUTH after the handshake is acceptance, not negotiation', async () => {
  const report = await runExecAudit({
    protocol: 'redis',
    only: ['self-signed', 'plaintext'],
    command: 'redis-cli --tls --cacert {ca} --sni {sni} -h {host} -p {port} PING',
    timeoutMs: 20_000,
  });
  assert.equal(verdictOf(report, 'baseline'), 'accepted');
  assert.match(report.results.find((r) => r.scenario === 'baseline')!.evidence, /PING/);
  assert.equal(verdictOf(report, 'self-signed'), 'rejected');
});

test('redis-cli --tls --insecure gives the password to any forged server', async () => {
  const report = await runExecAudit({
    protocol: 'redis',
    only: ['self-signed', 'untrusted-ca', 'expired', 'plaintext'],
    command: 'redis-cli --tls --insecure -h {host} -p {port} --user audit --pass {token} --no-auth-warning GET k',
    timeoutMs: 20_000,
  });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'expired', 'self-signed', 'untrusted-ca']);
  assert.equal(verdictOf(report, 'plaintext'), 'rejected');
});

const SWAKS = (tls: string) => `swaks --server {host}:{port} --to a@example.org --from b@example.org ${tls} --auth PLAIN --auth-user audit --auth-password {token} --timeout 10`;

test('swaks --tls --tls-verify checks the chain but not the host name; stripped STARTTLS is refused', async () => {
  const report = await runExecAudit({ protocol: 'smtp', command: SWAKS('--tls --tls-verify --tls-ca-path {ca}'), concurrency: 6, timeoutMs: 20_000 });
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'cn-match-san-mismatch', 'nul-byte-cn', 'nul-byte-san', 'wrong-host']);
  assert.equal(verdictOf(report, 'starttls-not-offered'), 'rejected');
  assert.equal(verdictOf(report, 'starttls-refused'), 'rejected');
});

test('swaks --tls without verification sends AUTH to any certificate; --tls-optional sends it in clear', async () => {
  const strict = await runExecAudit({ protocol: 'smtp', only: ['self-signed', 'untrusted-ca', 'starttls-not-offered'], command: SWAKS('--tls'), timeoutMs: 20_000 });
  assert.deepEqual(withVerdict(strict, 'accepted'), ['baseline', 'self-signed', 'untrusted-ca']);
  assert.equal(verdictOf(strict, 'starttls-not-offered'), 'rejected');
  const optional = await runExecAudit({ protocol: 'smtp', only: ['starttls-not-offered', 'starttls-refused'], command: SWAKS('--tls-optional'), timeoutMs: 20_000 });
  assert.deepEqual(withVerdict(optional, 'accepted-plaintext'), ['starttls-not-offered', 'starttls-refused']);
  assert.match(optional.results.find((r) => r.scenario === 'starttls-not-offered')!.evidence, /\[cleartext\] AUTH PLAIN \(redacted/);
});

for (const protocol of ['imap', 'pop3', 'ftp'] as const) {
  test(`curl ${protocol}:// with --ssl-reqd refuses stripped and refused STARTTLS; with --ssl it logs in over cleartext`, async () => {
    const only = ['self-signed', 'starttls-not-offered', 'starttls-refused'];
    const required = await runExecAudit({ protocol, only, command: 'curl -sS --max-time 10 --ssl-reqd --cacert {ca} -u audit:{token} {url}', timeoutMs: 20_000 });
    assert.deepEqual(withVerdict(required, 'accepted'), ['baseline']);
    assert.deepEqual(withVerdict(required, 'rejected'), ['self-signed', 'starttls-not-offered', 'starttls-refused']);
    const opportunistic = await runExecAudit({ protocol, only, command: 'curl -sS --max-time 10 --ssl --cacert {ca} -u audit:{token} {url}', timeoutMs: 20_000 });
    assert.deepEqual(withVerdict(opportunistic, 'accepted-plaintext'), ['starttls-not-offered', 'starttls-refused']);
    assert.equal(verdictOf(opportunistic, 'self-signed'), 'rejected');
  });
}
