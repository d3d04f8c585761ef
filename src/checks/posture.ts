/**
 * Posture checks beyond the handshake: plain-text services (what speaks on a port and whether it is encrypted,
 * PostgreSQL/MySQL/Redis accepting clear text), HTTP (HSTS, redirects, cookies, mixed content) and mutual TLS.
 * Pure functions over the observations of src/posture.
 */
import type { PostureObservation } from '../posture/types.js';
import { defineCheck } from './registry.js';
import { httpChecks } from './http.js';
import { mtlsChecks } from './mtls.js';

declare module './types.js' {
  interface ObservationMap {
    /** What speaks on one port and whether it accepts clear text (src/posture probePosture). */
    posture: PostureObservation;
  }
}

const OWASP_TRANSPORT = 'https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html';

export const plaintextChecks = [
  defineCheck({
    id: 'posture.plaintext.postgres',
    source: 'posture',
    pillar: 'encryption',
    severity: 'high',
    title: 'PostgreSQL accepts sessions without TLS',
    description:
      'A StartupMessage sent without SSL went on to authentication: pg_hba.conf has a `host` line (not `hostssl`) for this client, so passwords and queries can cross the network in clear text.',
    remediation: 'Replace `host` with `hostssl` in pg_hba.conf (and add `hostnossl all all 0.0.0.0/0 reject`), keep ssl=on, and have clients use sslmode=verify-full.',
    references: ['https://www.postgresql.org/docs/current/auth-pg-hba-conf.html', 'https://www.postgresql.org/docs/current/libpq-ssl.html'],
    evaluate: (o) => (o.postgres?.plaintextStartup === 'accepted' ? { evidence: `a non-SSL startup was answered with ${o.postgres.answer}` } : null),
  }),
  defineCheck({
    id: 'posture.plaintext.mysql',
    source: 'posture',
    pillar: 'encryption',
    severity: 'high',
    title: 'MySQL/MariaDB accepts logins without TLS',
    description:
      'A login in clear text succeeded: require_secure_transport is off, so a client that does not insist on TLS sends its password hash exchange and every query in clear text, and a man in the middle can strip the SSL capability.',
    remediation: 'Set require_secure_transport=ON (and REQUIRE SSL/X509 on accounts), with ssl-cert and ssl-key configured.',
    references: ['https://mariadb.com/kb/en/server-system-variables/#require_secure_transport', 'https://dev.mysql.com/doc/refman/8.0/en/using-encrypted-connections.html'],
    evaluate: (o) => (o.mysql?.plaintextLogin === 'accepted' ? { evidence: `a plain-text login was answered with ${o.mysql.answer}` } : null),
  }),
  defineCheck({
    id: 'posture.plaintext.redis',
    source: 'posture',
    pillar: 'encryption',
    severity: 'high',
    title: 'Redis answers on a plain-text port',
    description:
      'The port speaks Redis without TLS. Without a password anyone on the path can read and write the data set; with one, the AUTH command carries the password in clear text.',
    remediation: 'Serve Redis only on tls-port (port 0 disables the plain port), with tls-auth-clients yes where clients have certificates, and require a password or ACL.',
    references: ['https://redis.io/docs/latest/operate/oss_and_stack/management/security/encryption/'],
    evaluate: (o) => {
      if (!o.redis || o.redis.ping === 'none' || o.redis.ping === 'error') return null;
      return o.redis.ping === 'pong'
        ? { evidence: 'PING answered +PONG without authentication, in clear text', severity: 'critical' }
        : { evidence: `PING answered ${o.redis.answer}: a password is required but travels in clear text` };
    },
  }),
  defineCheck({
    id: 'posture.plaintext.http',
    source: 'posture',
    pillar: 'encryption',
    severity: 'medium',
    title: 'The port speaks plain HTTP',
    description: 'An HTTP request in clear text was answered. Whatever the service serves here a man in the middle can read and change, unless it only redirects to HTTPS (see the http.* checks).',
    remediation: 'Serve the application over HTTPS only; keep port 80 for a redirect to HTTPS and send HSTS over HTTPS.',
    references: [OWASP_TRANSPORT],
    evaluate: (o) => (o.service?.protocol === 'http' && !o.service.encrypted ? { evidence: `answered a clear-text request: ${o.service.banner ?? ''}` } : null),
  }),
  defineCheck({
    id: 'posture.plaintext.unidentified',
    source: 'posture',
    pillar: 'encryption',
    severity: 'medium',
    title: 'The port speaks an unidentified clear-text protocol',
    description: 'The server sent a greeting that is neither TLS nor SSH nor a protocol mitmguard can upgrade: whatever it carries is readable on the path.',
    remediation: 'Identify the service; put it behind TLS (natively, or a TLS terminator) or close the port.',
    references: [OWASP_TRANSPORT],
    evaluate: (o) => (o.service?.protocol === 'unknown' && o.service.banner ? { evidence: `greeting: ${JSON.stringify(o.service.banner)}` } : null),
  }),
  defineCheck({
    id: 'posture.service.unknown',
    source: 'posture',
    pillar: 'encryption',
    severity: 'info',
    title: 'Nothing recognisable answered on the port',
    description: 'No greeting came, no TLS handshake completed, and none of the HTTP, Redis, PostgreSQL or LDAP probes was answered. The port may run a client-first protocol mitmguard does not know.',
    remediation: 'Name the protocol in the target (scheme or --starttls) so the right dialogue is used.',
    references: [],
    evaluate: (o) => (o.service?.protocol === 'unknown' && !o.service.banner ? { evidence: 'no greeting and no answer to TLS, HTTP, Redis, PostgreSQL or LDAP probes' } : null),
  }),
];

export const postureChecks = [...plaintextChecks, ...httpChecks, ...mtlsChecks];
