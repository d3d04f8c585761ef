import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import { parseSslv2ServerHello, sslv2RecordLength } from './sslv2.js';

/** An SSLv2 SERVER-HELLO as an SSLv2 server sends it: certificate, two cipher kinds, a 16-byte connection id. */
function serverHello(specs: number[], cert = Uint8Array.of(0x30, 0x03, 1, 2, 3)): Uint8Array {
  const body = new ByteWriter().u8(4).u8(0).u8(1).u16(0x0002).u16(cert.length).u16(specs.length * 3).u16(16).bytes(cert);
  for (const s of specs) body.u8(s >>> 16).u16(s & 0xffff);
  body.bytes(new Uint8Array(16));
  const msg = body.finish();
  return new ByteWriter().u16(0x8000 | msg.length).bytes(msg).finish();
}

describe('SSLv2 SERVER-HELLO parser', () => {
  it('reads the version, cipher kinds and certificate', () => {
    const h = parseSslv2ServerHello(serverHello([0x010080, 0x0700c0]));
    assert.equal(h.version, 2);
    assert.deepEqual(h.cipherKinds, [0x010080, 0x0700c0]);
    assert.deepEqual([...h.certificate!], [0x30, 0x03, 1, 2, 3]);
  });

  it('knows how long a record is from its two-byte header, and waits for more when the header is incomplete', () => {
    const rec = serverHello([0x010080]);
    assert.equal(sslv2RecordLength(rec), rec.length);
    assert.equal(sslv2RecordLength(rec.subarray(0, 1)), 0);
  });

  it('treats an SSLv2 ERROR message as a protocol refusal (MG_ERR_PROTOCOL)', () => {
    const err = Uint8Array.of(0x80, 3, 0, 0, 1);
    assert.throws(() => parseSslv2ServerHello(err), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });

  it('rejects a TLS record where an SSLv2 record was expected', () => {
    assert.throws(() => sslv2RecordLength(Uint8Array.of(21, 3, 3)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });

  it('rejects a SERVER-HELLO whose lengths exceed its record with MG_ERR_TRUNCATED', () => {
    const rec = serverHello([0x010080]);
    const lying = Uint8Array.from(rec);
    lying[8] = 0xff; // certificate_length far beyond the record
    assert.throws(() => parseSslv2ServerHello(lying), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
    assert.throws(() => parseSslv2ServerHello(rec.subarray(0, 10)), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  });
});
