/**
 * The client audit records what each real client offered in its ClientHello — versions, groups, key shares, signature
 * schemes, JA4 — so a report says which clients are ready for post-quantum key exchange: the pinned Node 24 (OpenSSL
 * 3.5) offers X25519MLKEM768 and sends its key share first; curl on Debian 12 (OpenSSL 3.0) offers no ML-KEM group.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderAuditText, runExecAudit } from '../../src/audit/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-audit-hello-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'fetch.mjs'),
  [
    "import https from 'node:https'; import fs from 'node:fs';",
    'const [url, ca, token] = process.argv.slice(2);',
    'https.get(url, { ca: fs.readFileSync(ca), auth: `audit:${token}`, timeout: 10000 }, (res) => { res.resume(); res.on("end", () => process.exit(0)); })',
    '  .on("error", (e) => { console.error(e.message); process.exit(1); });',
  ].join('\n'),
);
const ONLY = ['expired'];

test('node https on the pinned Node 24 offers X25519MLKEM768 with its key share: post-quantum ready', async () => {
  const version = execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  assert.ok(Number(version.split('.')[0]) >= 24, `the pinned Node 24 expected first on PATH, found ${version}`);
  const report = await runExecAudit({ protocol: 'https', only: ONLY, command: `node ${dir}/fetch.mjs {url} {ca} {token}`, timeoutMs: 30_000 });
  const h = report.clientHello;
  assert.ok(h, 'the report records the client offer');
  assert.equal(h.groups[0], 'X25519MLKEM768');
  assert.deepEqual(h.postQuantumGroups, ['X25519MLKEM768']);
  assert.ok(h.keyShareGroups.includes('X25519MLKEM768'), h.keyShareGroups.join(', '));
  assert.ok(h.versions.includes('TLSv1.3'));
  assert.ok(h.signatureSchemes.includes('rsa_pss_rsae_sha256') && h.signatureSchemes.includes('ecdsa_secp256r1_sha256'));
  assert.match(h.ja4, /^t13d\d{4}00_[0-9a-f]{12}_[0-9a-f]{12}$/, 'node https sends SNI, no ALPN');
  // Each scenario records the hello it received, the same client's offer every time.
  assert.equal(report.results.find((r) => r.scenario === 'expired')!.clientHello!.ja4, h.ja4);
  assert.match(renderAuditText(report), /post-quantum: yes \(X25519MLKEM768\)/);
  assert.match(renderAuditText(report), new RegExp(`JA4 ${h.ja4}`));
});

test('curl on Debian 12 (OpenSSL 3.0) offers no post-quantum group, and the report says so', async () => {
  const report = await runExecAudit({ protocol: 'https', only: ONLY, command: 'curl -sS --cacert {ca} -u audit:{token} {url}', timeoutMs: 30_000 });
  const h = report.clientHello;
  assert.ok(h);
  assert.deepEqual(h.postQuantumGroups, []);
  assert.ok(h.groups.includes('x25519') && h.groups.includes('secp256r1'), h.groups.join(', '));
  assert.deepEqual(h.alpn.slice(0, 1), ['h2']);
  assert.match(h.ja4, /^t13d\d{4}h2_/);
  assert.match(renderAuditText(report), /post-quantum: no/);
});
