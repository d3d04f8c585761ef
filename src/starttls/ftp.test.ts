import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpDialogue } from './ftp.js';
import { replay, sentText } from './test-util.js';
import { isMitmError } from '../errors.js';

// Recorded from vsftpd 3.0.3 (Debian 12), ssl_enable=YES.
const RECORDED = '220 (vsFTPd 3.0.3)\r\n211-Features:\r\n AUTH TLS\r\n EPRT\r\n MDTM\r\n PBSZ\r\n PROT\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n';

test('FTP dialogue reads FEAT, sends AUTH TLS and is ready on 234', () => {
  const d = new FtpDialogue();
  const r = replay(d, [RECORDED, '234 Proceed with negotiation.\r\n']);
  assert.equal(sentText(r.sent), 'FEAT\r\nAUTH TLS\r\n');
  assert.equal(r.last.ready, true);
  const o = d.observation();
  assert.equal(o.startTlsAdvertised, true);
  assert.ok(o.capabilities.includes('REST STREAM'));
  assert.equal(o.banner, '220 (vsFTPd 3.0.3)');
});

test('FTP dialogue handles a multi-line greeting and a server without FEAT', () => {
  const d = new FtpDialogue();
  const r = replay(d, ['220-Welcome\r\nfree text\r\n220 ready\r\n', '502 FEAT not implemented\r\n', '234 ok\r\n']);
  assert.equal(sentText(r.sent), 'FEAT\r\nAUTH TLS\r\n');
  assert.equal(r.last.ready, true);
});

test('FTP dialogue reports a refused AUTH TLS with the reply', () => {
  assert.throws(
    () => replay(new FtpDialogue(), ['220 hi\r\n', '211 End\r\n', '530 Please login with USER and PASS.\r\n']),
    (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS') && /530/.test(e.message),
  );
});

test('FTP dialogue rejects a greeting that is not an FTP reply', () => {
  assert.throws(() => replay(new FtpDialogue(), ['* OK IMAP\r\n']), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});
