import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MitmError, toMitmError, isMitmError } from './errors.js';
import { ByteReader, ByteWriter, fromHex, toHex } from './bytes.js';

test('system socket errors map onto stable MitmError codes', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const e = toMitmError(refused);
  assert.equal(e.code, 'MG_ERR_CONNECT');
  assert.equal(e.cause, refused);
  assert.ok(isMitmError(e, 'MG_ERR_CONNECT'));
  assert.deepEqual(new MitmError('MG_ERR_TIMEOUT', 'slow').toJSON(), { code: 'MG_ERR_TIMEOUT', message: 'slow' });
});

test('ByteReader never reads past a declared length', () => {
  const r = new ByteReader(fromHex('0003aabb'), 'sample');
  assert.throws(() => r.vector(2, 'body'), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  const r2 = new ByteReader(fromHex('0002aabbcc'), 'sample');
  const v = r2.vector(2, 'body');
  assert.equal(toHex(v.rest()), 'aabb');
  assert.throws(() => r2.end(), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  assert.throws(() => new ByteReader(fromHex('0005aabbccddee')).vector(2, 'capped', 4), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});

test('ByteWriter writes big-endian integers and length-prefixed vectors', () => {
  const w = new ByteWriter().u8(1).u16(0x0203).u24(0x040506).vector(2, (x) => x.bytes([7, 8]));
  assert.equal(toHex(w.finish()), '010203040506' + '00020708');
  assert.equal(new ByteReader(fromHex('ffffffff')).u32(), 0xffffffff);
});
