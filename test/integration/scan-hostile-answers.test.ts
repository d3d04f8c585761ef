/**
 * Servers that answer, but lie: scripted on loopback (test/helpers/hostile-tls-server.ts), each the way a middlebox
 * or an attacker does. The scan must tell them apart — an HRR loop is not TLS 1.3 support, a downgrade sentinel is a
 * critical finding, a bogus answer is refused at once with its own code, a suite only a ServerHello named is
 * `confirmed: false`, and an SSLv2-only server raises no TLS 1.x finding.
 */
import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAuthority, issueLeaf } from '../../src/pki/index.js';
import { scanTarget } from '../../src/scan/index.js';
import { BEHAVIOURS, startHostileTlsServer, type BehaviourName, type HostileTlsServer } from '../helpers/hostile-tls-server.js';
import { startLegacySslServer, type LegacyServer } from '../helpers/legacy-ssl-server.js';
import { startOpenSslServer } from '../helpers/tls-servers.js';

/** Long enough that a scan which waits for more than the lie would take ≥ 10 s (the scanner's own bound). */
const TIMEOUT_MS = 4000;
const OPTIONS = { timeoutMs: TIMEOUT_MS, beyondHandshake: false as const };

describe('scan of servers that lie in their answers', () => {
  const leaf = issueLeaf(createAuthority('hostile answers test CA'), { names: ['localhost'], key: { type: 'rsa', bits: 2048 } });
  const servers = new Map<BehaviourName, HostileTlsServer>();
  let sslv2Only: LegacyServer;
  before(async () => {
    for (const name of Object.keys(BEHAVIOURS) as BehaviourName[]) servers.set(name, await startHostileTlsServer(BEHAVIOURS[name], leaf.der));
    sslv2Only = await startLegacySslServer({ sslv2: [0x010080, 0x0700c0], certificate: leaf.der });
  });
  after(async () => {
    for (const s of servers.values()) await s.close();
    await sslv2Only.close();
  });
  const scan = (name: BehaviourName) => scanTarget(servers.get(name)!.target, OPTIONS);

  it('refuses a HelloRetryRequest loop: the second HRR aborts (RFC 8446 §4.1.4), no TLS 1.3, no groups', async () => {
    const r = await scan('hrrLoop');
    assert.equal(r.ok, false, 'an endpoint that only ever retries cannot be assessed');
    assert.equal(r.error?.code, 'MG_ERR_PROTOCOL');
    assert.match(r.error!.message, /second HelloRetryRequest/);
    assert.equal(r.tls, null);
    assert.equal(r.findings.some((f) => f.id === 'tls.kex.weak-group'), false);
    assert.ok(r.durationMs < TIMEOUT_MS, `refused at once, not after a timeout (${r.durationMs} ms)`);
  });

  it('flags DOWNGRD\\x01 in a TLS 1.2 answer to a TLS 1.3 offer as tls.downgrade.detected (critical)', async () => {
    const r = await scan('downgradeTls12');
    const f = r.findings.find((x) => x.id === 'tls.downgrade.detected');
    assert.ok(f, `findings: ${r.findings.map((x) => x.id).join(', ')}`);
    assert.equal(f.severity, 'critical');
    assert.equal(f.pillar, 'encryption');
    assert.match(f.evidence, /TLSv1\.3 probe \(offered up to 0x0304\) got a 0x0303 ServerHello whose random ends in DOWNGRD\\x01/);
    // The TLS 1.2 probe's DOWNGRD\x01 is what an honest TLS 1.3 server sends a TLS 1.2 client: not a downgrade.
    assert.equal(r.tls!.downgrades!.some((d) => d.probe === 'TLSv1.2'), false);
    assert.equal(r.tls!.protocols['TLSv1.3'], false);
    assert.ok(r.durationMs < TIMEOUT_MS, `no timeout (${r.durationMs} ms)`);
  });

  it('flags DOWNGRD\\x00 in a TLS 1.1 answer to a TLS 1.2 (and 1.3) offer', async () => {
    const r = await scan('downgradeTls11');
    const f = r.findings.find((x) => x.id === 'tls.downgrade.detected');
    assert.ok(f);
    assert.deepEqual(r.tls!.downgrades!.map((d) => [d.probe, d.sentinel]).sort(), [['TLSv1.2', 'tls11'], ['TLSv1.3', 'tls11']]);
    assert.match(f.evidence, /TLSv1\.2 probe \(offered up to 0x0303\) got a 0x0302 ServerHello whose random ends in DOWNGRD\\x00/);
  });

  const refusals: Array<[BehaviourName, string, RegExp]> = [
    ['suiteNotOffered', 'MG_ERR_PROTOCOL', /cipher suite 0x0000, which was not offered/],
    ['serverVersion0305', 'MG_ERR_PROTOCOL', /server_version 0x0305 was not offered/],
    ['supportedVersions0305', 'MG_ERR_PROTOCOL', /supported_versions selects 0x0305/],
    ['sessionId33', 'MG_ERR_MALFORMED', /legacy_session_id of 33 bytes/],
    ['lyingPointLength', 'MG_ERR_MALFORMED', /decode_error: ServerKeyExchange/],
  ];
  for (const [name, code, message] of refusals) {
    it(`refuses ${name} at once with ${code}, not a timeout`, async () => {
      const r = await scan(name);
      assert.equal(r.ok, false);
      assert.equal(r.error?.code, code, r.error?.message);
      assert.match(r.error!.message, message);
      // The server keeps every connection open after its lie: only an immediate refusal ends the scan this fast.
      assert.ok(r.durationMs < TIMEOUT_MS, `refused after ${r.durationMs} ms`);
    });
  }

  it('marks suites only an echoing ServerHello named as confirmed: false in the critical findings', async () => {
    const r = await scan('echoSuite');
    assert.equal(r.ok, true);
    const conf = r.tls!.suiteConfirmation!;
    assert.ok(conf.length > 0);
    assert.equal(conf.some((c) => c.confirmed), false, 'no handshake completes with a server that only echoes');
    // NULL and anonymous suites are attempted with a real handshake; EXPORT suites cannot be negotiated here at all.
    assert.ok(conf.some((c) => c.suite === 'TLS_RSA_WITH_NULL_SHA' && /handshake failed|no completed handshake/.test(c.detail)), JSON.stringify(conf.slice(0, 4)));
    assert.ok(conf.some((c) => c.suite === 'TLS_RSA_EXPORT_WITH_RC4_40_MD5' && /no TLS stack here/.test(c.detail)));
    for (const id of ['tls.cipher.null', 'tls.cipher.export', 'tls.cipher.anonymous']) {
      const f = r.findings.find((x) => x.id === id);
      assert.ok(f, id);
      assert.match(f.evidence, /\(confirmed: false\)/);
      assert.doesNotMatch(f.evidence, /\(confirmed: true\)/);
    }
  });

  it('confirms NULL and anonymous suites a real server (openssl s_server) accepts with a completed handshake', async (t) => {
    const server = await startOpenSslServer({ args: ['-tls1_2', '-cipher', 'NULL-SHA:ADH-AES128-SHA:AES128-SHA:@SECLEVEL=0'] });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    const conf = r.tls!.suiteConfirmation!;
    assert.deepEqual(conf.map((c) => [c.suite, c.confirmed]).sort(), [['TLS_DH_anon_WITH_AES_128_CBC_SHA', true], ['TLS_RSA_WITH_NULL_SHA', true]]);
    assert.match(r.findings.find((f) => f.id === 'tls.cipher.null')!.evidence, /TLS_RSA_WITH_NULL_SHA \(confirmed: true\)/);
    assert.doesNotMatch(r.findings.find((f) => f.id === 'tls.cipher.null')!.evidence, /confirmed: false/);
  });

  it('against a real server (openssl s_server), groups asked for by HRR are confirmed by the retried ServerHello', async (t) => {
    // None of these is a group we hold a key for in the first ClientHello, so each is found through HRR + retry.
    const server = await startOpenSslServer({ args: ['-tls1_3', '-groups', 'secp521r1:ffdhe2048:x448'] });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.deepEqual(r.tls!.groups, ['secp521r1', 'ffdhe2048', 'x448']);
    assert.deepEqual(r.tls!.probeErrors, []);
  });

  it('records why a TLS 1.3 group list ended when the server fails the retried hello (internal_error)', async () => {
    const r = await scan('failOnRetry');
    assert.equal(r.tls?.protocols['TLSv1.3'], true);
    assert.deepEqual(r.tls!.groups, [], 'the HRR for secp256r1 alone does not count');
    assert.ok(r.tls!.probeErrors!.some((e) => e.probe === 'groups TLSv1.3' && e.code === 'MG_ERR_TLS_ALERT' && /alert 80 after 0 group/.test(e.message)), JSON.stringify(r.tls!.probeErrors));
  });

  it('reports MG_ERR_CONNECTION_RESET for a server that resets every connection after the ClientHello', async (t) => {
    const server = createNetServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', () => sock.resetAndDestroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const r = await scanTarget(`127.0.0.1:${(server.address() as { port: number }).port}`, OPTIONS);
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_CONNECTION_RESET', r.error?.message);
    assert.match(r.error!.message, /reset the connection after every ClientHello/);
  });

  it('raises no TLS 1.x finding on an SSLv2-only server', async () => {
    const r = await scanTarget(sslv2Only.target, OPTIONS);
    assert.equal(r.tls?.protocols.SSLv2, true);
    const ids = r.findings.map((f) => f.id);
    assert.ok(ids.includes('tls.protocol.sslv2-enabled'));
    assert.equal(ids.includes('tls.protocol.tls13-missing'), false, ids.join(', '));
  });
});
