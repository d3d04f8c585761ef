/**
 * Mutual-TLS requirement probes against real servers on loopback: nginx (ssl_verify_client on / optional /
 * optional_no_ca / off), openssl s_server (-Verify / -verify) and node:tls (requestCert with and without
 * rejectUnauthorized). Each must produce exactly the mtls.* findings listed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:tls';
import { join } from 'node:path';
import { probeMtls, type MtlsObservation } from '../../src/posture/index.js';
import { CheckRegistry } from '../../src/checks/registry.js';
import { mtlsChecks } from '../../src/checks/mtls.js';
import { freePort, killGroup, spawnDaemon, startNginx, tempDir, waitForPort, writeTlsFiles, type Daemon, type TlsFiles } from '../helpers/daemons.js';
import { readFileSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

const registry = new CheckRegistry(mtlsChecks);
const OPTIONS = { timeoutMs: 15_000, settleMs: 1000 };
const ids = (o: MtlsObservation) => registry.run('mtls', o, o.target).map((f) => f.id).sort();

describe('mTLS probes against nginx (verdict at the HTTP layer)', () => {
  let nginx: Daemon;
  before(async () => {
    nginx = await startNginx({
      ports: ['on', 'optional', 'off', 'noCa', 'on13', 'optional13', 'off13'],
      servers: ({ ports: p, tls }) => {
        const ssl = `ssl_certificate ${tls.certFile}; ssl_certificate_key ${tls.keyFile}; ssl_protocols TLSv1.2 TLSv1.3; ssl_client_certificate ${tls.caFile};`;
        return `
  server { listen 127.0.0.1:${p.on} ssl; ${ssl} ssl_verify_client on; return 200 "ok"; }
  server { listen 127.0.0.1:${p.optional} ssl; ${ssl} ssl_verify_client optional; return 200 "ok"; }
  server { listen 127.0.0.1:${p.off} ssl; ${ssl} return 200 "ok"; }
  server { listen 127.0.0.1:${p.noCa} ssl; ${ssl} ssl_verify_client optional_no_ca; return 200 "ok"; }
  server { listen 127.0.0.1:${p.on13} ssl; ssl_certificate ${tls.certFile}; ssl_certificate_key ${tls.keyFile}; ssl_protocols TLSv1.3; ssl_client_certificate ${tls.caFile}; ssl_verify_client on; return 200 "ok"; }
  server { listen 127.0.0.1:${p.optional13} ssl; ssl_certificate ${tls.certFile}; ssl_certificate_key ${tls.keyFile}; ssl_protocols TLSv1.3; ssl_client_certificate ${tls.caFile}; ssl_verify_client optional; return 200 "ok"; }
  server { listen 127.0.0.1:${p.off13} ssl; ssl_certificate ${tls.certFile}; ssl_certificate_key ${tls.keyFile}; ssl_protocols TLSv1.3; return 200 "ok"; }
`;
      },
    });
  });
  after(async () => {
    await nginx?.stop();
  });
  const probe = (port: number) => probeMtls({ target: `nginx:${port}`, host: '127.0.0.1', port, name: 'localhost' }, { ...OPTIONS, http: true });

  test('ssl_verify_client on: required, the acceptable CA is read from the CertificateRequest, and an untrusted certificate is refused', async () => {
    const o = await probe(nginx.ports.on!);
    assert.equal(o.required, true);
    assert.deepEqual(o.certificateRequest?.caNames, ['CN=mitmguard daemon test CA']);
    assert.equal(o.untrustedCertificate?.outcome, 'rejected');
    assert.deepEqual(ids(o), ['mtls.client-certificate-required']);
  });

  test('ssl_verify_client optional: requested but not required', async () => {
    const o = await probe(nginx.ports.optional!);
    assert.equal(o.requestedOnTls12, true);
    assert.deepEqual(ids(o), ['mtls.client-certificate-optional']);
  });

  test('no ssl_verify_client: client certificates are not requested', async () => {
    assert.deepEqual(ids(await probe(nginx.ports.off!)), ['mtls.client-certificate-not-requested']);
  });

  test('ssl_verify_client optional_no_ca: a certificate from an unknown CA is accepted (critical)', async () => {
    const o = await probe(nginx.ports.noCa!);
    assert.deepEqual(ids(o), ['mtls.client-certificate-optional', 'mtls.untrusted-client-certificate-accepted']);
    assert.equal(registry.run('mtls', o, 't').find((f) => f.id === 'mtls.untrusted-client-certificate-accepted')?.severity, 'critical');
  });

  test('TLS 1.3 only with ssl_verify_client on: required, and the encrypted CertificateRequest is read with its CA', async () => {
    const o = await probe(nginx.ports.on13!);
    assert.equal(o.requestedOnTls12, null);
    assert.equal(o.requestedOnTls13, true);
    assert.deepEqual(o.certificateRequest?.caNames, ['CN=mitmguard daemon test CA']);
    assert.ok(o.certificateRequest?.signatureAlgorithms.length);
    assert.equal(o.required, true);
    assert.deepEqual(ids(o), ['mtls.client-certificate-required']);
  });

  test('TLS 1.3 only with ssl_verify_client optional: the request is seen in the decrypted flight, so optional is reported', async () => {
    const o = await probe(nginx.ports.optional13!);
    assert.equal(o.requestedOnTls12, null);
    assert.equal(o.requestedOnTls13, true);
    assert.equal(o.required, false);
    assert.deepEqual(ids(o), ['mtls.client-certificate-optional']);
    assert.match(registry.run('mtls', o, 't')[0]!.evidence, /TLS 1\.3/);
  });

  test('TLS 1.3 only without ssl_verify_client: no CertificateRequest in the flight, not requested', async () => {
    const o = await probe(nginx.ports.off13!);
    assert.equal(o.requestedOnTls13, false);
    assert.deepEqual(ids(o), ['mtls.client-certificate-not-requested']);
  });
});

describe('mTLS probes against openssl s_server and node:tls (verdict at the TLS layer)', () => {
  let dir: string;
  let tls: TlsFiles;
  const children: ChildProcess[] = [];
  const nodeServers: Server[] = [];
  const ports: Record<string, number> = {};

  async function sServer(name: string, args: string[]): Promise<void> {
    const port = await freePort();
    const child = spawnDaemon('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', tls.certFile, '-key', tls.keyFile, '-CAfile', tls.caFile, '-quiet', ...args], join(dir, `${name}.log`));
    children.push(child);
    await waitForPort(port, 30_000, child);
    ports[name] = port;
  }
  async function nodeServer(name: string, rejectUnauthorized: boolean): Promise<void> {
    const real = createServer(
      { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), ca: readFileSync(tls.caFile), requestCert: true, rejectUnauthorized },
      (s) => {
        s.on('error', () => {});
        s.end();
      },
    );
    real.on('tlsClientError', () => {});
    real.listen(0, '127.0.0.1');
    await once(real, 'listening');
    ports[name] = (real.address() as { port: number }).port;
    nodeServers.push(real);
  }

  before(async () => {
    dir = tempDir('mtls');
    tls = writeTlsFiles(dir);
    await sServer('sRequire', ['-Verify', '1', '-verify_return_error']);
    await sServer('sRequireLax', ['-Verify', '1']);
    await sServer('sRequest', ['-verify', '1']);
    await nodeServer('nodeRequire', true);
    await nodeServer('nodeNoVerify', false);
  });
  after(async () => {
    for (const c of children) await killGroup(c);
    for (const s of nodeServers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const probe = (port: number) => probeMtls({ target: `tls:${port}`, host: '127.0.0.1', port, name: 'localhost' }, OPTIONS);

  test('openssl s_server -Verify 1 -verify_return_error refuses handshakes without a certificate at TLS 1.2 and 1.3', async () => {
    const o = await probe(ports.sRequire!);
    assert.deepEqual(o.withoutCertificate.map((a) => a.outcome), ['rejected', 'rejected']);
    assert.ok(o.certificateRequest?.caNames.includes('CN=mitmguard daemon test CA'));
    assert.equal(o.untrustedCertificate?.outcome, 'rejected');
    assert.deepEqual(ids(o), ['mtls.client-certificate-required']);
  });

  test('openssl s_server -Verify 1 without -verify_return_error requires a certificate but accepts an untrusted one', async () => {
    const o = await probe(ports.sRequireLax!);
    assert.deepEqual(ids(o), ['mtls.client-certificate-required', 'mtls.untrusted-client-certificate-accepted']);
  });

  test('openssl s_server -verify 1 requests but does not require', async () => {
    const o = await probe(ports.sRequest!);
    assert.equal(o.requestedOnTls12, true);
    assert.ok(ids(o).includes('mtls.client-certificate-optional'));
  });

  test('node:tls with requestCert and rejectUnauthorized sends the TLS 1.3 certificate_required alert', async () => {
    const o = await probe(ports.nodeRequire!);
    const t13 = o.withoutCertificate.find((a) => a.version === 'TLSv1.3');
    assert.equal(t13?.outcome, 'rejected');
    assert.match(t13?.alert ?? '', /certificate required/);
    assert.deepEqual(ids(o), ['mtls.client-certificate-required']);
  });

  test('node:tls with requestCert but rejectUnauthorized false accepts an untrusted certificate', async () => {
    const o = await probe(ports.nodeNoVerify!);
    assert.deepEqual(ids(o), ['mtls.client-certificate-optional', 'mtls.untrusted-client-certificate-accepted']);
  });
});
