import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter, fromHex } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import { HRR_RANDOM, parseServerHello } from './server-hello.js';
import { RFC8448_SERVER_HELLO } from './testdata/rfc8448.js';


function helloBody(o: { version?: number; random?: Uint8Array; suite?: number; compression?: number; extensions?: Array<[number, number[]]> }): Uint8Array {
  const w = new ByteWriter().u16(o.version ?? 0x0303).bytes(o.random ?? new Uint8Array(32).fill(7));
  w.vector(1, () => {}).u16(o.suite ?? 0xc02f).u8(o.compression ?? 0);
  if (o.extensions) w.vector(2, (e) => o.extensions!.forEach(([t, d]) => e.u16(t).vector(2, (x) => x.bytes(d))));
  return w.finish();
}

describe('ServerHello parser', () => {
  it('reads the RFC 8448 ServerHello: TLS 1.3 via supported_versions, TLS_AES_128_GCM_SHA256, x25519', () => {
    const h = parseServerHello(RFC8448_SERVER_HELLO.subarray(4));
    assert.equal(h.legacyVersion, 0x0303);
    assert.equal(h.version, 0x0304);
    assert.equal(h.cipherSuite, 0x1301);
    assert.equal(h.keyShareGroup, 0x001d);
    assert.equal(h.helloRetryRequest, false);
  });

  it('recognises a HelloRetryRequest by its random and reads the requested group', () => {
    const h = parseServerHello(helloBody({ random: HRR_RANDOM, suite: 0x1302, extensions: [[43, [3, 4]], [51, [0, 0x18]]] }));
    assert.equal(h.helloRetryRequest, true);
    assert.equal(h.version, 0x0304);
    assert.equal(h.keyShareGroup, 0x0018);
  });

  it('reads renegotiation_info, ALPN, status_request and compression of a TLS 1.2 hello', () => {
    const h = parseServerHello(helloBody({ compression: 1, extensions: [[0xff01, [0]], [16, [0, 3, 2, 0x68, 0x32]], [5, []]] }));
    assert.equal(h.secureRenegotiation, true);
    assert.equal(h.alpn, 'h2');
    assert.equal(h.statusRequest, true);
    assert.equal(h.compressionMethod, 1);
  });

  it('accepts a hello without an extensions block (SSLv3, old TLS)', () => {
    const h = parseServerHello(helloBody({ version: 0x0300, suite: 0x000a }));
    assert.equal(h.version, 0x0300);
    assert.equal(h.extensions.size, 0);
  });

  it('rejects a truncated hello with MG_ERR_TRUNCATED', () => {
    assert.throws(() => parseServerHello(RFC8448_SERVER_HELLO.subarray(4, 40)), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  });

  it('rejects a duplicate extension and trailing bytes with MG_ERR_MALFORMED', () => {
    assert.throws(() => parseServerHello(helloBody({ extensions: [[23, []], [23, []]] })), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
    const body = helloBody({ extensions: [[23, []]] });
    assert.throws(() => parseServerHello(Uint8Array.from([...body, 0])), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });

  it('rejects a session id longer than 32 bytes with MG_ERR_MALFORMED (decode_error)', () => {
    const w = new ByteWriter().u16(0x0303).bytes(new Uint8Array(32)).vector(1, (s) => s.bytes(new Uint8Array(33))).u16(0x1301).u8(0);
    assert.throws(() => parseServerHello(w.finish()), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });
});
