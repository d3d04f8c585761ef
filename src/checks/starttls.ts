/**
 * STARTTLS checks: pure functions over a StartTlsOutcome (src/posture/types.ts) — the plain-text dialogue of one
 * endpoint and how it ended. STARTTLS is opportunistic: whatever a server says before the upgrade, a man in the
 * middle can change, so each finding says what he gains.
 */
import type { StartTlsOutcome } from '../posture/types.js';
import { defineCheck } from './registry.js';

declare module './types.js' {
  interface ObservationMap {
    /** The STARTTLS dialogue of one endpoint (src/starttls), with its error when the upgrade failed. */
    starttls: StartTlsOutcome;
  }
}

const RFC3207 = 'https://www.rfc-editor.org/rfc/rfc3207';
const RFC8314 = 'https://www.rfc-editor.org/rfc/rfc8314';
const STRIPTLS = 'https://www.usenix.org/conference/usenixsecurity15/technical-sessions/presentation/durumeric';

/** Refusals (the server said no) as opposed to failures to talk at all. */
const notOffered = (o: StartTlsOutcome): boolean =>
  o.error?.code === 'MG_ERR_STARTTLS' && o.observation.startTlsAdvertised === false;

/** "smtp: STARTTLS is not offered…": the dialogue's messages already name the protocol; never "smtp: smtp: …". */
const errorText = (o: { protocol: string; error: { message: string } | null }): string => {
  const m = o.error?.message ?? '';
  return m.startsWith(`${o.protocol}: `) ? m : `${o.protocol}: ${m}`;
};

export const starttlsChecks = [
  defineCheck({
    id: 'starttls.not-offered',
    source: 'starttls',
    pillar: 'encryption',
    severity: 'high',
    title: 'STARTTLS is not offered',
    description:
      'The service speaks a protocol that can be upgraded to TLS, but does not offer the upgrade: every session, including credentials and data, crosses the network in clear text.',
    remediation:
      'Configure a certificate and enable STARTTLS (postfix smtpd_tls_security_level=may or encrypt, dovecot ssl=required, PostgreSQL ssl=on, MariaDB ssl-cert/ssl-key, slapd TLSCertificateFile), or move the service to implicit TLS.',
    references: [RFC3207, RFC8314],
    evaluate: (o) => (notOffered(o) ? { evidence: `${errorText(o)}` } : null),
  }),
  defineCheck({
    id: 'starttls.refused',
    source: 'starttls',
    pillar: 'encryption',
    severity: 'high',
    title: 'STARTTLS is advertised but the upgrade is refused',
    description:
      'The server advertises STARTTLS (or is asked for it) but answers the request with an error, so clients that insist on TLS cannot connect and opportunistic clients fall back to clear text.',
    remediation: 'Fix the TLS configuration the server fails to load (certificate, key, permissions) and check its log for the reason it refuses the upgrade.',
    references: [RFC3207],
    evaluate: (o) =>
      o.error?.code === 'MG_ERR_STARTTLS' && !notOffered(o) && o.observation.upgradeReply !== null
        ? { evidence: `${o.protocol}: the server answered ${JSON.stringify(o.observation.upgradeReply)}` }
        : null,
  }),
  defineCheck({
    id: 'starttls.failed',
    source: 'starttls',
    pillar: 'encryption',
    severity: 'medium',
    title: 'The STARTTLS dialogue could not be completed',
    description:
      'The plain-text dialogue ended before the upgrade: the server spoke another protocol, stopped answering, sent endless lines or spoke after its go-ahead. Clients may fall back to clear text or fail.',
    remediation: 'Check that the port runs the expected service and that nothing between client and server rewrites the dialogue.',
    references: [RFC3207],
    evaluate: (o) => (o.error && o.error.code !== 'MG_ERR_STARTTLS' ? { evidence: `${o.error.code}: ${errorText(o)}` } : null),
  }),
  defineCheck({
    id: 'starttls.auth-before-tls',
    source: 'starttls',
    pillar: 'encryption',
    severity: 'medium',
    title: 'Authentication is offered before STARTTLS',
    description:
      'The server offers login mechanisms before the TLS upgrade. A man in the middle who strips the STARTTLS advertisement gets the password in clear text (PLAIN and LOGIN are base64, not encryption).',
    remediation:
      'Offer authentication only after TLS: postfix smtpd_tls_auth_only=yes, dovecot disable_plaintext_auth=yes (or ssl=required), prosody c2s_require_encryption=true, POP3/IMAP without USER/LOGIN before STLS/STARTTLS, FTP refusing USER before AUTH TLS (vsftpd force_local_logins_ssl=YES, ProFTPD TLSRequired on).',
    references: ['https://www.rfc-editor.org/rfc/rfc2595#section-2.3', 'https://www.rfc-editor.org/rfc/rfc4954#section-4', 'https://www.rfc-editor.org/rfc/rfc4217#section-4'],
    evaluate: (o) =>
      o.observation.authBeforeTls.length > 0
        ? { evidence: `${o.protocol}: offered before TLS: ${[...new Set(o.observation.authBeforeTls)].join(', ')}` }
        : null,
  }),
  defineCheck({
    id: 'starttls.xmpp-not-required',
    source: 'starttls',
    pillar: 'encryption',
    severity: 'medium',
    title: 'XMPP server does not require STARTTLS',
    description:
      'The XMPP stream features offer STARTTLS without <required/> (RFC 6120 §5.3.1): a man in the middle can remove the offer and keep the stream in clear text.',
    remediation: 'Require encryption on the stream: prosody c2s_require_encryption = true and s2s_require_encryption = true; ejabberd starttls_required: true.',
    references: ['https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1', STRIPTLS],
    evaluate: (o) =>
      (o.protocol === 'xmpp' || o.protocol === 'xmpp-server') && o.observation.startTlsAdvertised && o.observation.tlsRequired === false
        ? { evidence: `${o.protocol}: <starttls/> is advertised without <required/>` }
        : null,
  }),
];
