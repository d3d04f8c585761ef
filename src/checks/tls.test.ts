import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TlsFacts } from '../model/index.js';
import { CheckRegistry } from './registry.js';
import { tlsChecks } from './tls.js';

const registry = new CheckRegistry(tlsChecks);

/** A TLS 1.2 + 1.3 server with only strong suites: the observation every check should pass. */
function modern(): TlsFacts {
  return {
    protocols: { SSLv2: false, SSLv3: false, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
    cipherSuites: {
      'TLSv1.2': ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
      'TLSv1.3': ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'],
    },
    serverPreference: { 'TLSv1.2': true, 'TLSv1.3': true },
    groups: ['x25519', 'secp256r1'],
    alpn: ['h2'],
    certificates: [],
    ocspStapled: false,
    secureRenegotiation: true,
    fallbackScsv: true,
    compression: false,
    dhBits: null,
  };
}

const ids = (facts: TlsFacts) => registry.run('tls', facts, 't').map((f) => f.id);

describe('TLS checks', () => {
  it('find nothing on a modern configuration', () => {
    assert.deepEqual(ids(modern()), []);
  });

  it('flag legacy protocol versions with their severities', () => {
    const f = modern();
    f.protocols.SSLv3 = true;
    f.protocols['TLSv1.0'] = true;
    const findings = registry.run('tls', f, 't');
    assert.deepEqual(findings.map((x) => [x.id, x.severity]), [
      ['tls.protocol.sslv3-enabled', 'critical'],
      ['tls.protocol.tls10-enabled', 'medium'],
    ]);
  });

  it('flag a missing TLS 1.3', () => {
    const f = modern();
    f.protocols['TLSv1.3'] = false;
    assert.deepEqual(ids(f), ['tls.protocol.tls13-missing']);
  });

  it('name each weak suite with its version in the evidence', () => {
    const f = modern();
    f.cipherSuites['TLSv1.2'] = ['TLS_RSA_WITH_NULL_SHA', 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', 'TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_DES_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'];
    const findings = registry.run('tls', f, 't');
    const byId = new Map(findings.map((x) => [x.id, x]));
    assert.deepEqual([...byId.keys()].sort(), [
      'tls.cipher.3des', 'tls.cipher.anonymous', 'tls.cipher.cbc', 'tls.cipher.des', 'tls.cipher.export', 'tls.cipher.no-forward-secrecy', 'tls.cipher.null', 'tls.cipher.rc4',
    ]);
    assert.equal(byId.get('tls.cipher.null')!.evidence, 'TLSv1.2: TLS_RSA_WITH_NULL_SHA');
    assert.equal(byId.get('tls.cipher.cbc')!.evidence, 'TLSv1.2: TLS_DH_anon_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA');
    assert.match(byId.get('tls.cipher.no-forward-secrecy')!.evidence, /TLS_RSA_WITH_AES_128_CBC_SHA/);
  });

  it('rate DH under 1024 bits critical and under 2048 high', () => {
    const f = modern();
    f.dhBits = 1024;
    assert.equal(registry.run('tls', f, 't')[0]!.severity, 'high');
    f.dhBits = 512;
    assert.equal(registry.run('tls', f, 't')[0]!.severity, 'critical');
    f.dhBits = 2048;
    assert.deepEqual(ids(f), []);
  });

  it('flag client order, insecure renegotiation, missing fallback SCSV, compression and weak curves', () => {
    const f = modern();
    f.serverPreference['TLSv1.2'] = false;
    f.secureRenegotiation = false;
    f.fallbackScsv = false;
    f.compression = true;
    f.groups = ['secp224r1', 'x25519'];
    assert.deepEqual(ids(f).sort(), [
      'tls.cipher.no-server-preference', 'tls.compression.enabled', 'tls.fallback-scsv.missing', 'tls.kex.weak-group', 'tls.renegotiation.insecure',
    ]);
  });

  it('do not judge what could not be observed (null)', () => {
    const f = modern();
    f.secureRenegotiation = null;
    f.fallbackScsv = null;
    f.compression = null;
    f.serverPreference['TLSv1.2'] = null;
    assert.deepEqual(ids(f), []);
  });
});
