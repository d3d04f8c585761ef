/**
 * probePosture: what speaks on a port, is it encrypted, and does it accept authentication or data in plain text.
 * Each question is one short connection; every connection has a deadline and a byte limit.
 */
import { connect as tlsConnect } from 'node:tls';
import { MitmError, toMitmError } from '../errors.js';
import { upgradeToTls, isStartTlsProtocol, type StartTlsObservation, type StartTlsProtocol } from '../starttls/index.js';
import { emptyObservation } from '../starttls/types.js';
import { encodeStartTlsRequest, parseExtendedResponse } from '../starttls/ldap.js';
import { POSTGRES_SSL_REQUEST } from '../starttls/postgres.js';
import { exchange } from './exchange.js';
import { connectTcp } from '../tls/scan/connector.js';
import { probeFtpPlainLogin } from './ftp-plain.js';
import { encodeLoginPacket, judgeLoginAnswer, readScramble } from './mysql-plain.js';
import { encodeStartupMessage, judgePlainStartup, MAX_POSTGRES_ANSWER, parseFirstAnswer } from './postgres-plain.js';
import { judgeRedisReply, REDIS_PING } from './redis-plain.js';
import { bannerLine, classifyBanner, MAX_BANNER_BYTES } from './sniff.js';
import type {
  DetectedService, MysqlPlainFact, PostgresPlainFact, PostureObservation, RedisPlainFact, SniffedProtocol, StartTlsOutcome,
} from './types.js';
import { errorInfo, type ErrorInfo } from '../model/index.js';

/** What the caller knows about the port: a STARTTLS protocol, `redis`, or nothing (sniff). */
export type PostureProtocol = StartTlsProtocol | 'redis';

export interface PostureTarget {
  /** The target as the user named it. */
  target: string;
  host: string;
  port: number;
  protocol: PostureProtocol | null;
  /** Server name for SNI, EHLO and XMPP `to` (defaults to host). */
  name?: string;
}

export interface PostureOptions {
  /** Per-connection deadline. */
  timeoutMs: number;
  /** How long to wait for a server-first greeting when sniffing (default: min(timeoutMs, 1500)). */
  bannerMs?: number;
  signal?: AbortSignal;
  /** MySQL only: an account to prove whether a plain-text login works (require_secure_transport). */
  mysqlCredentials?: { user: string; password: string };
}

const fact = (err: unknown): ErrorInfo => errorInfo(err);

const SERVICE_OF: Record<StartTlsProtocol, SniffedProtocol> = {
  smtp: 'smtp', imap: 'imap', pop3: 'pop3', ftp: 'ftp', ldap: 'ldap', xmpp: 'xmpp', 'xmpp-server': 'xmpp', postgres: 'postgres', mysql: 'mysql',
};
const STARTTLS_OF: Partial<Record<SniffedProtocol, StartTlsProtocol>> = {
  smtp: 'smtp', imap: 'imap', pop3: 'pop3', ftp: 'ftp', ldap: 'ldap', xmpp: 'xmpp', postgres: 'postgres', mysql: 'mysql',
};

