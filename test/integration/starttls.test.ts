/**
 * STARTTLS against real Debian daemons on loopback: each upgrade must end in a real TLS handshake that verifies the
 * daemon's certificate, and each refusal must end in the documented error code with what was advertised.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { once } from 'node:events';
import { upgradeToTls, type StartTlsObservation, type StartTlsProtocol } from '../../src/starttls/index.js';
import type { MitmError } from '../../src/errors.js';
import {
  startDovecot, startMariadb, startPostfix, startPostgres, startProsody, startSlapd, startVsftpd, type Daemon,
} from '../helpers/daemons.js';

const TIMEOUT_MS = 20_000;

async function open(port: number, host = '127.0.0.1'): Promise<Socket> {
  const socket = connect({ port, host });
  await once(socket, 'connect');
  return socket;
}

/** Upgrade, then complete a verifying TLS handshake over the same socket; returns what was seen and the TLS version. */
async function upgradeAndHandshake(d: Daemon, port: number, proto: StartTlsProtocol, host = 'localhost'): Promise<{ obs: StartTlsObservation; version: string | null; authorized: boolean }> {
  const socket = await open(port, d.host);
  try {
    const obs = await upgradeToTls(socket, proto, { host, timeoutMs: TIMEOUT_MS });
    const secure = tlsConnect({ socket, servername: host, ca: d.caPem });
    await once(secure, 'secureConnect');
    const result = { obs, version: secure.getProtocol(), authorized: secure.authorized };
    secure.destroy();
    return result;
  } finally {
    socket.destroy();
  }
}

async function upgradeError(port: number, proto: StartTlsProtocol, host = 'localhost', address = '127.0.0.1'): Promise<MitmError> {
  const socket = await open(port, address);
  try {
    await upgradeToTls(socket, proto, { host, timeoutMs: TIMEOUT_MS });
  } catch (err) {
    return err as MitmError;
  } finally {
    socket.destroy();
  }
  assert.fail(`${proto} upgrade on port ${port} unexpectedly succeeded`);
}

const observationOf = (err: MitmError) => err.details?.observation as StartTlsObservation;

describe('SMTP STARTTLS against postfix', () => {
  let withTls: Daemon;
  let withoutTls: Daemon;
  let saslDovecot: Daemon;
  let withAuth: Daemon;
  before(async () => {
    saslDovecot = await startDovecot({ ssl: 'yes', disablePlaintextAuth: false, authListener: true });
    [withTls, withoutTls, withAuth] = await Promise.all([
      startPostfix({ starttls: true }),
      startPostfix({ starttls: false }),
      startPostfix({ starttls: true, saslPort: saslDovecot.ports.auth! }),
    ]);
  });
  after(async () => {
    await Promise.all([withTls?.stop(), withoutTls?.stop(), withAuth?.stop()]);
    await saslDovecot?.stop();
  });

  test('postfix with smtpd_tls_security_level=may upgrades and completes a verified TLS handshake', async () => {
    const r = await upgradeAndHandshake(withTls, withTls.port, 'smtp');
    assert.equal(r.authorized, true);
    assert.match(r.version ?? '', /TLSv1\.[23]/);
    assert.equal(r.obs.startTlsAdvertised, true);
    assert.match(r.obs.banner ?? '', /^220 mx\.example\.test ESMTP/);
    assert.deepEqual(r.obs.authBeforeTls, []);
    assert.match(r.obs.upgradeReply ?? '', /^220 /);
  });

  test('postfix without TLS is reported as STARTTLS not offered, with its EHLO keywords', async () => {
    const err = await upgradeError(withoutTls.port, 'smtp');
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    const obs = observationOf(err);
    assert.equal(obs.startTlsAdvertised, false);
    assert.ok(obs.capabilities.includes('PIPELINING'));
  });

  test('postfix with SASL and smtpd_tls_auth_only=no advertises AUTH before STARTTLS', async () => {
    const r = await upgradeAndHandshake(withAuth, withAuth.port, 'smtp');
    assert.equal(r.authorized, true);
    assert.deepEqual([...r.obs.authBeforeTls].sort(), ['LOGIN', 'PLAIN']);
  });
});

