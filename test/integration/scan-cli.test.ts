/** `mitmguard scan` as a user runs it: JSON document on stdout, text report, exit codes 0/1/2. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, serverCaFile, startNodeTlsServer, startOpenSslServer } from '../helpers/tls-servers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('mitmguard scan command', () => {
  it('prints one JSON document with the contract fields and exits 0 for a clean server', async (t) => {
    const server = await startNodeTlsServer({ minVersion: 'TLSv1.2', ciphers: 'TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256', honorCipherOrder: true });
    t.after(() => server.close());
    const r = await cli(['scan', server.target, '--ca', serverCaFile(server), '--format', 'json', '--timeout', '10000']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.tool, 'mitmguard');
    assert.equal(typeof doc.version, 'string');
    const t0 = doc.targets[0];
    assert.equal(t0.target, server.target);
    assert.equal(t0.ok, true);
    assert.equal(t0.error, null);
    assert.deepEqual(Object.keys(t0.tls.protocols), ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(t0.tls.cipherSuites['TLSv1.2'], ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
    for (const key of ['serverPreference', 'groups', 'alpn', 'certificates', 'ocspStapled', 'secureRenegotiation', 'fallbackScsv', 'compression']) {
      assert.ok(key in t0.tls, key);
    }
    for (const key of ['pem', 'subject', 'issuer', 'notBefore', 'notAfter', 'sans', 'keyType', 'keyBits', 'signatureAlgorithm', 'sha256']) {
      assert.ok(key in t0.tls.certificates[0], key);
    }
    assert.deepEqual(t0.findings, []);
  });

  it('exits 1 when a finding reaches --fail-on and 0 when every finding is below it', async (t) => {
    // TLS 1.2 only with a static-RSA CBC suite: medium and low findings, nothing high.
    const server = await startNodeTlsServer({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA', honorCipherOrder: true });
    t.after(() => server.close());
    const below = await cli(['scan', server.target, '--ca', serverCaFile(server), '--format', 'json', '--timeout', '10000']);
    assert.equal(below.code, 0, below.stderr);
    const ids = JSON.parse(below.stdout).targets[0].findings.map((f: { id: string }) => f.id);
    assert.ok(ids.includes('tls.cipher.no-forward-secrecy'));
    const reached = await cli(['scan', server.target, '--ca', serverCaFile(server), '--format', 'json', '--fail-on', 'medium', '--timeout', '10000']);
    assert.equal(reached.code, 1, reached.stderr);
  });

  it('prints a text report with critical findings and exits 1 for a legacy server', async (t) => {
    const server = await startOpenSslServer({ args: ['-cipher', 'ALL:eNULL:@SECLEVEL=0', '-no_tls1_3'] });
    t.after(() => server.close());
    const r = await cli(['scan', server.target, '--timeout', '10000']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /critical\s+tls\.cipher\.null/);
    assert.match(r.stdout, /protocols\s+-SSLv2\s+-SSLv3\s+TLSv1\.0\s+TLSv1\.1\s+TLSv1\.2\s+-TLSv1\.3/);
    assert.match(r.stdout, /certificate CN=localhost/);
  });

  it('exits 2 with an error code for an unreachable target and for a malformed one', async () => {
    const port = await freePort();
    const down = await cli(['scan', `127.0.0.1:${port}`, '--format', 'json', '--timeout', '3000']);
    assert.equal(down.code, 2);
    assert.equal(JSON.parse(down.stdout).targets[0].error.code, 'MG_ERR_CONNECT');
    const bad = await cli(['scan', 'gopher://127.0.0.1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /MG_ERR_TARGET/);
  });
});