/** Run the STARTTLS dialogue and keep the outcome whether it succeeded or not. */
export async function probeStartTls(host: string, port: number, protocol: StartTlsProtocol, name: string, options: PostureOptions): Promise<StartTlsOutcome> {
  const socket = await connectTcp(host, port, options);
  try {
    const observation = await upgradeToTls(socket, protocol, { host: name, timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    return { protocol, observation, error: null };
  } catch (err) {
    const e = toMitmError(err);
    const observation = (e.details?.observation as StartTlsObservation | undefined) ?? emptyObservation(protocol);
    return { protocol, observation, error: { code: e.code, message: e.message } };
  } finally {
    socket.destroy();
  }
}

/** PostgreSQL: a plain StartupMessage for a non-existent role; see ./postgres-plain.ts. */
export async function probePostgresPlain(host: string, port: number, options: PostureOptions): Promise<PostgresPlainFact> {
  const r = await exchange(host, port, encodeStartupMessage(), parseFirstAnswer, { ...options, maxBytes: MAX_POSTGRES_ANSWER + 5 });
  if (!r.value) return { plaintextStartup: 'unknown', answer: r.ended };
  return judgePlainStartup(r.value);
}

/**
 * MySQL: a plain-text login with the given account; see ./mysql-plain.ts. MariaDB answers a plain-text login under
 * require_secure_transport with the same "Access denied" as a wrong password, so a denied plain login is compared
 * with the same login over TLS: denied in clear but accepted over TLS means TLS is required.
 */
export async function probeMysqlPlain(host: string, port: number, creds: { user: string; password: string }, options: PostureOptions): Promise<MysqlPlainFact> {
  const plain = await mysqlLogin(host, port, creds, options, false);
  if (plain.plaintextLogin !== 'unknown' || !/^ERR 1045\b/.test(plain.answer)) return plain;
  const overTls = await mysqlLogin(host, port, creds, options, true).catch(() => null);
  if (overTls?.plaintextLogin === 'accepted') return { plaintextLogin: 'refused', answer: `${plain.answer}; the same login over TLS succeeded` };
  return plain;
}

async function mysqlLogin(host: string, port: number, creds: { user: string; password: string }, options: PostureOptions, useTls: boolean): Promise<MysqlPlainFact> {
  const tcp = await connectTcp(host, port, options);
  let socket: import('node:net').Socket = tcp;
  let seq = 1;
  let salt: Uint8Array | null = null;
  if (useTls) {
    // The login needs the salt from the greeting, which upgradeToTls consumes: tap the bytes as they pass.
    const captured: Buffer[] = [];
    const tap = (b: Buffer) => captured.push(b);
    tcp.on('data', tap);
    try {
      await upgradeToTls(tcp, 'mysql', { host, timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    } finally {
      tcp.off('data', tap);
    }
    const greeting = Buffer.concat(captured);
    salt = readScramble(greeting.subarray(4, 4 + greeting.readUIntLE(0, 3))).salt;
    // rejectUnauthorized: false — this login asks "is TLS required?", the certificate is judged by the scan.
    const secure = tlsConnect({ socket: tcp, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    socket = secure;
    seq = 2;
  }
  try {
    return await new Promise<MysqlPlainFact>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      let sentLogin = false;
      const timer = setTimeout(() => finish({ plaintextLogin: 'unknown', answer: 'timeout' }), options.timeoutMs);
      const finish = (v: MysqlPlainFact | MitmError) => {
        clearTimeout(timer);
        socket.removeAllListeners('data');
        if (v instanceof MitmError) reject(v);
        else resolve(v);
      };
      const sendLogin = (s: Uint8Array) => {
        sentLogin = true;
        const packet = Buffer.from(encodeLoginPacket(creds.user, creds.password, s));
        packet[3] = seq;
        socket.write(packet);
      };
      socket.on('close', () => finish({ plaintextLogin: 'unknown', answer: 'closed' }));
      socket.on('error', () => finish({ plaintextLogin: 'unknown', answer: 'reset' }));
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length > 16_384) return finish(new MitmError('MG_ERR_TOO_LARGE', 'mysql: answer too large'));
        if (buf.length < 4) return;
        const len = buf.readUIntLE(0, 3);
        if (buf.length < 4 + len) return;
        const payload = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        try {
          if (!sentLogin) {
            if (payload[0] === 0xff) return finish(judgeLoginAnswer(payload));
            sendLogin(readScramble(payload).salt);
          } else {
            finish(judgeLoginAnswer(payload));
          }
        } catch (err) {
          finish(toMitmError(err, 'MG_ERR_PROTOCOL'));
        }
      });
      if (salt) sendLogin(salt);
    });
  } finally {
    socket.destroy();
    tcp.destroy();
  }
}

/** Redis: an inline PING on the plain port. */
export async function probeRedisPlain(host: string, port: number, options: PostureOptions): Promise<RedisPlainFact> {
  const r = await exchange(host, port, REDIS_PING, (b) => {
    const text = Buffer.from(b).toString('latin1');
    const nl = text.indexOf('\r\n');
    return nl < 0 ? null : judgeRedisReply(text.slice(0, nl));
  }, { ...options, maxBytes: 4096 });
  return r.value ?? { ping: 'none', answer: r.bytes.length ? bannerLine(r.bytes) : r.ended };
}

/** A TLS handshake from the first byte, accepting any certificate: is this port implicit TLS? */
async function tryTls(host: string, port: number, name: string, options: PostureOptions): Promise<DetectedService | null> {
  const socket = await connectTcp(host, port, options);
  return new Promise<DetectedService | null>((resolve) => {
    const servername = /^[\d.]+$|:/.test(name) ? undefined : name;
    // rejectUnauthorized: false is deliberate: this asks "is it TLS?", not "is the certificate valid?" (the scan does that).
    const t = tlsConnect({ socket, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
    const timer = setTimeout(() => done(null), options.timeoutMs);
    const done = (v: DetectedService | null) => {
      clearTimeout(timer);
      t.destroy();
      socket.destroy();
      resolve(v);
    };
    t.once('secureConnect', () => done({ protocol: 'tls', encrypted: true, via: 'tls-handshake', banner: t.getProtocol() }));
    // A TLS alert is also TLS speaking (e.g. a server that demands SNI or a client certificate).
    t.once('error', (e: Error & { code?: string }) => done(/alert|SSL_ALERT|ERR_SSL_TLSV1_ALERT/i.test(`${e.code} ${e.message}`) ? { protocol: 'tls', encrypted: true, via: 'tls-handshake', banner: e.message.slice(0, 120) } : null));
  });
}

/** Client-first protocols, asked in turn on fresh connections when no greeting came. */
const CLIENT_FIRST: ReadonlyArray<{ protocol: SniffedProtocol; via: DetectedService['via']; send: (name: string) => Uint8Array; recognise: (b: Uint8Array) => string | null }> = [
  {
    protocol: 'http',
    via: 'http-request',
    send: (name) => Buffer.from(`HEAD / HTTP/1.0\r\nHost: ${name}\r\nUser-Agent: mitmguard\r\n\r\n`),
    recognise: (b) => (b.length >= 5 ? (Buffer.from(b.subarray(0, 5)).toString('latin1') === 'HTTP/' ? bannerLine(b) : '') : null),
  },
  {
    protocol: 'redis',
    via: 'redis-ping',
    send: () => REDIS_PING,
    recognise: (b) => {
      const t = Buffer.from(b).toString('latin1');
      const nl = t.indexOf('\r\n');
      if (nl < 0) return null;
      return judgeRedisReply(t.slice(0, nl)) ? t.slice(0, nl) : '';
    },
  },
  {
    protocol: 'postgres',
    via: 'postgres-sslrequest',
    send: () => POSTGRES_SSL_REQUEST,
    recognise: (b) => (b.length === 1 && (b[0] === 0x53 || b[0] === 0x4e) ? String.fromCharCode(b[0]) : b.length ? '' : null),
  },
  {
    protocol: 'ldap',
    via: 'ldap-starttls',
    send: () => encodeStartTlsRequest(),
    recognise: (b) => {
      try {
        const r = parseExtendedResponse(b);
        return r ? `result ${r.response.resultCode}` : null;
      } catch {
        return '';
      }
    },
  },
];

/** Name what speaks on host:port. */
export async function sniffService(host: string, port: number, name: string, options: PostureOptions): Promise<DetectedService> {
  const bannerMs = options.bannerMs ?? Math.min(options.timeoutMs, 1500);
  const greeting = await exchange(host, port, null, (b) => (b.includes(0x0a) || b.length >= MAX_BANNER_BYTES || (b.length >= 5 && b[3] === 0 && b.length >= 4 + (b[0]! | (b[1]! << 8))) ? b : null), {
    ...options,
    timeoutMs: bannerMs,
    maxBytes: 64 * 1024,
  });
  if (greeting.bytes.length > 0) return classifyBanner(greeting.bytes);
  // A client-first server that does not understand a probe often just waits for more; bound each probe so a wrong
  // guess costs seconds, not the full per-connection timeout.
  const quick = { ...options, timeoutMs: Math.min(options.timeoutMs, bannerMs * 2) };
  const tls = await tryTls(host, port, name, quick).catch(() => null);
  if (tls) return tls;
  for (const probe of CLIENT_FIRST) {
    const r = await exchange(host, port, probe.send(name), (b) => {
      const v = probe.recognise(b);
      return v === null ? null : { v };
    }, { ...quick, maxBytes: 64 * 1024 }).catch(() => null);
    if (r?.value && r.value.v !== '') return { protocol: probe.protocol, encrypted: false, via: probe.via, banner: r.value.v };
  }
  return { protocol: 'unknown', encrypted: false, via: 'none', banner: null };
}

/**
 * Probe one endpoint's posture: sniff the protocol when none is given, run the STARTTLS dialogue where the protocol
 * has one, and ask the plain-text questions (PostgreSQL non-SSL startup, MySQL plain login, Redis PING).
 * Never throws for what the server does; a failure to reach it is recorded in `error`.
 *
 * @example
 * const seen = await probePosture({ target: 'db:5432', host: 'db', port: 5432, protocol: 'postgres' }, { timeoutMs: 5000 });
 * catalogue.run('posture', seen, seen.target);
 */
export async function probePosture(target: PostureTarget, options: PostureOptions): Promise<PostureObservation> {
  const obs: PostureObservation = { target: target.target, host: target.host, port: target.port, service: null, starttls: null, postgres: null, mysql: null, redis: null, error: null };
  const name = target.name ?? target.host;
  try {
    let protocol: PostureProtocol | null = target.protocol;
    if (protocol === null) {
      obs.service = await sniffService(target.host, target.port, name, options);
      protocol = obs.service.protocol === 'redis' ? 'redis' : STARTTLS_OF[obs.service.protocol] ?? null;
    }
    if (protocol && isStartTlsProtocol(protocol)) {
      obs.starttls = await probeStartTls(target.host, target.port, protocol, name, options);
      obs.service ??= { protocol: SERVICE_OF[protocol], encrypted: false, via: 'banner', banner: obs.starttls.observation.banner };
      if (protocol === 'postgres') obs.postgres = await probePostgresPlain(target.host, target.port, options);
      if (protocol === 'mysql' && options.mysqlCredentials) obs.mysql = await probeMysqlPlain(target.host, target.port, options.mysqlCredentials, options);
      if (protocol === 'ftp') {
        obs.ftp = await probeFtpPlainLogin(target.host, target.port, options);
        // USER taken before AUTH TLS is a login offered in clear, like AUTH in an SMTP EHLO before STARTTLS.
        if (obs.ftp.userBeforeTls === 'accepted' && !obs.starttls.observation.authBeforeTls.includes('USER')) {
          obs.starttls.observation.authBeforeTls.push('USER');
        }
      }
    } else if (protocol === 'redis') {
      obs.redis = await probeRedisPlain(target.host, target.port, options);
      obs.service ??= { protocol: 'redis', encrypted: false, via: 'redis-ping', banner: obs.redis.answer };
    }
  } catch (err) {
    obs.error = fact(err);
  }
  return obs;
}
