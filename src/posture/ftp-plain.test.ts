import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMitmError } from '../errors.js';
import { FtpReplyReader, judgeFtpUserReply } from './ftp-plain.js';

const bytes = (s: string) => new TextEncoder().encode(s);

test('the FTP reply reader returns single and multi-line replies, split anywhere across chunks', () => {
  const r = new FtpReplyReader();
  assert.deepEqual(r.push(bytes('220-Welcome\r\n220-to the ')), []);
  assert.deepEqual(r.push(bytes('lab\r\n220 ready\r')), []);
  assert.deepEqual(r.push(bytes('\n331 Please specify the password.\r\n')), [
    { code: 220, text: 'ready' },
    { code: 331, text: 'Please specify the password.' },
  ]);
});

test('the FTP reply reader refuses what is not an FTP reply, and an endless line, with a MitmError', () => {
  assert.throws(() => new FtpReplyReader().push(bytes('SSH-2.0-OpenSSH_9.2\r\n')), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  const r = new FtpReplyReader();
  assert.throws(() => {
    for (let i = 0; i < 100; i++) r.push(bytes('x'.repeat(1024)));
  }, (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});

test('a reply to USER before TLS: 331/332/230 accept a login in clear, 530/534 refuse it, anything else is unknown', () => {
  assert.deepEqual([230, 331, 332].map(judgeFtpUserReply), ['accepted', 'accepted', 'accepted']);
  assert.deepEqual([530, 534].map(judgeFtpUserReply), ['refused', 'refused']);
  assert.deepEqual([200, 500, 502].map(judgeFtpUserReply), ['unknown', 'unknown', 'unknown']);
});
