import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import { parseServerKeyExchange } from './server-key-exchange.js';

describe('ServerKeyExchange parameters', () => {
  it('measures the DH prime in bits, ignoring a leading zero byte', () => {
    const p = new Uint8Array(129);
    p[1] = 0x80; // 1024-bit prime with a sign byte in front
    const body = new ByteWriter().vector(2, (w) => w.bytes(p)).vector(2, (w) => w.u8(2)).vector(2, (w) => w.bytes(new Uint8Array(128))).finish();
    assert.deepEqual(parseServerKeyExchange(body, 'DHE'), { kind: 'dh', primeBits: 1024, generator: 2 });
  });

  it('reads the named curve of an ECDHE exchange (RFC 8422 §5.4)', () => {
    const body = new ByteWriter().u8(3).u16(0x0017).vector(1, (w) => w.bytes(new Uint8Array(65))).finish();
    assert.deepEqual(parseServerKeyExchange(body, 'ECDHE'), { kind: 'ecdh', group: 0x0017 });
  });

  it('refuses explicit curves with MG_ERR_UNSUPPORTED and a length past the message end with MG_ERR_MALFORMED', () => {
    assert.throws(() => parseServerKeyExchange(Uint8Array.of(1, 0, 0), 'ECDHE'), (e) => isMitmError(e, 'MG_ERR_UNSUPPORTED'));
    // The body is a complete handshake message, so a lying inner length is a decode_error, not a truncation.
    assert.throws(() => parseServerKeyExchange(Uint8Array.of(0, 200, 1), 'DHE'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });

  it('refuses an ECDHE point whose length lies or does not fit the named curve', () => {
    const lying = new ByteWriter().u8(3).u16(0x0017).u8(200).bytes(new Uint8Array(65)).finish();
    assert.throws(() => parseServerKeyExchange(lying, 'ECDHE'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
    const short = new ByteWriter().u8(3).u16(0x0017).vector(1, (w) => w.bytes(new Uint8Array(33))).finish();
    assert.throws(() => parseServerKeyExchange(short, 'ECDHE'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });
});
