import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyBanner } from './sniff.js';
import { fromHex } from '../bytes.js';

const b = (s: string) => Buffer.from(s, 'latin1');

test('banners name their protocol and whether it is encrypted', () => {
  const cases: Array<[Uint8Array, string, boolean]> = [
    [b('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), 'ssh', true],
    [b('220 mx.example.test ESMTP Postfix\r\n'), 'smtp', false],
    [b('220 (vsFTPd 3.0.3)\r\n'), 'ftp', false],
    [b('220-FileZilla Server\r\n'), 'ftp', false],
    [b('220 ProFTPD Server ready.\r\n'), 'ftp', false],
    [b('* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n'), 'imap', false],
    [b('+OK Dovecot ready.\r\n'), 'pop3', false],
    [fromHex('640000000a352e352e352d31302e31312e31392d4d617269614442'), 'mysql', false],
    [b("<?xml version='1.0'?><stream:stream>"), 'xmpp', false],
    [b('hello there\r\n'), 'unknown', false],
  ];
  for (const [bytes, protocol, encrypted] of cases) {
    const s = classifyBanner(bytes);
    assert.deepEqual([s.protocol, s.encrypted], [protocol, encrypted], Buffer.from(bytes).toString('latin1'));
  }
});

test('banner text is reduced to one printable bounded line', () => {
  const s = classifyBanner(b(`220 ${'x'.repeat(500)}\x00\x1b[31m\r\nsecond line`));
  assert.ok(s.banner!.length <= 161);
  assert.ok(!/[\x00-\x1f]/.test(s.banner!));
});
