import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import { encodeClientHello, encodeClientHelloBody, encodeSslv2ClientHello } from './client-hello.js';
import { parseClientHello } from './client-hello-parse.js';
import { keyShareFor } from './key-shares.js';
import { HANDSHAKE_TYPE, SIGNATURE_SCHEMES } from './registry.js';

/** RFC 8448 §3 (Simple 1-RTT Handshake): the client's ClientHello handshake message, 196 octets. */
const RFC8448_CLIENT_HELLO = fromHex(`
  01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2
  1a 8d 99 12 ec 18 a2 ef 62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01
  00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00
  0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00
  23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e
  43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c 00 2b 00
  03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06
  04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c
  00 02 40 01`);

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
