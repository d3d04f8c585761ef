/**
 * The TLS 1.3 server flight read by decrypting it with our own key share (src/tls/wire/tls13.ts), against real servers:
 * node:tls and openssl s_server, every TLS 1.3 cipher suite OpenSSL serves, ALPN, a stapled OCSP response, a
 * CertificateRequest — and the fallback to a node:tls handshake when the server wants a key share we did not send.
 * No handshake is completed on the flight path: the facts come from the server's first flight alone.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { ProbeContext } from '../../src/tls/scan/context.js';
import { tls13Facts } from '../../src/tls/scan/handshake.js';
import { scanTarget } from '../../src/scan/index.js';
import { startNodeTlsServer, startOpenSslServer, type TestServer } from '../helpers/tls-servers.js';

const der = (pem: string) => Uint8Array.from(new X509Certificate(pem).raw);
const context = (s: TestServer) =>
  new ProbeContext({ endpoint: { host: s.host, port: s.port, starttls: null, name: 'localhost' }, sni: 'localhost', timeoutMs: 10_000, limiters: [] });

describe('reading the encrypted TLS 1.3 server flight', () => {
  it('node:tls: the presented chain, the ALPN choice and a stapled OCSP response, without completing a handshake', async (t) => {
    const staple = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x00]);
    const server = await startNodeTlsServer({ minVersion: 'TLSv1.3', ALPNProtocols: ['h2', 'http/1.1'], ocspResponse: staple, key: { type: 'ec', curve: 'P-256' } });
    t.after(() => server.close());
    const facts = await tls13Facts(context(server), ['h2']);
    assert.equal(facts.via, 'flight');
    assert.deepEqual(facts.chain, server.chainPem.map(der));
    assert.equal(facts.alpn, 'h2');
    assert.equal(facts.ocspStapled, true);
    assert.equal(facts.certificateRequested, false);
    const none = await tls13Facts(context(server), []);
    assert.equal(none.alpn, null);
  });

  it('node:tls with requestCert: the CertificateRequest is seen, and `scan` reports the request on a TLS 1.3-only server', async (t) => {
    const server = await startNodeTlsServer({ minVersion: 'TLSv1.3', requestCert: true, rejectUnauthorized: false });
    t.after(() => server.close());
    const facts = await tls13Facts(context(server), []);
    assert.equal(facts.via, 'flight');
    assert.equal(facts.certificateRequested, true);
    const r = await scanTarget(server.target, { timeoutMs: 10_000, beyondHandshake: false });
    assert.equal(r.tls!.clientCertificateRequested, true);
  });

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256']) {
    it(`openssl s_server with only ${suite}: the flight decrypts and the chain is the one served`, async (t) => {
      const server = await startOpenSslServer({ args: ['-tls1_3', '-ciphersuites', suite], key: { type: 'rsa', bits: 2048 } });
      t.after(() => server.close());
      const facts = await tls13Facts(context(server), []);
      assert.equal(facts.via, 'flight', server.log());
      // s_server sends the first certificate of its -cert file: the leaf.
      assert.deepEqual(facts.chain, [der(server.chainPem[0]!)]);
    });
  }

  it('a server that wants a key share we did not send (secp521r1 only) is read through a node:tls handshake instead', async (t) => {
    const server = await startOpenSslServer({ args: ['-tls1_3', '-groups', 'secp521r1'] });
    t.after(() => server.close());
    const facts = await tls13Facts(context(server), []);
    assert.equal(facts.via, 'node:tls');
    assert.deepEqual(facts.chain[0], der(server.chainPem[0]!));
  });
});
