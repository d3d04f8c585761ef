import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redact } from '../redact.js';
import { LdapBindDecoder, PostgresPasswordDecoder, TelnetLoginDecoder } from './binary-auth.js';
import type { Credential } from './plaintext.js';

const SALT = 'salt';
const collect = () => {
  const creds: Credential[] = [];
  return { creds, on: { credential: (c: Credential) => creds.push(c), protocol: () => {} } };
};
const ber = (tag: number, body: number[]) => [tag, body.length, ...body];
const str = (s: string) => [...Buffer.from(s)];

describe('LDAP simple bind', () => {
  const bind = (dn: string, pw: string) => ber(0x30, [...ber(0x02, [1]), ...ber(0x60, [...ber(0x02, [3]), ...ber(0x04, str(dn)), ...ber(0x80, str(pw))])]);

  it('reads the DN and redacts the password, across segment boundaries', () => {
    const { creds, on } = collect();
    const d = new LdapBindDecoder(SALT, on);
    const bytes = Uint8Array.from(bind('cn=admin,dc=example,dc=org', 'Secret1'));
    d.client(bytes.subarray(0, 9), 1, 1);
    d.client(bytes.subarray(9), 2, 2);
    assert.deepEqual(creds, [{ protocol: 'ldap', kind: 'password', user: 'cn=admin,dc=example,dc=org', secret: redact('Secret1', SALT) }]);
  });

  it('skips anonymous binds and notes a StartTLS request', () => {
    const { creds, on } = collect();
    const d = new LdapBindDecoder(SALT, on);
    d.client(Uint8Array.from(bind('', '')), 1, 1);
    d.client(Uint8Array.from(ber(0x30, [...ber(0x02, [2]), ...ber(0x77, ber(0x80, str('1.3.6.1.4.1.1466.20037')))])), 2, 2);
    assert.deepEqual(creds, []);
    assert.equal(d.upgradeRequested, true);
  });
});

describe('PostgreSQL password message', () => {
  const int32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const startup = (user: string) => {
    const params = [...str(`user\0${user}\0database\0app\0`), 0];
    return [...int32(8 + params.length), ...int32(196608), ...params];
  };
  const password = (p: string) => [0x70, ...int32(4 + p.length + 1), ...str(p), 0];

  it('reads a cleartext password after the server asked for one', () => {
    const { creds, on } = collect();
    const d = new PostgresPasswordDecoder(SALT, on);
    d.client(Uint8Array.from(startup('app_rw')), 1, 1);
    d.server(Uint8Array.from([0x52, ...int32(8), ...int32(3)]));
    d.client(Uint8Array.from(password('pg-pass')), 2, 2);
    assert.deepEqual(creds, [{ protocol: 'postgresql', kind: 'password', user: 'app_rw', secret: redact('pg-pass', SALT) }]);
  });

  it('marks an MD5 response as such, and an SSLRequest as an upgrade', () => {
    const { creds, on } = collect();
    const d = new PostgresPasswordDecoder(SALT, on);
    d.client(Uint8Array.from([...int32(8), ...int32(80877103)]), 1, 1);
    assert.equal(d.upgradeRequested, true);
    d.client(Uint8Array.from(startup('u')), 1, 1);
    d.server(Uint8Array.from([0x52, ...int32(12), ...int32(5), 1, 2, 3, 4]));
    d.client(Uint8Array.from(password(`md5${'a'.repeat(32)}`)), 2, 2);
    assert.equal(creds[0]!.kind, 'password-md5');
  });
});

describe('Telnet login', () => {
  it('reads the user and password typed one character per segment after the prompts, option negotiation stripped', () => {
    const { creds, on } = collect();
    const d = new TelnetLoginDecoder(SALT, on);
    d.server(Uint8Array.from([255, 253, 24, 255, 251, 1, ...str('\r\nDebian GNU/Linux\r\nrouter login: ')]));
    d.client(Uint8Array.from([255, 252, 1, 255, 250, 24, 0, ...str('xterm'), 255, 240]), 1, 1);
    for (const c of 'opx\x7fs\r\n') d.client(Uint8Array.from(str(c)), 2, 2);
    d.server(Uint8Array.from(str('Password: ')));
    for (const c of 'T3ln3t!\r\0') d.client(Uint8Array.from(str(c)), 3, 3);
    assert.deepEqual(creds, [{ protocol: 'telnet', kind: 'password', user: 'ops', secret: redact('T3ln3t!', SALT) }]);
  });
});
