import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresDialogue } from './postgres.js';
import { replay } from './test-util.js';
import { isMitmError } from '../errors.js';
import { toHex } from '../bytes.js';

test('PostgreSQL dialogue sends the SSLRequest and is ready on S', () => {
  const d = new PostgresDialogue();
  const r = replay(d, ['S']);
  assert.equal(toHex(r.sent[0]!), '0000000804d2162f');
  assert.equal(r.last.ready, true);
  assert.equal(r.last.trailing, 0);
});

test('PostgreSQL dialogue counts bytes after S as trailing (CVE-2021-23214 injection)', () => {
  const r = replay(new PostgresDialogue(), ['SQ\x00\x00\x00\x0dselect 1']);
  assert.equal(r.last.ready, true);
  assert.equal(r.last.trailing, 13);
});

test('PostgreSQL dialogue reports N as STARTTLS refused and anything else as another protocol', () => {
  assert.throws(() => replay(new PostgresDialogue(), ['N']), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
  assert.throws(() => replay(new PostgresDialogue(), ['HTTP/1.1 400']), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});
