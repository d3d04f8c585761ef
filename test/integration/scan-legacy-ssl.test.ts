/**
 * SSLv2 and SSLv3 end to end over TCP. No TLS stack on this machine can serve them (Debian's OpenSSL 3 is built without
 * both), so a scripted server (test/helpers/legacy-ssl-server.ts) answers as the protocols specify: the scanner must
 * find exactly the versions and suites it was given, in its order, and report them as critical.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAuthority, issueLeaf } from '../../src/pki/index.js';
import { scanTarget } from '../../src/scan/index.js';
import { suiteByCode } from '../../src/tls/wire/suites.js';
import { startLegacySslServer, type LegacyServer } from '../helpers/legacy-ssl-server.js';

const OPTIONS = { timeoutMs: 5000, beyondHandshake: false as const };
const SSLV3_SUITES = [0x000a, 0x0005, 0x002f]; // DES-CBC3-SHA, RC4-SHA, AES128-SHA: the server's order
const name = (code: number) => suiteByCode(code)!.name;

describe('scan of SSLv2 and SSLv3 (scripted server)', () => {
  const leaf = issueLeaf(createAuthority('legacy SSL test CA'), { names: ['localhost'], key: { type: 'rsa', bits: 2048 } });
  let v3: LegacyServer;
  let v2v3: LegacyServer;
  let clientOrder: LegacyServer;
  before(async () => {
    v3 = await startLegacySslServer({ sslv3: SSLV3_SUITES, certificate: leaf.der });
    v2v3 = await startLegacySslServer({ sslv2: [0x010080, 0x0700c0], sslv3: [0x002f], certificate: leaf.der });
    clientOrder = await startLegacySslServer({ sslv3: SSLV3_SUITES, clientOrder: true, certificate: leaf.der });
  });
  after(async () => {
    await Promise.all([v3?.close(), v2v3?.close(), clientOrder?.close()]);
  });

  it('an SSLv3-only server: SSLv3 alone, its three suites in its order, server preference, the chain, critical findings', async () => {
    const r = await scanTarget(v3.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.deepEqual(r.tls!.protocols, { SSLv2: false, SSLv3: true, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false });
    assert.deepEqual(r.tls!.cipherSuites.SSLv3, SSLV3_SUITES.map(name));
    assert.equal(r.tls!.serverPreference.SSLv3, true);
    assert.equal(r.tls!.certificates[0]!.subject, 'CN=localhost');
    assert.equal(r.tls!.secureRenegotiation, false, 'no renegotiation_info in the SSLv3 ServerHello');
    const ids = r.findings.map((f) => f.id);
    for (const id of ['tls.protocol.sslv3-enabled', 'tls.cipher.rc4', 'tls.cipher.3des', 'tls.protocol.tls13-missing']) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    assert.equal(r.findings.find((f) => f.id === 'tls.protocol.sslv3-enabled')!.severity, 'critical');
    assert.ok(v3.seen.sslv3 >= 4 && v3.seen.newer >= 4, `the scanner asked SSLv3 and every newer version: ${JSON.stringify(v3.seen)}`);
  });

  it('an SSLv2 + SSLv3 server: the SSLv2 cipher kinds from its SERVER-HELLO, and SSLv2 reported as critical', async () => {
    const r = await scanTarget(v2v3.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.tls!.protocols.SSLv2, true);
    assert.equal(r.tls!.protocols.SSLv3, true);
    assert.deepEqual(r.tls!.cipherSuites.SSLv2, ['SSL_CK_RC4_128_WITH_MD5', 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5']);
    assert.deepEqual(r.tls!.cipherSuites.SSLv3, [name(0x002f)]);
    assert.equal(r.findings.find((f) => f.id === 'tls.protocol.sslv2-enabled')?.severity, 'critical');
  });

  it("an SSLv3 server that follows the client's order: the same three suites, no server preference", async () => {
    const r = await scanTarget(clientOrder.target, OPTIONS);
    assert.deepEqual([...r.tls!.cipherSuites.SSLv3!].sort(), SSLV3_SUITES.map(name).sort());
    assert.equal(r.tls!.serverPreference.SSLv3, false);
  });
});
