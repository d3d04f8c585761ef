import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redact } from '../redact.js';
import { PlaintextDecoder, snmpCommunity, type Credential } from './plaintext.js';

const SALT = 'test-salt';
function run(protocol: string, client: string, banner?: string): { creds: Credential[]; d: PlaintextDecoder } {
  const creds: Credential[] = [];
  const d = new PlaintextDecoder(protocol, SALT, { credential: (c) => creds.push(c), protocol: () => {} });
  if (banner) d.server(Buffer.from(banner));
  // Split across chunks in awkward places: decoders must not depend on segment boundaries.
  const bytes = Buffer.from(client, 'latin1');
  for (let o = 0; o < bytes.length; o += 7) d.client(bytes.subarray(o, o + 7), 1, 1);
  return { creds, d };
}
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (s: string) => redact(s, SALT);

describe('plain-text credentials, redacted where they are read', () => {
  it('HTTP Basic, bearer, session cookie and a password form field', () => {
    const req = `POST /login HTTP/1.1\r\nHost: intranet\r\nAuthorization: Basic ${b64('alice:s3cret')}\r\nCookie: theme=dark; JSESSIONID=abc123\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 27\r\n\r\nusername=bob&password=hunt2GET /api HTTP/1.1\r\nAuthorization: Bearer tok.en\r\n\r\n`;
    const { creds } = run('http', req);
    assert.deepEqual(creds, [
      { protocol: 'http', kind: 'http-basic', user: 'alice', secret: secret('s3cret') },
      { protocol: 'http', kind: 'session-cookie', user: null, secret: secret('theme=dark; JSESSIONID=abc123') },
      { protocol: 'http', kind: 'form-password', user: 'bob', secret: secret('hunt2') },
      { protocol: 'http', kind: 'http-bearer', user: null, secret: secret('tok.en') },
    ]);
    assert.ok(!JSON.stringify(creds).includes('s3cret') && !JSON.stringify(creds).includes('hunt2'));
  });

  it('FTP and POP3 USER/PASS, named by the banner', () => {
    assert.deepEqual(run('ftp', 'USER anna\r\nPASS pw1\r\n').creds, [{ protocol: 'ftp', kind: 'password', user: 'anna', secret: secret('pw1') }]);
    const pop = run('tcp/1110', 'USER carl\r\nPASS pw2\r\n', '+OK POP3 ready\r\n');
    assert.deepEqual(pop.creds, [{ protocol: 'pop3', kind: 'password', user: 'carl', secret: secret('pw2') }]);
  });

  it('IMAP LOGIN with quoted strings and AUTHENTICATE PLAIN on the next line', () => {
    assert.deepEqual(run('imap', 'a1 LOGIN "dora" "p w\\"3"\r\n').creds, [{ protocol: 'imap', kind: 'password', user: 'dora', secret: secret('p w"3') }]);
    assert.deepEqual(run('imap', `a2 AUTHENTICATE PLAIN\r\n${b64('\0eve\0pw4')}\r\n`).creds, [{ protocol: 'imap', kind: 'sasl-plain', user: 'eve', secret: secret('pw4') }]);
  });

  it('SMTP AUTH PLAIN and AUTH LOGIN', () => {
    assert.deepEqual(run('smtp', `EHLO x\r\nAUTH PLAIN ${b64('\0fred\0pw5')}\r\n`).creds, [{ protocol: 'smtp', kind: 'sasl-plain', user: 'fred', secret: secret('pw5') }]);
    assert.deepEqual(run('smtp', `AUTH LOGIN\r\n${b64('gina')}\r\n${b64('pw6')}\r\n`).creds, [{ protocol: 'smtp', kind: 'sasl-login', user: 'gina', secret: secret('pw6') }]);
  });

  it('Redis AUTH in RESP and inline form', () => {
    assert.deepEqual(run('redis', '*2\r\n$4\r\nAUTH\r\n$3\r\npw7\r\n*1\r\n').creds.map((c) => [c.user, c.secret]), [[null, secret('pw7')]]);
    assert.deepEqual(run('redis', 'AUTH hank pw8\r\n').creds.map((c) => [c.user, c.secret]), [['hank', secret('pw8')]]);
  });

  it('notes a STARTTLS request so the flow can switch to TLS', () => {
    assert.equal(run('smtp', 'EHLO x\r\nSTARTTLS\r\n').d.upgradeRequested, true);
    assert.equal(run('imap', 'a STARTTLS\r\n').d.upgradeRequested, true);
  });

  it('reads SNMP v1/v2c communities and ignores what is not one', () => {
    const pdu = Uint8Array.from([0x30, 0x1a, 0x02, 0x01, 0x01, 0x04, 0x06, ...Buffer.from('public'), 0xa0, 0x0d]);
    assert.deepEqual(snmpCommunity(pdu), { version: 2, community: 'public' });
    assert.equal(snmpCommunity(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x03])), null);
  });
});
