import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MysqlDialogue, parseMysqlGreeting } from './mysql.js';
import { replay } from './test-util.js';
import { isMitmError } from '../errors.js';
import { fromHex, toHex } from '../bytes.js';

// Recorded from MariaDB 10.11.19 (Debian 12) with and without --ssl-cert.
const WITH_SSL = '640000000a352e352e352d31302e31312e31392d4d6172696144422d302b6465623132753100040000002b3566272e4e7d4e00feff080200ff81150000000000001d0000004b6e66377e38384f65326425006d7973716c5f6e61746976655f70617373776f726400';
const WITHOUT_SSL = '640000000a352e352e352d31302e31312e31392d4d6172696144422d302b6465623132753100040000002e46555b462f564300fef7080200ff81150000000000001d0000002d544128445f3174787e2f6a006d7973716c5f6e61746976655f70617373776f726400';

test('MySQL dialogue answers a CLIENT_SSL handshake with a 32-byte SSLRequest and is ready at once', () => {
  const d = new MysqlDialogue();
  const r = replay(d, [fromHex(WITH_SSL)]);
  assert.equal(r.last.ready, true);
  assert.equal(r.sent.length, 1);
  const req = r.sent[0]!;
  assert.equal(req.length, 36);
  assert.equal(toHex(req.subarray(0, 4)), '20000001');
  assert.ok((req[5]! & 0x08) !== 0, 'CLIENT_SSL bit set');
  const o = d.observation();
  assert.equal(o.serverVersion, '5.5.5-10.11.19-MariaDB-0+deb12u1');
  assert.ok(o.capabilities.includes('SSL'));
});

test('MySQL dialogue reports a handshake without CLIENT_SSL as STARTTLS not offered', () => {
  assert.throws(() => replay(new MysqlDialogue(), [fromHex(WITHOUT_SSL)]), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
});

test('MySQL dialogue waits for a handshake split across reads', () => {
  const bytes = fromHex(WITH_SSL);
  const d = new MysqlDialogue();
  assert.equal(d.receive(bytes.subarray(0, 2)).ready, false);
  assert.equal(d.receive(bytes.subarray(2, 50)).ready, false);
  assert.equal(d.receive(bytes.subarray(50)).ready, true);
});

test('MySQL parser turns an ERR packet into a refusal and foreign bytes into MG_ERR_PROTOCOL', () => {
  const err = Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), Buffer.from('#HY000Host is not allowed to connect')]);
  assert.throws(() => parseMysqlGreeting(err), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS') && /not allowed/.test(e.message));
  assert.throws(() => replay(new MysqlDialogue(), ['SSH-2.0-OpenSSH_9.2\r\n']), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  assert.throws(() => replay(new MysqlDialogue(), [fromHex('050000000a41424300')]), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});
