import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapDialogue } from './imap.js';
import { replay, sentText } from './test-util.js';
import { isMitmError } from '../errors.js';

// Recorded from dovecot 2.3.19 (Debian 12), ssl=required, seen from a non-local address.
const GREETING_CAPS = '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.\r\n';

test('IMAP dialogue uses the capabilities in the greeting and sends STARTTLS at once', () => {
  const d = new ImapDialogue();
  const r = replay(d, [GREETING_CAPS]);
  assert.equal(sentText(r.sent), 'MG2 STARTTLS\r\n');
  const done = d.receive(Buffer.from('MG2 OK Begin TLS negotiation now.\r\n'));
  assert.equal(done.ready, true);
  const o = d.observation();
  assert.deepEqual(o.authBeforeTls, []);
  assert.ok(o.capabilities.includes('LOGINDISABLED'));
  assert.equal(o.upgraded, true);
});

test('IMAP dialogue asks CAPABILITY when the greeting has none and reports LOGIN and SASL before TLS', () => {
  const d = new ImapDialogue();
  const r = replay(d, ['* OK IMAP ready\r\n', '* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=LOGIN\r\nMG1 OK done\r\n']);
  assert.equal(sentText(r.sent), 'MG1 CAPABILITY\r\nMG2 STARTTLS\r\n');
  assert.deepEqual(d.observation().authBeforeTls, ['LOGIN', 'PLAIN', 'LOGIN']);
});

test('IMAP dialogue refuses a server without STARTTLS, a PREAUTH greeting and a NO to STARTTLS', () => {
  assert.throws(() => replay(new ImapDialogue(), ['* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n']), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
  assert.throws(() => replay(new ImapDialogue(), ['* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in\r\n']), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
  assert.throws(
    () => replay(new ImapDialogue(), ['* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n', 'MG2 NO TLS unavailable\r\n']),
    (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS') && /TLS unavailable/.test(e.message),
  );
});

test('IMAP dialogue rejects an SMTP banner as another protocol', () => {
  assert.throws(() => replay(new ImapDialogue(), ['220 mx ESMTP\r\n']), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});
