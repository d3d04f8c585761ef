/**
 * mitmguard scan against Debian's `openssl s_server` (legacy versions and suites at @SECLEVEL=0) and nginx: the
 * versions and suite sets must be exactly those the server can serve with its RSA certificate.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { scanTarget } from '../../src/scan/index.js';
import { suiteByOpenSslName } from '../../src/tls/wire/suites.js';
import { startNginx, startOpenSslServer } from '../helpers/tls-servers.js';

const OPTIONS = { timeoutMs: 15_000 };

/**
 * What OpenSSL will negotiate for `cipherString` at one version with an RSA certificate and no PSK/SRP configured:
 * `openssl ciphers -s` for the version, minus suites that need an ECDSA or DSA key.
 */
function expectedSuites(cipherString: string, versionFlag: string): string[] {
  const out = execFileSync('openssl', ['ciphers', '-s', versionFlag, cipherString], { encoding: 'utf8' }).trim();
  return out
    .split(':')
    .map((n) => suiteByOpenSslName(n))
    .filter((s) => s !== undefined && !s.tls13 && (s.au === 'RSA' || s.au === 'anon') && s.kx !== 'PSK' && s.kx !== 'SRP')
    .map((s) => s!.name)
    .sort();
}

describe('scan of openssl s_server and nginx', () => {
  it('reports TLS 1.0–1.2 with exactly the legacy suites s_server serves, and SSLv2/SSLv3 as not supported', async (t) => {
    const cipherString = 'ALL:eNULL:@SECLEVEL=0';
    const server = await startOpenSslServer({ args: ['-cipher', cipherString, '-no_tls1_3'] });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    // Debian's OpenSSL 3 is built without SSLv2 and SSLv3, so no server here can speak them.
    assert.deepEqual(r.tls!.protocols, { SSLv2: false, SSLv3: false, 'TLSv1.0': true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': false });
    for (const [version, flag] of [['TLSv1.0', '-tls1'], ['TLSv1.1', '-tls1_1'], ['TLSv1.2', '-tls1_2']] as const) {
      assert.deepEqual([...r.tls!.cipherSuites[version]!].sort(), expectedSuites(cipherString, flag), version);
    }
    // s_server follows the client's order unless -serverpref is given.
    assert.equal(r.tls!.serverPreference['TLSv1.2'], false);
    const ids = new Set(r.findings.map((f) => f.id));
    for (const id of ['tls.protocol.tls10-enabled', 'tls.protocol.tls11-enabled', 'tls.cipher.null', 'tls.cipher.anonymous', 'tls.protocol.tls13-missing']) {
      assert.ok(ids.has(id), `expected ${id}`);
    }
    assert.equal(r.findings.find((f) => f.id === 'tls.cipher.null')!.severity, 'critical');
  });

  it('reports server preference and the exact order of an s_server started with -serverpref', async (t) => {
    const server = await startOpenSslServer({
      args: ['-cipher', 'AES256-SHA:ECDHE-RSA-AES128-SHA:DHE-RSA-AES256-GCM-SHA384', '-serverpref', '-tls1_2'],
    });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.deepEqual(r.tls!.cipherSuites['TLSv1.2'], [
      'TLS_RSA_WITH_AES_256_CBC_SHA',
      'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
      'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
    ]);
    assert.equal(r.tls!.serverPreference['TLSv1.2'], true);
    assert.equal(r.tls!.dhBits, 2048);
  });

  it('reports nginx versions, suites in server order and curves as configured', async (t) => {
    const server = await startNginx({
      protocols: 'TLSv1.2 TLSv1.3',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256',
      preferServerCiphers: true,
      ecdhCurve: 'secp384r1:X25519',
      http2: true,
    });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, `${JSON.stringify(r.error)}\n${server.log()}`);
    assert.deepEqual(r.tls!.protocols, { SSLv2: false, SSLv3: false, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
    // nginx serves DHE suites only with ssl_dhparam, which this server has not: the DHE suite is listed but unusable
    // (openssl s_client -cipher DHE-RSA-AES128-GCM-SHA256 gets handshake_failure too).
    assert.deepEqual(r.tls!.cipherSuites['TLSv1.2'], ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
    assert.equal(r.tls!.serverPreference['TLSv1.2'], true);
    assert.equal(r.tls!.dhBits, null);
    assert.deepEqual(r.tls!.groups, ['secp384r1', 'x25519']);
    assert.deepEqual(r.tls!.alpn, ['h2', 'http/1.1']);
    assert.equal(r.tls!.certificates.length, 2);
  });

  it('enumerates an nginx that requires client certificates', async (t) => {
    const { clientCa } = await import('../helpers/tls-servers.js');
    const server = await startNginx({ protocols: 'TLSv1.2 TLSv1.3', clientCaPem: clientCa().caPem });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, `${JSON.stringify(r.error)}\n${server.log()}`);
    assert.equal(r.tls!.protocols['TLSv1.3'], true);
    assert.equal(r.tls!.clientCertificateRequested, true);
    assert.ok((r.tls!.cipherSuites['TLSv1.2'] ?? []).length > 0);
  });
});
