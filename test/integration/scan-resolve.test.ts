/**
 * `mitmguard scan --resolve NAME:PORT:ADDR`: scan a name that resolves nowhere by connecting to a chosen address, as
 * `curl --resolve` does. The TLS facts come from the server at that address; SNI and the host-name check use the name.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { runCli } from '../e2e/helpers.js';

const NAME = 'nowhere.mitmguard.invalid';
const dir = mkdtempSync(join(tmpdir(), 'mg-resolve-'));
const caFile = join(dir, 'ca.pem');
let server: Server;
let port = 0;
let seenSni: string | null = null;

before(async () => {
  const ca = createAuthority([['CN', 'resolve test CA']]);
  const leaf = issueLeaf(ca, { names: [NAME] });
  writeFileSync(caFile, ca.cert.pem);
  server = createServer({ cert: leaf.pem, key: privateKeyPem(leaf.keyPair), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }, (_q, res) => res.end('ok\n'));
  server.on('secureConnection', (s) => (seenSni = (s as unknown as { servername?: string }).servername || seenSni));
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

test('a name that resolves nowhere is scanned at the --resolve address: right facts, SNI sent, no host-name finding', { timeout: 120_000 }, async () => {
  const r = await runCli(['scan', '--format', 'json', '--ca', caFile, '--resolve', `${NAME}:${port}:127.0.0.1`, `https://${NAME}:${port}`]);
  const doc = JSON.parse(r.stdout) as {
    targets: Array<{ ok: boolean; host: string; address?: string; sni?: string; tls: { protocols: Record<string, boolean> }; certificateValidation: { valid: boolean }; findings: { id: string }[] }>;
  };
  const t = doc.targets[0]!;
  assert.equal(t.ok, true, r.stdout + r.stderr);
  assert.equal(t.host, NAME);
  assert.equal(t.address, '127.0.0.1');
  assert.equal(t.sni, NAME);
  assert.equal(seenSni, NAME, 'the server saw the name in SNI');
  assert.equal(t.tls.protocols['TLSv1.3'], true);
  assert.equal(t.tls.protocols['TLSv1.2'], true);
  assert.equal(t.tls.protocols['TLSv1.1'], false);
  assert.equal(t.certificateValidation.valid, true);
  assert.ok(!t.findings.some((f) => f.id === 'cert.chain.hostname-mismatch'), t.findings.map((f) => f.id).join(', '));
});

test('without --resolve the same name cannot be reached: the scan says so instead of guessing an address', { timeout: 120_000 }, async () => {
  const r = await runCli(['scan', '--format', 'json', '--timeout', '3000', `https://${NAME}:${port}`]);
  const t = (JSON.parse(r.stdout) as { targets: Array<{ ok: boolean; error: { code: string } | null }> }).targets[0]!;
  assert.equal(t.ok, false);
  assert.equal(r.code, 2);
});

test('a --resolve entry for another port does not apply; a malformed one is a usage error (exit 2) before any connection', { timeout: 120_000 }, async () => {
  const other = await runCli(['scan', '--format', 'json', '--timeout', '3000', '--resolve', `${NAME}:${port === 1 ? 2 : port - 1}:127.0.0.1`, `https://${NAME}:${port}`]);
  assert.equal((JSON.parse(other.stdout) as { targets: Array<{ ok: boolean }> }).targets[0]!.ok, false);
  for (const bad of [`${NAME}:${port}`, `${NAME}:${port}:somewhere`, `127.0.0.1:${port}:127.0.0.1`]) {
    const r = await runCli(['scan', '--resolve', bad, `https://${NAME}:${port}`]);
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /MG_ERR_USAGE/);
  }
});
