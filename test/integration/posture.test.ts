/**
 * probePosture against real daemons on loopback: each configuration must produce exactly the findings a user would
 * act on, through the check catalogue.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { probePosture, type PostureObservation, type PostureProtocol } from '../../src/posture/index.js';
import { CheckRegistry } from '../../src/checks/registry.js';
import { postureChecks } from '../../src/checks/posture.js';
import { starttlsChecks } from '../../src/checks/starttls.js';
import {
  startDovecot, startMariadb, startPostfix, startPostgres, startProsody, startRedis, startSlapd, startVsftpd, type Daemon,
} from '../helpers/daemons.js';

const run = promisify(execFile);
const registry = new CheckRegistry([...postureChecks, ...starttlsChecks]);
const OPTIONS = { timeoutMs: 15_000, bannerMs: 1500 };

async function probe(d: Daemon, port: number, protocol: PostureProtocol | null, extra: Partial<Parameters<typeof probePosture>[1]> = {}, name?: string): Promise<{ obs: PostureObservation; ids: string[] }> {
  const obs = await probePosture({ target: `${d.name}:${port}`, host: d.host, port, protocol, ...(name ? { name } : {}) }, { ...OPTIONS, ...extra });
  const findings = [...registry.run('posture', obs, obs.target), ...(obs.starttls ? registry.run('starttls', obs.starttls, obs.target) : [])];
  return { obs, ids: findings.map((f) => f.id).sort() };
}

describe('posture of mail, directory and chat daemons', () => {
  const d: Record<string, Daemon> = {};
  before(async () => {
    d.dovecotSasl = await startDovecot({ ssl: 'yes', disablePlaintextAuth: false, authListener: true });
    const [a, b, c, e, f, g, h, i, j] = await Promise.all([
      startPostfix({ starttls: false }),
      startPostfix({ starttls: true, saslPort: d.dovecotSasl.ports.auth! }),
      startPostfix({ starttls: true, brokenTls: true }),
      startDovecot({ ssl: 'required' }),
      startVsftpd({ ssl: false }),
      startSlapd({ tls: false }),
      startProsody({ tls: true, require: false }),
      startVsftpd({ ssl: true }),
      startVsftpd({ ssl: true, forceTlsLogins: false }),
    ]);
    Object.assign(d, {
      postfixPlain: a, postfixAuth: b, postfixBroken: c, dovecotStrict: e, ftpPlain: f, slapdPlain: g, prosodyOptional: h, ftpStrict: i, ftpLax: j,
    });
  });
  after(async () => {
    await Promise.all(Object.entries(d).filter(([k]) => k !== 'dovecotSasl').map(([, x]) => x.stop()));
    await d.dovecotSasl?.stop();
  });

  test('postfix without TLS: starttls.not-offered', async () => {
    const { ids } = await probe(d.postfixPlain!, d.postfixPlain!.port, 'smtp');
    assert.deepEqual(ids, ['starttls.not-offered']);
  });

  test('postfix with SASL before TLS: starttls.auth-before-tls only', async () => {
    const { ids, obs } = await probe(d.postfixAuth!, d.postfixAuth!.port, 'smtp');
    assert.deepEqual(ids, ['starttls.auth-before-tls']);
    assert.equal(obs.starttls?.observation.upgraded, true);
  });

  test('postfix whose certificate cannot be loaded refuses STARTTLS: starttls.refused', async () => {
    const { ids, obs } = await probe(d.postfixBroken!, d.postfixBroken!.port, 'smtp');
    assert.deepEqual(ids, ['starttls.refused']);
    assert.match(obs.starttls?.observation.upgradeReply ?? '', /^454/);
  });

  test('dovecot with ssl=required has no finding on IMAP or POP3', async () => {
    assert.deepEqual((await probe(d.dovecotStrict!, d.dovecotStrict!.ports.imap!, 'imap')).ids, []);
    assert.deepEqual((await probe(d.dovecotStrict!, d.dovecotStrict!.ports.pop3!, 'pop3')).ids, []);
  });

  test('vsftpd without TLS: starttls.not-offered, and USER is taken in clear', async () => {
    const { ids, obs } = await probe(d.ftpPlain!, d.ftpPlain!.port, 'ftp');
    assert.deepEqual(ids, ['starttls.auth-before-tls', 'starttls.not-offered']);
    assert.equal(obs.ftp?.userBeforeTls, 'accepted');
    assert.match(obs.ftp?.answer ?? '', /^331/);
  });

  test('vsftpd with TLS and force_local_logins_ssl=YES refuses USER before AUTH TLS: no finding', async () => {
    const { ids, obs } = await probe(d.ftpStrict!, d.ftpStrict!.port, 'ftp');
    assert.deepEqual(ids, []);
    assert.equal(obs.ftp?.userBeforeTls, 'refused');
    assert.match(obs.ftp?.answer ?? '', /^530/);
    assert.equal(obs.starttls?.observation.upgraded, true);
  });

  test('vsftpd with TLS but force_local_logins_ssl=NO takes USER before AUTH TLS: starttls.auth-before-tls', async () => {
    const { ids, obs } = await probe(d.ftpLax!, d.ftpLax!.port, 'ftp');
    assert.deepEqual(ids, ['starttls.auth-before-tls']);
    assert.equal(obs.ftp?.userBeforeTls, 'accepted');
    assert.equal(obs.starttls?.observation.upgraded, true);
  });

  test('slapd without TLS: starttls.not-offered (protocolError)', async () => {
    assert.deepEqual((await probe(d.slapdPlain!, d.slapdPlain!.port, 'ldap')).ids, ['starttls.not-offered']);
  });

  test('prosody with optional encryption: auth before TLS and STARTTLS not required', async () => {
    const { ids } = await probe(d.prosodyOptional!, d.prosodyOptional!.ports.c2s!, 'xmpp', {}, 'example.test');
    assert.deepEqual(ids, ['starttls.auth-before-tls', 'starttls.xmpp-not-required']);
  });

  test('an unnamed SMTP port is sniffed from its banner and then probed as SMTP', async () => {
    const { obs, ids } = await probe(d.postfixPlain!, d.postfixPlain!.port, null);
    assert.equal(obs.service?.protocol, 'smtp');
    assert.equal(obs.service?.encrypted, false);
    assert.deepEqual(ids, ['starttls.not-offered']);
  });

  test('an unnamed IMAP port is sniffed as IMAP', async () => {
    const { obs } = await probe(d.dovecotStrict!, d.dovecotStrict!.ports.imap!, null);
    assert.equal(obs.service?.protocol, 'imap');
    assert.equal(obs.starttls?.observation.upgraded, true);
  });
});

describe('posture of databases and caches', () => {
  const d: Record<string, Daemon> = {};
  before(async () => {
    const [a, b, c, e, f, g] = await Promise.all([
      startPostgres({ ssl: true, hba: 'hostssl' }),
      startPostgres({ ssl: true, hba: 'host' }),
      startMariadb({ ssl: true, requireSecureTransport: true }),
      startMariadb({ ssl: true }),
      startRedis({ tls: true }),
      startPostgres({ ssl: false, hba: 'host' }),
    ]);
    const h = await startRedis({ password: 'not-a-secret' });
    Object.assign(d, { pgStrict: a, pgLoose: b, mariaStrict: c, mariaLoose: e, redis: f, pgPlain: g, redisAuth: h });
    // An account for the plain-text login probe, created over the local socket as the installing root.
    for (const m of [c, e]) {
      await run('mariadb', [`--socket=${m!.dir}/mysqld.sock`, '-u', 'root', '-e', "CREATE USER 'probe'@'%' IDENTIFIED BY 'probe-pass'"]);
    }
  });
  after(async () => {
    await Promise.all(Object.values(d).map((x) => x.stop()));
  });

  test('PostgreSQL with hostssl only: no finding', async () => {
    const { ids, obs } = await probe(d.pgStrict!, d.pgStrict!.port, 'postgres');
    assert.deepEqual(ids, []);
    assert.equal(obs.postgres?.plaintextStartup, 'refused');
  });

  test('PostgreSQL with a host line: posture.plaintext.postgres', async () => {
    const { ids } = await probe(d.pgLoose!, d.pgLoose!.port, 'postgres');
    assert.deepEqual(ids, ['posture.plaintext.postgres']);
  });

  test('PostgreSQL with ssl=off: not offered and plain text accepted', async () => {
    const { ids } = await probe(d.pgPlain!, d.pgPlain!.port, 'postgres');
    assert.deepEqual(ids, ['posture.plaintext.postgres', 'starttls.not-offered']);
  });

  test('MariaDB with require_secure_transport=ON refuses the plain-text login: no finding', async () => {
    const { ids, obs } = await probe(d.mariaStrict!, d.mariaStrict!.port, 'mysql', { mysqlCredentials: { user: 'probe', password: 'probe-pass' } });
    assert.equal(obs.mysql?.plaintextLogin, 'refused', obs.mysql?.answer);
    assert.deepEqual(ids, []);
  });

  test('MariaDB without require_secure_transport: posture.plaintext.mysql', async () => {
    const { ids, obs } = await probe(d.mariaLoose!, d.mariaLoose!.port, 'mysql', { mysqlCredentials: { user: 'probe', password: 'probe-pass' } });
    assert.equal(obs.mysql?.plaintextLogin, 'accepted', obs.mysql?.answer);
    assert.deepEqual(ids, ['posture.plaintext.mysql']);
  });

  test('MariaDB without credentials leaves plain-text login unknown rather than guessing', async () => {
    const { obs, ids } = await probe(d.mariaLoose!, d.mariaLoose!.port, 'mysql');
    assert.equal(obs.mysql, null);
    assert.deepEqual(ids, []);
  });

  test('Redis plain port without a password: posture.plaintext.redis at critical', async () => {
    const obs = await probePosture({ target: 'redis', host: '127.0.0.1', port: d.redis!.ports.plain!, protocol: 'redis' }, OPTIONS);
    const f = registry.run('posture', obs, 'redis');
    assert.deepEqual(f.map((x) => [x.id, x.severity]), [['posture.plaintext.redis', 'critical']]);
  });

  test('Redis plain port with requirepass: posture.plaintext.redis at high (the password would travel in clear)', async () => {
    const obs = await probePosture({ target: 'redis', host: '127.0.0.1', port: d.redisAuth!.ports.plain!, protocol: 'redis' }, OPTIONS);
    assert.equal(obs.redis?.ping, 'noauth');
    const f = registry.run('posture', obs, 'redis');
    assert.deepEqual(f.map((x) => [x.id, x.severity]), [['posture.plaintext.redis', 'high']]);
  });

  test('an unnamed Redis plain port is sniffed as Redis, the TLS port as TLS', async () => {
    const plain = await probePosture({ target: 'r', host: '127.0.0.1', port: d.redis!.ports.plain!, protocol: null }, OPTIONS);
    assert.equal(plain.service?.protocol, 'redis');
    assert.equal(plain.redis?.ping, 'pong');
    const tls = await probePosture({ target: 'r', host: '127.0.0.1', port: d.redis!.ports.tls!, protocol: null }, OPTIONS);
    assert.deepEqual([tls.service?.protocol, tls.service?.encrypted], ['tls', true]);
    assert.deepEqual(registry.run('posture', tls, 'r'), []);
  });

  test('an unnamed PostgreSQL and MariaDB port are sniffed', async () => {
    const pg = await probePosture({ target: 'p', host: '127.0.0.1', port: d.pgStrict!.port, protocol: null }, OPTIONS);
    assert.equal(pg.service?.protocol, 'postgres');
    assert.equal(pg.postgres?.plaintextStartup, 'refused');
    const my = await probePosture({ target: 'm', host: '127.0.0.1', port: d.mariaLoose!.port, protocol: null }, OPTIONS);
    assert.equal(my.service?.protocol, 'mysql');
    assert.equal(my.starttls?.observation.upgraded, true);
  });

  test('a closed port is an error in the observation, not an exception', async () => {
    const obs = await probePosture({ target: 'closed', host: '127.0.0.1', port: 1, protocol: null }, OPTIONS);
    assert.equal(obs.error?.code, 'MG_ERR_CONNECT');
  });
});
