/**
 * The application protocols the hostile endpoint speaks, as a table: how TLS starts (implicit, or by a STARTTLS-like
 * upgrade), the session that observes the client, and how a client addresses the endpoint.
 */
import { ftpSession } from './ftp.js';
import { httpSession } from './http.js';
import { imapSession } from './imap.js';
import { pop3Session } from './pop3.js';
import { postgresSession } from './postgres.js';
import { rawSession } from './raw.js';
import { redisSession } from './redis.js';
import { smtpSession } from './smtp.js';
import type { SessionFactory } from './types.js';

import { APP_PROTOCOLS, type AppProtocol } from '../types.js';
export { APP_PROTOCOLS, type AppProtocol } from '../types.js';

export interface ProtocolSpec {
  /** implicit: TLS from the first byte; upgrade: plaintext first, TLS after STARTTLS / AUTH TLS / SSLRequest. */
  tls: 'implicit' | 'upgrade';
  session: SessionFactory;
  /** The `{url}` a client is given; `{host}` and `{port}` are filled in. */
  url: string;
  /** The scheme of the plaintext URL, for the HSTS scenario (https only). */
  plainUrl?: string;
}

export const PROTOCOLS: Record<AppProtocol, ProtocolSpec> = {
  https: { tls: 'implicit', session: httpSession, url: 'https://{host}:{port}/', plainUrl: 'http://{host}:{port}/' },
  smtp: { tls: 'upgrade', session: smtpSession, url: 'smtp://{host}:{port}' },
  smtps: { tls: 'implicit', session: smtpSession, url: 'smtps://{host}:{port}' },
  imap: { tls: 'upgrade', session: imapSession, url: 'imap://{host}:{port}/' },
  imaps: { tls: 'implicit', session: imapSession, url: 'imaps://{host}:{port}/' },
  pop3: { tls: 'upgrade', session: pop3Session, url: 'pop3://{host}:{port}/' },
  pop3s: { tls: 'implicit', session: pop3Session, url: 'pop3s://{host}:{port}/' },
  ftp: { tls: 'upgrade', session: ftpSession, url: 'ftp://{host}:{port}/' },
  ftps: { tls: 'implicit', session: ftpSession, url: 'ftps://{host}:{port}/' },
  postgres: { tls: 'upgrade', session: postgresSession, url: 'postgresql://{host}:{port}/mitmguard' },
  redis: { tls: 'implicit', session: redisSession, url: 'rediss://{host}:{port}' },
  tls: { tls: 'implicit', session: rawSession, url: '{host}:{port}' },
};

export function isAppProtocol(value: string): value is AppProtocol {
  return (APP_PROTOCOLS as readonly string[]).includes(value);
}
