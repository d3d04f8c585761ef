import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ftpSession } from './ftp.js';
import { MAX_HTTP_HEAD_BYTES, httpSession, parseRequestHead } from './http.js';
import { imapSession } from './imap.js';
import { LineFramer } from '../../bytes.js';
import { MAX_LINE_BYTES } from './lines.js';
import { pop3Session } from './pop3.js';
import { MAX_STARTUP_BYTES, postgresSession } from './postgres.js';
import { MAX_RESP_ARGS, parseRespCommand, redisSession } from './redis.js';
import { smtpSession } from './smtp.js';
import { isMitmError } from '../../errors.js';
import type { ProtocolSession, SessionOutput } from './types.js';

const b = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const sent = (o: SessionOutput) => o.send.map((c) => Buffer.from(c).toString('latin1')).join('');
const secrets = (o: SessionOutput) => o.events.filter((e) => e.secret).map((e) => Buffer.from(e.secret!).toString('latin1'));
const plain = { tls: false, startTls: 'offer' as const };

test('SMTP: STARTTLS is advertised and accepted, and the upgrade discards pipelined commands (RFC 3207 §4.1)', () => {
  const s = smtpSession(plain);
  assert.match(sent(s.greet()), /^220 /);
  assert.match(sent(s.receive(b('EHLO client\r\n'))), /250-STARTTLS/);
  const o = s.receive(b('STARTTLS\r\nAUTH PLAIN AGF1ZGl0AHB3\r\n'));
  assert.equal(o.upgrade, true);
  assert.equal(secrets(o).length, 0, 'the injected AUTH after STARTTLS is not honoured');
  s.secured();
  assert.doesNotMatch(sent(s.receive(b('EHLO client\r\n'))), /STARTTLS/);
});

test('SMTP: AUTH PLAIN and AUTH LOGIN credentials are captured, then the mail body', () => {
  const s = smtpSession({ tls: true, startTls: 'offer' });
  assert.deepEqual(secrets(s.receive(b('AUTH PLAIN AGF1ZGl0AHB3\r\n'))), ['\0audit\0pw']);
  assert.match(sent(s.receive(b('AUTH LOGIN\r\n'))), /^334 VXNlcm5hbWU6/);
  assert.deepEqual(secrets(s.receive(b('dXNlcg==\r\n'))), ['user']);
  assert.deepEqual(secrets(s.receive(b('cGFzcw==\r\n'))), ['pass']);
  s.receive(b('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n'));
  const body = s.receive(b('Subject: x\r\n\r\nhello\r\n.\r\n'));
  assert.match(sent(body), /^250 /);
  assert.equal(body.events[0]!.summary, 'message body (21 bytes)');
});

test('SMTP: STARTTLS refused answers 454 and absent answers 502, and neither upgrades', () => {
  const refused = smtpSession({ tls: false, startTls: 'refuse' });
  assert.match(sent(refused.receive(b('STARTTLS\r\n'))), /^454 /);
  const absent = smtpSession({ tls: false, startTls: 'absent' });
  assert.doesNotMatch(sent(absent.receive(b('EHLO x\r\n'))), /STARTTLS/);
  const o = absent.receive(b('STARTTLS\r\n'));
  assert.match(sent(o), /^502 /);
  assert.equal(o.upgrade, undefined);
});

test('IMAP: LOGIN with a synchronising literal is answered with a continuation and captured whole', () => {
  const s = imapSession({ tls: true, startTls: 'offer' });
  const first = s.receive(b('a1 LOGIN audit {6}\r\n'));
  assert.match(sent(first), /^\+ /);
  const o = s.receive(b('secret\r\n'));
  assert.match(sent(o), /^a1 OK/);
  assert.deepEqual(secrets(o), ['audit secret']);
  assert.equal(s.receive(b('a2 SELECT INBOX\r\n')).events[0]!.significant, true);
  assert.equal(s.receive(b('a3 LOGOUT\r\n')).close, true);
});

test('IMAP and POP3: STARTTLS/STLS refused answers NO/-ERR without upgrading', () => {
  const imap = imapSession({ tls: false, startTls: 'refuse' });
  assert.match(sent(imap.receive(b('t STARTTLS\r\n'))), /^t NO /);
  const pop = pop3Session({ tls: false, startTls: 'refuse' });
  const o = pop.receive(b('STLS\r\n'));
  assert.match(sent(o), /^-ERR/);
  assert.equal(o.upgrade, undefined);
  assert.deepEqual(secrets(pop.receive(b('USER audit\r\nPASS pw\r\n'))), ['audit', 'pw']);
});

test('FTP: AUTH TLS upgrades; USER/PASS are captured; FEAT hides AUTH TLS when it is stripped', () => {
  const s = ftpSession(plain);
  assert.match(sent(s.receive(b('FEAT\r\n'))), / AUTH TLS/);
  assert.equal(s.receive(b('AUTH TLS\r\n')).upgrade, true);
  const stripped = ftpSession({ tls: false, startTls: 'absent' });
  assert.doesNotMatch(sent(stripped.receive(b('FEAT\r\n'))), /AUTH TLS/);
  assert.deepEqual(secrets(stripped.receive(b('USER a\r\nPASS b\r\n'))), ['a', 'b']);
});

