import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3Dialogue } from './pop3.js';
import { replay, sentText } from './test-util.js';
import { isMitmError } from '../errors.js';

// Recorded from dovecot 2.3.19 (Debian 12), ssl=required.
const RECORDED = '+OK Dovecot (Debian) ready.\r\n+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nSASL\r\n.\r\n';

test('POP3 dialogue reads CAPA, sends STLS and is ready on +OK', () => {
  const d = new Pop3Dialogue();
  const r = replay(d, [RECORDED, '+OK Begin TLS negotiation now.\r\n']);
  assert.equal(sentText(r.sent), 'CAPA\r\nSTLS\r\n');
  assert.equal(r.last.ready, true);
  const o = d.observation();
  assert.equal(o.startTlsAdvertised, true);
  assert.deepEqual(o.authBeforeTls, []);
});

test('POP3 dialogue records USER and SASL mechanisms offered before TLS', () => {
  const d = new Pop3Dialogue();
  replay(d, ['+OK hi\r\n', '+OK\r\nUSER\r\nSASL PLAIN LOGIN\r\nSTLS\r\n.\r\n']);
  assert.deepEqual(d.observation().authBeforeTls, ['USER', 'PLAIN', 'LOGIN']);
});

test('POP3 dialogue tries STLS when CAPA is unknown, and reports -ERR as a refusal', () => {
  const d = new Pop3Dialogue();
  const r = replay(d, ['+OK hi\r\n', '-ERR unknown command\r\n']);
  assert.equal(sentText(r.sent), 'CAPA\r\nSTLS\r\n');
  assert.throws(() => d.receive(Buffer.from('-ERR no\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
  assert.equal(d.observation().startTlsAdvertised, false);
});

test('POP3 dialogue does not send STLS when CAPA lists no STLS', () => {
  assert.throws(() => replay(new Pop3Dialogue(), ['+OK hi\r\n', '+OK\r\nUSER\r\n.\r\n']), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
});

test('POP3 dialogue bounds the CAPA list', () => {
  const d = new Pop3Dialogue();
  d.receive(Buffer.from('+OK hi\r\n+OK\r\n'));
  assert.throws(() => {
    for (let i = 0; i < 1000; i++) d.receive(Buffer.from(`X${i}\r\n`));
  }, (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});
