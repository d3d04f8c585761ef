/**
 * mitmguard scan against node:tls servers configured with chosen versions, suites, groups and ALPN: the scan must
 * report exactly what each server was configured with.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { scanTarget, scanTargets } from '../../src/scan/index.js';
import { dhParamsPem, freePort, startNodeTlsServer, clientCa } from '../helpers/tls-servers.js';
import { serverAnchors } from '../helpers/tls-servers.js';

const OPTIONS = { timeoutMs: 10_000 };
const sha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

describe('scan of node:tls servers', () => {
  it('reports exactly the configured TLS 1.2 and 1.3 suites in server order, the groups and the presented chain', async (t) => {
    const server = await startNodeTlsServer({
      minVersion: 'TLSv1.2',
      ciphers: 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256',
      honorCipherOrder: true,
      ecdhCurve: 'X25519:P-256',
    });
    t.after(() => server.close());
    const r = await scanTarget(server.target, { ...OPTIONS, beyondHandshake: await serverAnchors(server) });
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.deepEqual(r.tls!.protocols, { SSLv2: false, SSLv3: false, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
    assert.deepEqual(r.tls!.cipherSuites['TLSv1.2'], [
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    ]);
    assert.deepEqual(r.tls!.cipherSuites['TLSv1.3'], ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256']);
    assert.equal(r.tls!.serverPreference['TLSv1.2'], true);
    assert.deepEqual([...r.tls!.groups].sort(), ['secp256r1', 'x25519']);
    assert.deepEqual(r.tls!.certificates.map((c) => c.sha256), server.chainPem.map(sha256));
    const leaf = r.tls!.certificates[0]!;
    assert.equal(leaf.subject, 'CN=localhost');
    assert.deepEqual(leaf.sans, ['localhost', '127.0.0.1']);
    assert.equal(leaf.keyType, 'rsa');
    assert.equal(leaf.keyBits, 2048);
    assert.equal(leaf.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(r.tls!.secureRenegotiation, true);
    assert.equal(r.tls!.fallbackScsv, true);
    assert.equal(r.tls!.compression, false);
    assert.deepEqual(r.tls!.probeErrors, []);
    assert.deepEqual(r.findings.map((f) => f.id), []);
    assert.equal(r.certificateValidation?.valid, true, 'the chain validates to the test CA given as an anchor');
    // Without the private CA as an anchor, the same chain is one a client would refuse.
    const unanchored = await scanTarget(server.target, OPTIONS);
    assert.deepEqual(unanchored.findings.map((f) => f.id), ['cert.chain.untrusted-root']);
  });

  it('reads the certificate and ALPN of a TLS 1.3-only server through a real handshake', async (t) => {
    const server = await startNodeTlsServer({ minVersion: 'TLSv1.3', ALPNProtocols: ['h2'], key: { type: 'ec', curve: 'P-256' } });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.deepEqual(
      Object.entries(r.tls!.protocols).filter(([, v]) => v).map(([k]) => k),
      ['TLSv1.3'],
    );
    assert.deepEqual(r.tls!.certificates.map((c) => c.sha256), server.chainPem.map(sha256));
    assert.equal(r.tls!.certificates[0]!.keyType, 'ec');
    assert.equal(r.tls!.certificates[0]!.keyBits, 256);
    assert.deepEqual(r.tls!.alpn, ['h2']);
    // Nothing below TLS 1.3 to fall back to, nothing to renegotiate.
    assert.equal(r.tls!.fallbackScsv, null);
    assert.equal(r.tls!.secureRenegotiation, null);
  });

  it('reports client cipher order and the missing TLS 1.3 as findings on a TLS 1.2-only server', async (t) => {
    const server = await startNodeTlsServer({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:ECDHE-RSA-AES256-SHA384',
      honorCipherOrder: false,
    });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.deepEqual([...r.tls!.cipherSuites['TLSv1.2']!].sort(), [
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
      'TLS_RSA_WITH_AES_128_CBC_SHA',
    ]);
    assert.equal(r.tls!.serverPreference['TLSv1.2'], false);
    const ids = r.findings.map((f) => f.id);
    for (const id of ['tls.protocol.tls13-missing', 'tls.cipher.no-server-preference', 'tls.cipher.cbc', 'tls.cipher.no-forward-secrecy']) {
      assert.ok(ids.includes(id), `expected ${id} in ${ids.join(', ')}`);
    }
    assert.match(r.findings.find((f) => f.id === 'tls.cipher.no-forward-secrecy')!.evidence, /TLS_RSA_WITH_AES_128_CBC_SHA/);
  });

  it('finds a 1024-bit DH prime as weak Diffie-Hellman', async (t) => {
    const server = await startNodeTlsServer({
      maxVersion: 'TLSv1.2',
      ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
      dhparam: await dhParamsPem(1024),
    });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.tls!.dhBits, 1024);
    const weak = r.findings.find((f) => f.id === 'tls.kex.weak-dh');
    assert.ok(weak, 'weak-dh finding');
    assert.equal(weak.severity, 'high');
  });

  it('enumerates a server that requires client certificates and notes the request', async (t) => {
    const client = clientCa();
    const server = await startNodeTlsServer({ maxVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: true, ca: client.caPem });
    t.after(() => server.close());
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.tls!.protocols['TLSv1.2'], true);
    assert.equal(r.tls!.clientCertificateRequested, true);
    assert.equal(r.tls!.certificates.length, 2);
  });

  it('scans several targets into one document in the order given, reporting progress for each', async (t) => {
    const a = await startNodeTlsServer({ minVersion: 'TLSv1.3' });
    const b = await startNodeTlsServer({ maxVersion: 'TLSv1.2' });
    t.after(() => Promise.all([a.close(), b.close()]));
    const closed = `127.0.0.1:${await freePort()}`;
    const seen: string[] = [];
    const doc = await scanTargets([a.target, closed, b.target], { ...OPTIONS, onProgress: (r, done, total) => seen.push(`${r.target} ${done}/${total}`) });
    assert.equal(doc.tool, 'mitmguard');
    assert.deepEqual(doc.targets.map((r) => r.target), [a.target, closed, b.target]);
    assert.deepEqual(doc.targets.map((r) => r.ok), [true, false, true]);
    assert.equal(doc.targets[0]!.tls!.protocols['TLSv1.3'], true);
    assert.equal(doc.targets[2]!.tls!.protocols['TLSv1.3'], false);
    assert.equal(seen.length, 3);
    assert.ok(seen.some((s) => s.endsWith('3/3')));
  });

  it('stops a scan when its AbortSignal fires and reports MG_ERR_ABORTED', async (t) => {
    const server = await startNodeTlsServer({});
    t.after(() => server.close());
    const controller = new AbortController();
    controller.abort();
    const r = await scanTarget(server.target, { ...OPTIONS, signal: controller.signal });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_ABORTED');
  });

  it('reports a stapled OCSP response over TLS 1.2 and over a TLS 1.3-only handshake', async (t) => {
    // node:tls staples whatever bytes the server hands it; the scanner reports that a staple came, not its validity.
    const staple = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x00]);
    const tls12 = await startNodeTlsServer({ maxVersion: 'TLSv1.2', ocspResponse: staple });
    const tls13 = await startNodeTlsServer({ minVersion: 'TLSv1.3', ocspResponse: staple });
    const plain = await startNodeTlsServer({ maxVersion: 'TLSv1.2' });
    t.after(() => Promise.all([tls12.close(), tls13.close(), plain.close()]));
    const [a, b, c] = await Promise.all([tls12, tls13, plain].map((s) => scanTarget(s.target, OPTIONS)));
    assert.equal(a!.tls!.ocspStapled, true);
    assert.equal(b!.tls!.ocspStapled, true);
    assert.equal(c!.tls!.ocspStapled, false);
  });
});
