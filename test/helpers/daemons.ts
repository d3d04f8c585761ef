/**
 * Real Debian daemons started on loopback for the integration tests, each with its own generated configuration in a
 * temp dir and its own port: postfix, dovecot, vsftpd, slapd, prosody, PostgreSQL, MariaDB, redis-server, nginx.
 * None runs as a system service; every start returns a handle whose `stop()` kills the process and removes the dir.
 *
 * Private keys are written 0600 (owned by the daemon's user where the daemon insists) and never printed.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chownSync, chmodSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, existsSync, closeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAuthority, issueLeaf, privateKeyPem, EKU, type Authority } from '../../src/pki/index.js';

const run = promisify(execFile);

/** How long a daemon may take to open its port on a busy 2-core machine. */
export const DAEMON_START_TIMEOUT_MS = 60_000;

export interface Daemon {
  name: string;
  /** The address the main listener is bound to (127.0.0.1, or 127.0.0.2 for dovecot). */
  host: string;
  /** The main port; other listeners by name in `ports`. */
  port: number;
  ports: Record<string, number>;
  dir: string;
  /** The CA that signed the daemon's certificate (PEM), to trust in clients. */
  caPem: string;
  /** The last lines of the daemon's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface TlsFiles {
  ca: Authority;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Certificate and key in one file (prosody, some clients). */
  chainFile: string;
}

/** Ask the kernel for a free loopback port (closed again before use; the window is tiny and tests tolerate a retry). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mg-${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}

let sharedCa: Authority | undefined;
/** One throwaway CA per test process signs every daemon's certificate. */
export function testAuthority(): Authority {
  sharedCa ??= createAuthority('mitmguard daemon test CA');
  return sharedCa;
}

/** Write a server certificate for `names` (and its CA) into `dir`; the key is 0600 and owned by `owner` if given. */
export function writeTlsFiles(dir: string, names: string[] = ['localhost', '127.0.0.1'], owner?: string): TlsFiles {
  const ca = testAuthority();
  const leaf = issueLeaf(ca, { names, eku: [EKU.serverAuth, EKU.clientAuth] });
  const caFile = join(dir, 'ca.pem');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  const chainFile = join(dir, 'server-chain.pem');
  writeFileSync(caFile, ca.cert.pem);
  writeFileSync(certFile, leaf.pem + ca.cert.pem);
  writeFileSync(keyFile, privateKeyPem(leaf.keyPair), { mode: 0o600 });
  writeFileSync(chainFile, leaf.pem + privateKeyPem(leaf.keyPair), { mode: 0o600 });
  if (owner) {
    const { uid, gid } = userIds(owner);
    for (const f of [keyFile, chainFile, certFile, caFile]) chownSync(f, uid, gid);
  }
  return { ca, caFile, certFile, keyFile, chainFile };
}

/** Numeric ids of a system user, read from /etc/passwd (no extra package). */
export function userIds(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no such user ${user}`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** Resolve when something accepts TCP on host:port; bounded by `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = DAEMON_START_TIMEOUT_MS, child?: ChildProcess, logFile?: string, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (child && child.exitCode !== null) {
      throw new Error(`daemon exited with ${child.exitCode} before opening port ${port}: ${logFile ? tail(logFile) : ''}`);
    }
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms: ${logFile ? tail(logFile) : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Every daemon this process started and has not seen exit. A test whose setup fails half-way (one of two daemons
 * started) never calls stop() on the survivor, so the process kills them all when it ends, and on SIGTERM/SIGINT from
 * the test runner's per-file deadline. Children are unref'd: a forgotten daemon never keeps a test file alive.
 */
const running = new Set<ChildProcess>();
function killAllDaemons(): void {
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}
process.once('exit', killAllDaemons);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killAllDaemons();
    process.exit(128 + (signal === 'SIGTERM' ? 15 : 2));
  });
}