describe('IMAP and POP3 STARTTLS against dovecot', () => {
  let tlsAndPlainAuth: Daemon;
  let noTls: Daemon;
  let tlsRequired: Daemon;
  before(async () => {
    [tlsAndPlainAuth, noTls, tlsRequired] = await Promise.all([
      startDovecot({ ssl: 'yes', disablePlaintextAuth: false }),
      startDovecot({ ssl: 'no', disablePlaintextAuth: false }),
      startDovecot({ ssl: 'required' }),
    ]);
  });
  after(async () => {
    await Promise.all([tlsAndPlainAuth?.stop(), noTls?.stop(), tlsRequired?.stop()]);
  });

  test('dovecot IMAP upgrades, and with disable_plaintext_auth=no offers LOGIN before TLS', async () => {
    const r = await upgradeAndHandshake(tlsAndPlainAuth, tlsAndPlainAuth.ports.imap!, 'imap');
    assert.equal(r.authorized, true);
    assert.ok(r.obs.capabilities.includes('STARTTLS'));
    assert.ok(r.obs.authBeforeTls.includes('LOGIN'));
    assert.ok(r.obs.authBeforeTls.includes('PLAIN'));
    assert.match(r.obs.banner ?? '', /^\* OK/);
  });

  test('dovecot IMAP with ssl=required advertises LOGINDISABLED and no mechanism before TLS', async () => {
    const r = await upgradeAndHandshake(tlsRequired, tlsRequired.ports.imap!, 'imap');
    assert.ok(r.obs.capabilities.includes('LOGINDISABLED'));
    assert.deepEqual(r.obs.authBeforeTls, []);
  });

  test('dovecot IMAP with ssl=no is reported as STARTTLS not offered', async () => {
    const err = await upgradeError(noTls.ports.imap!, 'imap', 'localhost', noTls.host);
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.equal(observationOf(err).startTlsAdvertised, false);
    assert.ok(observationOf(err).authBeforeTls.includes('LOGIN'));
  });

  test('dovecot POP3 upgrades with STLS and reports USER before TLS when plain-text auth is allowed', async () => {
    const r = await upgradeAndHandshake(tlsAndPlainAuth, tlsAndPlainAuth.ports.pop3!, 'pop3');
    assert.equal(r.authorized, true);
    assert.ok(r.obs.capabilities.includes('STLS'));
    assert.ok(r.obs.authBeforeTls.includes('USER'));
  });

  test('dovecot POP3 with ssl=no is reported as STLS not offered', async () => {
    const err = await upgradeError(noTls.ports.pop3!, 'pop3', 'localhost', noTls.host);
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.equal(observationOf(err).startTlsAdvertised, false);
  });
});

describe('FTP AUTH TLS against vsftpd', () => {
  let withTls: Daemon;
  let withoutTls: Daemon;
  before(async () => {
    [withTls, withoutTls] = await Promise.all([startVsftpd({ ssl: true }), startVsftpd({ ssl: false })]);
  });
  after(async () => {
    await Promise.all([withTls?.stop(), withoutTls?.stop()]);
  });

  test('vsftpd with ssl_enable=YES lists AUTH TLS in FEAT and upgrades', async () => {
    const r = await upgradeAndHandshake(withTls, withTls.port, 'ftp');
    assert.equal(r.authorized, true);
    assert.equal(r.obs.startTlsAdvertised, true);
    assert.match(r.obs.upgradeReply ?? '', /^234/);
  });

  test('vsftpd with ssl_enable=NO refuses AUTH TLS', async () => {
    const err = await upgradeError(withoutTls.port, 'ftp');
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.match(observationOf(err).upgradeReply ?? '', /^5\d\d/);
  });
});

describe('LDAP StartTLS against slapd', () => {
  let withTls: Daemon;
  let withoutTls: Daemon;
  before(async () => {
    [withTls, withoutTls] = await Promise.all([startSlapd({ tls: true }), startSlapd({ tls: false })]);
  });
  after(async () => {
    await Promise.all([withTls?.stop(), withoutTls?.stop()]);
  });

  test('slapd with a certificate answers the StartTLS extended operation with success', async () => {
    const r = await upgradeAndHandshake(withTls, withTls.port, 'ldap');
    assert.equal(r.authorized, true);
    assert.match(r.obs.upgradeReply ?? '', /^0 success/);
  });

  test('slapd without TLS configuration refuses StartTLS with a result code', async () => {
    const err = await upgradeError(withoutTls.port, 'ldap');
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.notEqual(observationOf(err).upgradeReply, null);
  });
});

