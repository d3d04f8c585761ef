import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import { encodeClientHello, encodeClientHelloBody, encodeSslv2ClientHello } from './client-hello.js';
import { parseClientHello } from './client-hello-parse.js';
import { keyShareFor } from './key-shares.js';
import { RFC8448_CLIENT_HELLO } from './testdata/rfc8448.js';
import { HANDSHAKE_TYPE, SIGNATURE_SCHEMES } from './registry.js';


const withHeader = (body: Uint8Array) => Uint8Array.from([HANDSHAKE_TYPE.clientHello, 0, body.length >> 8, body.length & 0xff, ...body]);

describe('ClientHello builder', () => {
  it('rebuilds the RFC 8448 example ClientHello byte for byte', () => {
    const parsed = parseClientHello(RFC8448_CLIENT_HELLO);
    const S = SIGNATURE_SCHEMES;
    const body = encodeClientHelloBody({
      version: 0x0303,
      random: parsed.random,
      cipherSuites: [0x1301, 0x1303, 0x1302],
      serverName: 'server',
      renegotiationInfo: true,
      groups: [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104],
      sessionTicket: true,
      keyShares: [{ group: 0x001d, keyExchange: fromHex('99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c') }],
      supportedVersions: [0x0304],
      signatureAlgorithms: [
        S.ecdsa_secp256r1_sha256!, S.ecdsa_secp384r1_sha384!, S.ecdsa_secp521r1_sha512!, S.ecdsa_sha1!,
        S.rsa_pss_rsae_sha256!, S.rsa_pss_rsae_sha384!, S.rsa_pss_rsae_sha512!,
        S.rsa_pkcs1_sha256!, S.rsa_pkcs1_sha384!, S.rsa_pkcs1_sha512!, S.rsa_pkcs1_sha1!,
        S.dsa_sha256!, 0x0502, 0x0602, S.dsa_sha1!,
      ],
      pskKeyExchangeModes: true,
      recordSizeLimit: 0x4001,
    });
    assert.equal(toHex(withHeader(body)), toHex(RFC8448_CLIENT_HELLO));
  });

  it('parses the RFC 8448 ClientHello into its offer', () => {
    const p = parseClientHello(RFC8448_CLIENT_HELLO);
    assert.equal(p.serverName, 'server');
    assert.deepEqual(p.cipherSuites, [0x1301, 0x1303, 0x1302]);
    assert.deepEqual(p.supportedVersions, [0x0304]);
    assert.deepEqual(p.keyShareGroups, [0x001d]);
    assert.equal(p.groups.length, 9);
  });

  it('round-trips a TLS 1.3 probe hello with real X25519 and P-256 key shares through the record layer', () => {
    const bytes = encodeClientHello({
      version: 0x0303,
      supportedVersions: [0x0304],
      cipherSuites: [0x1301, 0x1302],
      serverName: 'example.test',
      groups: [0x001d, 0x0017],
      keyShares: [keyShareFor(0x001d)!, keyShareFor(0x0017)!],
      alpn: ['h2', 'http/1.1'],
      statusRequest: true,
      padding: true,
    });
    assert.equal(bytes[0], 22); // handshake record
    assert.equal((bytes[1]! << 8) | bytes[2]!, 0x0301); // RFC 8446 §5.1 legacy_record_version
    const p = parseClientHello(bytes.subarray(5));
    assert.equal(p.serverName, 'example.test');
    assert.deepEqual(p.keyShareGroups, [0x001d, 0x0017]);
    assert.deepEqual(p.alpn, ['h2', 'http/1.1']);
    assert.equal(keyShareFor(0x001d)!.keyExchange.length, 32);
    assert.equal(keyShareFor(0x0017)!.keyExchange.length, 65);
    assert.equal(keyShareFor(0x0017)!.keyExchange[0], 4); // uncompressed point
  });

  it('pads a hello of 256–511 bytes to 512 bytes (RFC 7685)', () => {
    const suites = Array.from({ length: 100 }, (_, i) => 0xc000 + i);
    const body = encodeClientHelloBody({ version: 0x0303, cipherSuites: suites, padding: true, serverName: 'a.test' });
    assert.equal(body.length + 4, 512);
  });

  it('writes an SSLv3 hello without extensions', () => {
    const body = encodeClientHelloBody({ version: 0x0300, cipherSuites: [0x000a, 0x00ff], noExtensions: true, serverName: 'ignored' });
    assert.equal(body.length, 2 + 32 + 1 + 2 + 4 + 1 + 1);
    const bytes = encodeClientHello({ version: 0x0300, cipherSuites: [0x000a], noExtensions: true });
    assert.equal((bytes[1]! << 8) | bytes[2]!, 0x0300);
  });

  it('frames an SSLv2 CLIENT-HELLO with a two-byte header and 3-byte cipher specs', () => {
    const b = encodeSslv2ClientHello({ version: 0x0002, sslv2Ciphers: [0x010080, 0x0700c0], challenge: new Uint8Array(16) });
    assert.equal(b[0]! & 0x80, 0x80);
    assert.equal(((b[0]! & 0x7f) << 8) | b[1]!, b.length - 2);
    assert.equal(b[2], 1); // MSG-CLIENT-HELLO
    assert.equal((b[5]! << 8) | b[6]!, 6); // two 3-byte specs
  });

  it('refuses a hello with no cipher suites', () => {
    assert.throws(() => encodeClientHelloBody({ version: 0x0303, cipherSuites: [] }), (e) => isMitmError(e, 'MG_ERR_USAGE'));
  });

  it('rejects a truncated ClientHello with MG_ERR_TRUNCATED', () => {
    assert.throws(() => parseClientHello(RFC8448_CLIENT_HELLO.subarray(0, 100)), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  });
});