/** Spawn a foreground daemon with stdout/stderr into `logFile`, in its own process group so stop() reaches children. */
export function spawnDaemon(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true, env });
  closeSync(fd);
  child.on('error', () => {});
  if (child.pid !== undefined) {
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.unref();
  }
  return child;
}

/** SIGTERM the process group, then SIGKILL after a grace period; resolves when the leader has exited. */
export async function killGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function handle(name: string, dir: string, ports: Record<string, number>, main: string, tls: TlsFiles, logFile: string, stop: () => Promise<void>, host = '127.0.0.1'): Daemon {
  return {
    name,
    host,
    port: ports[main]!,
    ports,
    dir,
    caPem: tls.ca.cert.pem,
    log: () => tail(logFile),
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Start a foreground daemon, wait for every port, and build the handle; on failure nothing is left running. */
async function startSimple(name: string, dir: string, tls: TlsFiles, cmd: string, args: string[], ports: Record<string, number>, main: string, hosts: Record<string, string> = {}): Promise<Daemon> {
  const logFile = join(dir, `${name}.log`);
  const child = spawnDaemon(cmd, args, logFile);
  try {
    for (const [n, p] of Object.entries(ports)) await waitForPort(p, DAEMON_START_TIMEOUT_MS, child, logFile, hosts[n] ?? '127.0.0.1');
  } catch (err) {
    await killGroup(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return handle(name, dir, ports, main, tls, logFile, () => killGroup(child), hosts[main] ?? '127.0.0.1');
}


// ---------------------------------------------------------------------------------------------------------------
// redis-server: a plain port and a TLS port (redis 6+ `tls-port`).

export interface RedisOptions {
  tls?: boolean;
  /** requirepass: commands need AUTH first (the password still crosses the plain port in clear). */
  password?: string;
}
export async function startRedis(options: RedisOptions = {}): Promise<Daemon> {
  const dir = tempDir('redis');
  const tls = writeTlsFiles(dir);
  const ports: Record<string, number> = { plain: await freePort() };
  const args = ['--port', String(ports.plain), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'];
  if (options.password) args.push('--requirepass', options.password);
  if (options.tls) {
    ports.tls = await freePort();
    args.push('--tls-port', String(ports.tls), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no');
  }
  return startSimple('redis', dir, tls, 'redis-server', args, ports, 'plain');
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL: initdb once per process into a template dir, copied per start (initdb costs seconds).

const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A data directory made once per process: a temporary directory owned by `user`, filled by `init`, removed at exit;
 * made again if something removed it.
 */
function templateOnce(label: string, user: string, init: (dir: string) => Promise<unknown>): () => Promise<string> {
  // The promise is shared, so two daemons started at once (Promise.all) wait for one init instead of running two.
  let template: Promise<string> | undefined;
  let made: string | undefined;
  return async () => {
    if (template && (made === undefined || existsSync(made))) return template;
    template = (async () => {
      const dir = tempDir(label);
      const { uid, gid } = userIds(user);
      chownSync(dir, uid, gid);
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      await init(dir);
      made = dir;
      return dir;
    })();
    template.catch(() => {
      template = undefined;
    });
    return template;
  };
}

const postgresTemplate = templateOnce('pg-template', 'postgres', (dir) =>
  run('runuser', ['-u', 'postgres', '--', `${PG_BIN}/initdb`, '-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'], { timeout: 120_000 }),
);

export interface PostgresOptions {
  ssl: boolean;
  /** pg_hba: `hostssl` only (plain TCP refused), or `host` (plain and TLS both accepted). */
  hba: 'hostssl' | 'host';
}
export async function startPostgres(options: PostgresOptions): Promise<Daemon> {
  const template = await postgresTemplate();
  const dir = tempDir('pg');
  const { uid, gid } = userIds('postgres');
  await run('cp', ['-a', join(template, 'data'), join(dir, 'data')]);
  const tls = writeTlsFiles(dir, undefined, 'postgres');
  writeFileSync(join(dir, 'data', 'pg_hba.conf'), `local all all trust\n${options.hba} all all 127.0.0.1/32 trust\n`);
  mkdirSync(join(dir, 'sock'));
  chownSync(dir, uid, gid);
  chownSync(join(dir, 'sock'), uid, gid);
  chownSync(join(dir, 'data', 'pg_hba.conf'), uid, gid);
  const port = await freePort();
  const args = [
    '-u', 'postgres', '--', `${PG_BIN}/postgres`, '-D', join(dir, 'data'), '-p', String(port), '-k', join(dir, 'sock'),
    '-c', 'listen_addresses=127.0.0.1', '-c', `ssl=${options.ssl ? 'on' : 'off'}`, '-c', `ssl_cert_file=${tls.certFile}`,
    '-c', `ssl_key_file=${tls.keyFile}`, '-c', 'fsync=off', '-c', 'shared_buffers=8MB', '-c', 'max_connections=20',
  ];
  return startSimple('postgres', dir, tls, 'runuser', args, { pg: port }, 'pg');
}

// ---------------------------------------------------------------------------------------------------------------
// MariaDB: mariadb-install-db once per process, copied per start.

// Each MariaDB gets its own --tmpdir: its temporary tables never live in the shared /tmp, where a CI run once lost one
// half-way through mariadb-install-db ("Error on delete of '/tmp/#sql-temptable-…'").
function mariadbTmp(dir: string): string {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const { uid, gid } = userIds('mysql');
  chownSync(tmp, uid, gid);
  return tmp;
}
const mariadbTemplate = templateOnce('maria-template', 'mysql', (dir) =>
  run('mariadb-install-db', [
    '--no-defaults', `--datadir=${join(dir, 'data')}`, `--tmpdir=${mariadbTmp(dir)}`, '--user=mysql', '--skip-test-db',
    '--auth-root-authentication-method=normal',
  ], { timeout: 120_000 }),
);

export interface MariadbOptions {
  ssl: boolean;
  requireSecureTransport?: boolean;
}
export async function startMariadb(options: MariadbOptions): Promise<Daemon> {
  const template = await mariadbTemplate();
  const dir = tempDir('maria');
  const { uid, gid } = userIds('mysql');
  await run('cp', ['-a', join(template, 'data'), join(dir, 'data')]);
  const tls = writeTlsFiles(dir, undefined, 'mysql');
  chownSync(dir, uid, gid);
  const port = await freePort();
  const args = [
    '--no-defaults', `--datadir=${join(dir, 'data')}`, `--socket=${join(dir, 'mysqld.sock')}`, `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--port=${port}`, '--bind-address=127.0.0.1', '--user=mysql', '--skip-log-bin', '--innodb-buffer-pool-size=8M',
    '--skip-name-resolve', `--log-error=${join(dir, 'error.log')}`, `--tmpdir=${mariadbTmp(dir)}`,
  ];
  if (options.ssl) args.push(`--ssl-cert=${tls.certFile}`, `--ssl-key=${tls.keyFile}`, `--ssl-ca=${tls.caFile}`);
  if (options.requireSecureTransport) args.push('--require-secure-transport=ON');
  return startSimple('mariadb', dir, tls, 'mariadbd', args, { mysql: port }, 'mysql');
}

// ---------------------------------------------------------------------------------------------------------------
// dovecot: IMAP and POP3 (and, for postfix, a SASL auth listener), one static test user.

export interface DovecotOptions {
  /** dovecot `ssl`: no (no STARTTLS), yes (offered), required (plain-text auth refused before TLS). */
  ssl: 'no' | 'yes' | 'required';
  /** dovecot `disable_plaintext_auth`: when false, LOGIN/AUTH PLAIN are advertised before TLS. */
  disablePlaintextAuth?: boolean;
  /** Also listen for postfix SASL on a TCP port (`ports.auth`). */
  authListener?: boolean;
}
/**
 * dovecot treats a connection whose local and remote addresses are equal as secure (plain-text auth allowed, no
 * LOGINDISABLED), which hides exactly what the tests look for; so IMAP/POP3 listen on 127.0.0.2 while clients
 * connect from 127.0.0.1.
 */
export const DOVECOT_HOST = '127.0.0.2';
export async function startDovecot(options: DovecotOptions): Promise<Daemon> {
  const dir = tempDir('dovecot');
  const tls = writeTlsFiles(dir);
  const ports: Record<string, number> = { imap: await freePort(), pop3: await freePort() };
  if (options.authListener) ports.auth = await freePort();
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub), { mode: 0o755 });
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap pop3
listen = ${DOVECOT_HOST}
ssl = ${options.ssl}
${options.ssl === 'no' ? '' : `ssl_cert = <${tls.certFile}\nssl_key = <${tls.keyFile}`}
disable_plaintext_auth = ${options.disablePlaintextAuth === false ? 'no' : 'yes'}
auth_mechanisms = plain login
mail_location = maildir:${dir}/home/%u
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = static
  args = password=not-a-secret
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = ${DOVECOT_HOST}
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = ${DOVECOT_HOST}
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = 0
  }
}
service auth {
${options.authListener ? `  inet_listener auth-postfix {\n    address = 127.0.0.1\n    port = ${ports.auth}\n  }` : ''}
}
`;
  const confFile = join(dir, 'dovecot.conf');
  writeFileSync(confFile, conf);
  return startSimple('dovecot', dir, tls, 'dovecot', ['-F', '-c', confFile], ports, 'imap', { imap: DOVECOT_HOST, pop3: DOVECOT_HOST });
}

// ---------------------------------------------------------------------------------------------------------------
// vsftpd: FTP with or without AUTH TLS.

export interface VsftpdOptions {
  ssl: boolean;
  /** force_local_logins_ssl (vsftpd's default YES): refuse USER before AUTH TLS. */
  forceTlsLogins?: boolean;
}
export async function startVsftpd(options: VsftpdOptions): Promise<Daemon> {
  const dir = tempDir('vsftpd');
  const tls = writeTlsFiles(dir);
  const port = await freePort();
  const conf = [
    'listen=YES',
    'listen_ipv6=NO',
    'listen_address=127.0.0.1',
    `listen_port=${port}`,
    'background=NO',
    'anonymous_enable=NO',
    'local_enable=YES',
    'pasv_enable=NO',
    'seccomp_sandbox=NO',
    'secure_chroot_dir=/var/run/vsftpd/empty',
    `vsftpd_log_file=${dir}/vsftpd.xfer.log`,
    `ssl_enable=${options.ssl ? 'YES' : 'NO'}`,
    `rsa_cert_file=${tls.certFile}`,
    `rsa_private_key_file=${tls.keyFile}`,
    'ssl_sslv2=NO',
    'ssl_sslv3=NO',
    'require_ssl_reuse=NO',
    `force_local_logins_ssl=${options.forceTlsLogins === false ? 'NO' : 'YES'}`,
    '',
  ].join('\n');
  const confFile = join(dir, 'vsftpd.conf');
  writeFileSync(confFile, conf, { mode: 0o600 });
  mkdirSync('/var/run/vsftpd/empty', { recursive: true });
  return startSimple('vsftpd', dir, tls, 'vsftpd', [confFile], { ftp: port }, 'ftp');
}

// ---------------------------------------------------------------------------------------------------------------
// slapd: an empty mdb directory, StartTLS configured or not.

export interface SlapdOptions {
  tls: boolean;
}
export async function startSlapd(options: SlapdOptions): Promise<Daemon> {
  const dir = tempDir('slapd');
  const tls = writeTlsFiles(dir);
  const port = await freePort();
  mkdirSync(join(dir, 'db'));
  const conf = [
    'include /etc/ldap/schema/core.schema',
    `pidfile ${dir}/slapd.pid`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    ...(options.tls ? [`TLSCertificateFile ${tls.certFile}`, `TLSCertificateKeyFile ${tls.keyFile}`, `TLSCACertificateFile ${tls.caFile}`] : []),
    'database mdb',
    'maxsize 10485760',
    'suffix "dc=example,dc=test"',
    `directory ${dir}/db`,
    '',
  ].join('\n');
  const confFile = join(dir, 'slapd.conf');
  writeFileSync(confFile, conf);
  return startSimple('slapd', dir, tls, '/usr/sbin/slapd', ['-d', '0', '-h', `ldap://127.0.0.1:${port}/`, '-f', confFile], { ldap: port }, 'ldap');
}

// ---------------------------------------------------------------------------------------------------------------
// prosody: XMPP client and server streams for one virtual host.

export interface ProsodyOptions {
  /** Offer STARTTLS at all (a certificate is configured). */
  tls: boolean;
  /** c2s_require_encryption / s2s_require_encryption. */
  require?: boolean;
  /** The virtual host name the stream must be addressed to. */
  domain?: string;
}
export async function startProsody(options: ProsodyOptions): Promise<Daemon> {
  const dir = tempDir('prosody');
  const domain = options.domain ?? 'example.test';
  const tls = writeTlsFiles(dir, [domain, 'localhost', '127.0.0.1'], 'prosody');
  const ports = { c2s: await freePort(), s2s: await freePort() };
  mkdirSync(join(dir, 'data'));
  chownSync(join(dir, 'data'), userIds('prosody').uid, userIds('prosody').gid);
  const ssl = options.tls ? `ssl = { certificate = "${tls.certFile}"; key = "${tls.keyFile}"; }` : '';
  const conf = `
daemonize = false
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
log = { { levels = { min = "info" }, to = "file", filename = "${dir}/prosody.log" } }
interfaces = { "127.0.0.1" }
c2s_ports = { ${ports.c2s} }
s2s_ports = { ${ports.s2s} }
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "roster"; "saslauth"; ${options.tls ? '"tls"; ' : ''}"disco"; "ping" }
modules_disabled = { "posix"${options.tls ? '' : '; "tls"'} }
c2s_require_encryption = ${options.require ? 'true' : 'false'}
s2s_require_encryption = ${options.require ? 'true' : 'false'}
s2s_secure_auth = false
allow_unencrypted_plain_auth = ${options.require ? 'false' : 'true'}
authentication = "internal_plain"
storage = "internal"
${ssl}
VirtualHost "${domain}"
${ssl}
`;
  const confFile = join(dir, 'prosody.cfg.lua');
  writeFileSync(confFile, conf);
  chownSync(dir, userIds('prosody').uid, userIds('prosody').gid);
  chownSync(confFile, userIds('prosody').uid, userIds('prosody').gid);
  return startSimple('prosody', dir, tls, 'runuser', ['-u', 'prosody', '--', 'prosody', '-F', '--config', confFile], ports, 'c2s');
}

// ---------------------------------------------------------------------------------------------------------------
// postfix: run as root with its own config directory, queue and data directory in the temp dir (`postfix -c`).
// master.cf is Debian's, with chroot switched off (a chroot would need a copy of /etc in the queue dir) and the
// smtp listener moved to a loopback port.

export interface PostfixOptions {
  starttls: boolean;
  /** Advertise AUTH (SASL through dovecot on `saslPort`) before STARTTLS: smtpd_tls_auth_only = no. */
  saslPort?: number;
  /** Refuse STARTTLS at the command even though it is advertised: a certificate that cannot be loaded. */
  brokenTls?: boolean;
}
export async function startPostfix(options: PostfixOptions): Promise<Daemon> {
  const dir = tempDir('postfix');
  const tls = writeTlsFiles(dir, ['mx.example.test', 'localhost', '127.0.0.1'], 'root');
  const port = await freePort();
  const etc = join(dir, 'etc');
  mkdirSync(etc);
  mkdirSync(join(dir, 'spool'));
  mkdirSync(join(dir, 'data'));
  const { uid, gid } = userIds('postfix');
  chownSync(join(dir, 'data'), uid, gid);
  const master = readFileSync('/etc/postfix/master.cf', 'utf8')
    .split('\n')
    .filter((l) => !/^smtp\s+inet\s/.test(l))
    .map((l) => {
      const f = l.split(/\s+/);
      if (/^[a-z]/.test(l) && f.length >= 8) {
        f[4] = 'n';
        return f.join(' ');
      }
      return l;
    });
  master.unshift(`127.0.0.1:${port} inet n - n - - smtpd`);
  writeFileSync(join(etc, 'master.cf'), master.join('\n'));
  const main = [
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/spool`,
    `data_directory = ${dir}/data`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'myhostname = mx.example.test',
    'mydestination =',
    'smtpd_banner = $myhostname ESMTP mitmguard-test',
    `maillog_file = ${dir}/maillog`,
    `maillog_file_prefixes = ${dir}`,
    'smtpd_relay_restrictions = reject_unauth_destination',
    `smtpd_tls_security_level = ${options.starttls ? 'may' : 'none'}`,
    `smtpd_tls_cert_file = ${options.brokenTls ? `${dir}/missing.pem` : tls.certFile}`,
    `smtpd_tls_key_file = ${options.brokenTls ? `${dir}/missing.key` : tls.keyFile}`,
    'smtpd_tls_auth_only = no',
    ...(options.saslPort
      ? ['smtpd_sasl_auth_enable = yes', 'smtpd_sasl_type = dovecot', `smtpd_sasl_path = inet:127.0.0.1:${options.saslPort}`]
      : ['smtpd_sasl_auth_enable = no']),
    '',
  ].join('\n');
  writeFileSync(join(etc, 'main.cf'), main);
  const logFile = join(dir, 'postfix-start.log');
  const stop = async (): Promise<void> => {
    const pidFile = join(dir, 'spool', 'pid', 'master.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    await run('postfix', ['-c', etc, 'stop'], { timeout: 30_000 }).catch(() => undefined);
    // `postfix stop` returns before the master is gone; wait (bounded) so the temp dir can be removed.
    for (let i = 0; i < 100 && Number.isInteger(pid) && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  };
  try {
    // `postfix start` failed once in a CI run on a loaded machine and passed alone (its own check script, not the
    // daemon): one more start after a stop, with what it said kept for the error.
    const start = () => run('postfix', ['-c', etc, 'start'], { timeout: 60_000 });
    const out = await start().catch(async (first: { stdout?: string; stderr?: string }) => {
      writeFileSync(logFile, `${first.stdout ?? ''}${first.stderr ?? ''}`);
      await stop();
      return start();
    });
    writeFileSync(logFile, out.stdout + out.stderr);
    await waitForPort(port, DAEMON_START_TIMEOUT_MS, undefined, join(dir, 'maillog'));
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return handle('postfix', dir, { smtp: port }, 'smtp', tls, join(dir, 'maillog'), stop);
}

// ---------------------------------------------------------------------------------------------------------------
// nginx: the caller writes the server blocks; placeholders name the ports and the TLS files.

export interface NginxOptions {
  /** Names of the ports to allocate, e.g. ['http', 'https']. */
  ports: string[];
  /** Server blocks, given the ports and TLS files (and the directory, for document roots). */
  servers: (ctx: { ports: Record<string, number>; tls: TlsFiles; dir: string }) => string;
  /** Files to write under the directory before start (document roots). */
  files?: Record<string, string>;
}
export async function startNginx(options: NginxOptions): Promise<Daemon> {
  const dir = tempDir('nginx');
  const tls = writeTlsFiles(dir, ['localhost', '127.0.0.1', 'www.example.test']);
  const ports: Record<string, number> = {};
  for (const name of options.ports) ports[name] = await freePort();
  for (const [rel, body] of Object.entries(options.files ?? {})) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), body);
  }
  const conf = `
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type text/html;
${options.servers({ ports, tls, dir })}
}
`;
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  return startSimple('nginx', dir, tls, 'nginx', ['-p', dir, '-c', confFile, '-e', join(dir, 'error.log')], ports, options.ports[0]!);
}