describe('XMPP STARTTLS against prosody', () => {
  let required: Daemon;
  let optional: Daemon;
  let noTls: Daemon;
  before(async () => {
    [required, optional, noTls] = await Promise.all([
      startProsody({ tls: true, require: true }),
      startProsody({ tls: true, require: false }),
      startProsody({ tls: false }),
    ]);
  });
  after(async () => {
    await Promise.all([required?.stop(), optional?.stop(), noTls?.stop()]);
  });

  test('prosody c2s with c2s_require_encryption marks STARTTLS required and upgrades', async () => {
    const r = await upgradeAndHandshake(required, required.ports.c2s!, 'xmpp', 'example.test');
    assert.equal(r.authorized, true);
    assert.equal(r.obs.tlsRequired, true);
    assert.deepEqual(r.obs.authBeforeTls, []);
  });

  test('prosody c2s with optional encryption and plain auth allowed offers SASL PLAIN before TLS', async () => {
    const r = await upgradeAndHandshake(optional, optional.ports.c2s!, 'xmpp', 'example.test');
    assert.equal(r.obs.tlsRequired, false);
    assert.ok(r.obs.authBeforeTls.includes('PLAIN'));
  });

  test('prosody s2s stream upgrades for xmpp-server', async () => {
    const r = await upgradeAndHandshake(required, required.ports.s2s!, 'xmpp-server', 'example.test');
    assert.equal(r.authorized, true);
  });

  test('prosody without a certificate does not offer STARTTLS', async () => {
    const err = await upgradeError(noTls.ports.c2s!, 'xmpp', 'example.test');
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.equal(observationOf(err).startTlsAdvertised, false);
  });

  test('prosody answers a stream to an unknown host with a stream error, reported as a refusal', async () => {
    const err = await upgradeError(required.ports.c2s!, 'xmpp', 'unknown.invalid');
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.match(err.message, /host-unknown/);
  });
});

describe('PostgreSQL SSLRequest against postgres', () => {
  let sslOn: Daemon;
  let sslOff: Daemon;
  before(async () => {
    [sslOn, sslOff] = await Promise.all([startPostgres({ ssl: true, hba: 'hostssl' }), startPostgres({ ssl: false, hba: 'host' })]);
  });
  after(async () => {
    await Promise.all([sslOn?.stop(), sslOff?.stop()]);
  });

  test('postgres with ssl=on answers S and completes a verified TLS handshake', async () => {
    const r = await upgradeAndHandshake(sslOn, sslOn.port, 'postgres');
    assert.equal(r.authorized, true);
    assert.equal(r.obs.upgradeReply, 'S');
  });

  test('postgres with ssl=off answers N', async () => {
    const err = await upgradeError(sslOff.port, 'postgres');
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.equal(observationOf(err).upgradeReply, 'N');
  });
});

describe('MySQL SSL capability against MariaDB', () => {
  let withSsl: Daemon;
  let withoutSsl: Daemon;
  before(async () => {
    [withSsl, withoutSsl] = await Promise.all([startMariadb({ ssl: true }), startMariadb({ ssl: false })]);
  });
  after(async () => {
    await Promise.all([withSsl?.stop(), withoutSsl?.stop()]);
  });

  test('mariadbd with a certificate advertises CLIENT_SSL and the TLS handshake follows the SSLRequest', async () => {
    const r = await upgradeAndHandshake(withSsl, withSsl.port, 'mysql');
    assert.equal(r.authorized, true);
    assert.match(r.obs.serverVersion ?? '', /MariaDB/);
    assert.ok(r.obs.capabilities.includes('SSL'));
  });

  test('mariadbd without a certificate does not advertise CLIENT_SSL', async () => {
    const err = await upgradeError(withoutSsl.port, 'mysql');
    assert.equal(err.code, 'MG_ERR_STARTTLS');
    assert.equal(observationOf(err).startTlsAdvertised, false);
    assert.match(observationOf(err).serverVersion ?? '', /MariaDB/);
  });
});

