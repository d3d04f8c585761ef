import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpDialogue } from './smtp.js';
import { isMitmError } from '../errors.js';

const text = (s: string) => Buffer.from(s, 'utf8');
const sent = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString('utf8')).join('');

// Recorded from postfix 3.7 with smtpd_tls_security_level=may and SASL enabled before TLS.
const GREETING = '220 mx.example.test ESMTP Postfix (Debian/GNU)\r\n';
const EHLO = '250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n';

test('SMTP dialogue sends EHLO then STARTTLS and is ready on 220', () => {
  const d = new SmtpDialogue({ host: 'mx.example.test' });
  assert.equal(d.start().send.length, 0);
  const a = d.receive(text(GREETING));
  assert.equal(sent(a.send), 'EHLO mitmguard.invalid\r\n');
  const b = d.receive(text(EHLO));
  assert.equal(sent(b.send), 'STARTTLS\r\n');
  assert.equal(b.ready, false);
  const c = d.receive(text('220 2.0.0 Ready to start TLS\r\n'));
  assert.equal(c.ready, true);
  assert.equal(c.trailing, 0);
  const o = d.observation();
  assert.equal(o.banner, '220 mx.example.test ESMTP Postfix (Debian/GNU)');
  assert.deepEqual(o.authBeforeTls, ['PLAIN', 'LOGIN']);
  assert.equal(o.startTlsAdvertised, true);
  assert.ok(o.capabilities.includes('PIPELINING'));
  assert.equal(o.upgradeReply, '220 2.0.0 Ready to start TLS');
});

test('SMTP dialogue handles replies split at arbitrary byte boundaries', () => {
  const d = new SmtpDialogue({ host: 'h' });
  const all = GREETING + EHLO;
  const out: Uint8Array[] = [];
  for (const ch of all) out.push(...d.receive(text(ch)).send);
  assert.equal(sent(out), 'EHLO mitmguard.invalid\r\nSTARTTLS\r\n');
});

test('SMTP dialogue rejects a server that does not advertise STARTTLS, keeping what it saw', () => {
  const d = new SmtpDialogue({ host: 'h' });
  d.receive(text(GREETING));
  assert.throws(
    () => d.receive(text('250-mx\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n')),
    (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS') && (e.details?.observation as { authBeforeTls: string[] }).authBeforeTls[0] === 'PLAIN',
  );
});

test('SMTP dialogue reports a refused STARTTLS with the server reply', () => {
  const d = new SmtpDialogue({ host: 'h' });
  d.receive(text(GREETING));
  d.receive(text('250-mx\r\n250 STARTTLS\r\n'));
  assert.throws(() => d.receive(text('454 4.7.0 TLS not available due to local problem\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
});

test('SMTP dialogue rejects a banner of another protocol', () => {
  const d = new SmtpDialogue({ host: 'h' });
  assert.throws(() => d.receive(text('+OK Dovecot ready.\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  const e2 = new SmtpDialogue({ host: 'h' });
  assert.throws(() => e2.receive(text('SSH-2.0-OpenSSH_9.2\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});

test('SMTP dialogue counts bytes sent after the go-ahead as trailing', () => {
  const d = new SmtpDialogue({ host: 'h' });
  d.receive(text(GREETING));
  d.receive(text('250-mx\r\n250 STARTTLS\r\n'));
  const r = d.receive(text('220 go ahead\r\n250 injected\r\n'));
  assert.equal(r.ready, true);
  assert.equal(r.trailing, 14);
});

test('SMTP dialogue refuses an endless line with MG_ERR_TOO_LARGE', () => {
  const d = new SmtpDialogue({ host: 'h' });
  assert.throws(() => d.receive(text(`220 ${'x'.repeat(10_000)}`)), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});

test('SMTP dialogue rejects a code change inside a multi-line reply', () => {
  const d = new SmtpDialogue({ host: 'h' });
  d.receive(text(GREETING));
  assert.throws(() => d.receive(text('250-a\r\n251 b\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});
