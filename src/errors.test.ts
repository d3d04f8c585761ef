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

test('an alert the TLS peer sent (OpenSSL ERR_SSL_*_ALERT_*) is MG_ERR_TLS_ALERT; other SSL errors keep the fallback', () => {
  const alert = (code: string) => Object.assign(new Error('tlsv1 alert unknown ca'), { code });
  assert.equal(toMitmError(alert('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), 'MG_ERR_HANDSHAKE').code, 'MG_ERR_TLS_ALERT');
  assert.equal(toMitmError(alert('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 'MG_ERR_HANDSHAKE').code, 'MG_ERR_TLS_ALERT');
  assert.equal(toMitmError(alert('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 'MG_ERR_HANDSHAKE').code, 'MG_ERR_TLS_ALERT');
  assert.equal(toMitmError(alert('ERR_SSL_WRONG_VERSION_NUMBER'), 'MG_ERR_HANDSHAKE').code, 'MG_ERR_HANDSHAKE');
});

test('every listed error code is raised somewhere in the library (a code nobody raises is removed, not kept)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ERROR_CODES } = await import('./errors.js');
  const root = import.meta.dirname;
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      // errors.ts counts too (toMitmError raises mapped codes), but not the table that lists them.
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) sources.push(readFileSync(p, 'utf8').replace(/export const ERROR_CODES = \{[\s\S]*?\} as const;/, ''));
    }
  };
  walk(root);
  const all = sources.join('\n');
  assert.ok(sources.length > 100, `read ${sources.length} source files`);
  const unused = Object.keys(ERROR_CODES).filter((code) => !all.includes(`'${code}'`));
  assert.deepEqual(unused, []);
});

test('LineFramer: CRLF and bare LF lines across chunks, byte-exact Latin-1 or UTF-8, bounded lines and dialogues', async () => {
  const { LineFramer } = await import('./bytes.js');
  const f = new LineFramer({ context: 't', maxLine: 8 });
  assert.deepEqual(f.push(Buffer.from('EHLO a\r\nNO')), ['EHLO a']);
  assert.equal(f.buffered, 2);
  assert.deepEqual(f.push(Buffer.from('OP\n\r\n')), ['NOOP', '']);
  assert.deepEqual(new LineFramer({ context: 't', maxLine: 8, encoding: 'latin1' }).push(Uint8Array.of(0xe9, 0x0a)), ['\u00e9']);
  assert.deepEqual(new LineFramer({ context: 't', maxLine: 8 }).push(Buffer.from('é\n')), ['é']);
  assert.throws(() => new LineFramer({ context: 't', maxLine: 4 }).push(Buffer.from('12345\n')), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE') && /t: a line exceeds 4 bytes/.test((e as Error).message));
  assert.throws(() => new LineFramer({ context: 't', maxLine: 4 }).push(Buffer.from('12345')), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  const dialogue = new LineFramer({ context: 'smtp', maxLine: 100, maxTotal: 10 });
  dialogue.push(Buffer.from('250 ok\r\n'));
  assert.throws(() => dialogue.push(Buffer.from('250 ok\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE') && /more than 10 bytes/.test((e as Error).message));
});