test('line protocols reject an over-long line with MG_ERR_TOO_LARGE instead of buffering it', () => {
  const s = pop3Session(plain);
  const o = s.receive(new Uint8Array(MAX_LINE_BYTES + 10).fill(0x41));
  assert.equal(o.close, true);
  assert.ok(isMitmError(o.error, 'MG_ERR_TOO_LARGE'));
  assert.throws(() => new LineFramer({ context: 'client', maxLine: 4, encoding: 'latin1' }).push(b('12345\r\n')), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});

const pgPacket = (code: number, body = Buffer.alloc(0)) => {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length, 0);
  h.writeUInt32BE(code, 4);
  return new Uint8Array(Buffer.concat([h, body]));
};

test('PostgreSQL: SSLRequest is answered S (upgrade) or N (refused); the cleartext password is captured', () => {
  const offer = postgresSession(plain);
  const o = offer.receive(pgPacket(80877103));
  assert.equal(sent(o), 'S');
  assert.equal(o.upgrade, true);
  const refuse = postgresSession({ tls: false, startTls: 'refuse' });
  assert.equal(sent(refuse.receive(pgPacket(80877103))), 'N');
  const startup = refuse.receive(pgPacket(196608, Buffer.from('user\0audit\0database\0app\0\0')));
  assert.equal(startup.events[0]!.summary, 'StartupMessage (user, database)');
  assert.equal(sent(startup).charAt(0), 'R');
  const pw = Buffer.from('p\0\0\0\x0bsecret\0', 'latin1');
  const login = refuse.receive(new Uint8Array(pw));
  assert.deepEqual(secrets(login), ['secret']);
  assert.match(sent(login), /^R/);
});

test('PostgreSQL: an oversized or unknown startup packet is refused with a MitmError code', () => {
  const big = postgresSession(plain).receive(pgPacket(196608, Buffer.alloc(MAX_STARTUP_BYTES)));
  assert.ok(isMitmError(big.error, 'MG_ERR_TOO_LARGE'));
  const unknown = postgresSession(plain).receive(pgPacket(1234));
  assert.ok(isMitmError(unknown.error, 'MG_ERR_PROTOCOL'));
});

test('Redis: AUTH in RESP and inline form is captured; malformed arrays are refused', () => {
  const s: ProtocolSession = redisSession(plain);
  const o = s.receive(b('*3\r\n$4\r\nAUTH\r\n$5\r\naudit\r\n$2\r\npw\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'));
  assert.deepEqual(secrets(o), ['audit pw', 'k']);
  assert.equal(sent(o), '+OK\r\n$-1\r\n');
  assert.deepEqual(secrets(redisSession(plain).receive(b('AUTH pw\r\n'))), ['pw']);
  assert.equal(parseRespCommand(Buffer.from('*1\r\n$4\r\nPI')), null, 'incomplete input waits for more');
  const bad = redisSession(plain).receive(b(`*${MAX_RESP_ARGS + 1}\r\n`));
  assert.ok(isMitmError(bad.error, 'MG_ERR_MALFORMED'));
  const notBulk = redisSession(plain).receive(b('*1\r\n:5\r\n'));
  assert.ok(isMitmError(notBulk.error, 'MG_ERR_MALFORMED'));
});

test('HTTP: a request without credentials gets a Basic challenge; Authorization is decoded and captured', () => {
  const s = httpSession(plain);
  const challenge = s.receive(b('GET /x?token=abc HTTP/1.1\r\nHost: h\r\n\r\n'));
  assert.match(sent(challenge), /^HTTP\/1\.1 401 .*WWW-Authenticate: Basic/s);
  assert.equal(challenge.events[0]!.summary, 'GET /x?token=<redacted> HTTP/1.1');
  const s2 = httpSession({ tls: true, startTls: 'offer' });
  const ok = s2.receive(b('GET / HTTP/1.1\r\nAuthorization: Basic YXVkaXQ6cHc=\r\n\r\n'));
  assert.match(sent(ok), /^HTTP\/1\.1 200 .*Strict-Transport-Security/s);
  assert.deepEqual(secrets(ok).slice(1), ['audit:pw']);
});

test('HTTP: garbage and over-long heads are refused with MitmError codes', () => {
  assert.throws(() => parseRequestHead('\x16\x03\x01 nonsense'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  const big = httpSession(plain).receive(new Uint8Array(MAX_HTTP_HEAD_BYTES + 1).fill(0x61));
  assert.ok(isMitmError(big.error, 'MG_ERR_TOO_LARGE'));
  const garbage = httpSession(plain).receive(b('NOT HTTP AT ALL\r\n\r\n'));
  assert.ok(isMitmError(garbage.error, 'MG_ERR_MALFORMED'));
  assert.match(sent(garbage), /^HTTP\/1\.1 400/);
});

test('HTTP: terminal controls in the request line or a header are refused (RFC 9112 §3, RFC 9110 §5.5)', () => {
  for (const head of ['GET /\x1b[2J\x1b[H HTTP/1.1', 'GET /ok\x07 HTTP/1.1', 'GET / HTTP/1.1\r\nUser-Agent: x\x1b]0;owned\x07', 'GET / HTTP/1.1\r\nAuthorization: \x1b[2JBasic eA==']) {
    assert.throws(() => parseRequestHead(head), (e) => isMitmError(e, 'MG_ERR_MALFORMED'), JSON.stringify(head));
  }
  assert.equal(parseRequestHead('GET /ok HTTP/1.1\r\nUser-Agent: a\tb').headers[0]![1], 'a\tb', 'HTAB is allowed in a field value');
});
