/**
 * Mutual-TLS checks over an MtlsObservation. Whether a target must require client certificates is the policy's
 * call (mTLS zones); these checks state the facts with a default severity a policy can raise.
 */
import { defineCheck } from './registry.js';
import type { MtlsObservation } from '../posture/types.js';

declare module '../checks/types.js' {
  interface ObservationMap {
    /** What a server demands of TLS clients (src/posture probeMtls). */
    mtls: MtlsObservation;
  }
}

const RFC8446_CR = 'https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2';
const NIST_ZT = 'https://csrc.nist.gov/pubs/sp/800/207/final';

/** The versions whose flight carried a CertificateRequest, for evidence ("TLS 1.2 and TLS 1.3"). */
const requestVersions = (o: MtlsObservation): string =>
  [o.requestedOnTls12 ? 'TLS 1.2' : null, o.requestedOnTls13 ? 'TLS 1.3' : null].filter(Boolean).join(' and ') || 'the handshake';
/** The versions whose flight was read at all. */
const seenVersions = (o: MtlsObservation): string =>
  [o.requestedOnTls12 === false ? 'TLS 1.2' : null, o.requestedOnTls13 === false ? 'TLS 1.3' : null].filter(Boolean).join(' or ') || 'TLS 1.2';

export const mtlsChecks = [
  defineCheck({
    id: 'mtls.untrusted-client-certificate-accepted',
    source: 'mtls',
    pillar: 'mutual-auth',
    severity: 'critical',
    title: 'A client certificate from an unknown CA is accepted',
    description:
      'The server asks for a client certificate but completed a handshake with one signed by a throwaway CA: it does not verify the chain, so anyone can mint a certificate with any identity and impersonate a peer.',
    remediation: 'Verify client certificates against your own CA only (nginx ssl_verify_client on + ssl_client_certificate; OpenSSL SSL_VERIFY_PEER with a CA list; never optional_no_ca in production).',
    references: [RFC8446_CR, 'https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_verify_client'],
    evaluate: (o) => (o.untrustedCertificate?.outcome === 'completed' ? { evidence: `${o.untrustedCertificate.version} handshake completed with a client certificate from a throwaway CA` } : null),
  }),
  defineCheck({
    id: 'mtls.client-certificate-optional',
    source: 'mtls',
    pillar: 'mutual-auth',
    severity: 'low',
    title: 'The server requests but does not require a client certificate',
    description: 'Clients without a certificate are let in (nginx ssl_verify_client optional): client authentication holds only if the application checks the result on every request.',
    remediation: 'Require the certificate at the TLS layer (ssl_verify_client on) where every client has one; otherwise make sure the application rejects unauthenticated requests.',
    references: [RFC8446_CR, NIST_ZT],
    evaluate: (o) => (o.requested === true && o.required === false ? { evidence: `CertificateRequest sent on ${requestVersions(o)}${o.certificateRequest?.caNames.length ? ` (acceptable CAs: ${o.certificateRequest.caNames.slice(0, 5).join('; ')})` : ''}, but a handshake without a certificate completed` } : null),
  }),
  defineCheck({
    id: 'mtls.client-certificate-not-requested',
    source: 'mtls',
    pillar: 'mutual-auth',
    severity: 'info',
    title: 'The server does not authenticate clients with certificates',
    description: 'No client certificate is requested. For a service-to-service endpoint any client that reaches it can talk to it; a policy can mark such targets as required to use mTLS.',
    remediation: 'For internal service endpoints, issue client certificates from your private CA and require them (ssl_verify_client on).',
    references: [NIST_ZT],
    evaluate: (o) => (o.requested === false ? { evidence: `no CertificateRequest on ${seenVersions(o)} and a handshake without a certificate completed` } : null),
  }),
  defineCheck({
    id: 'mtls.client-certificate-required',
    source: 'mtls',
    pillar: 'mutual-auth',
    severity: 'info',
    title: 'The server requires a client certificate',
    description: 'Handshakes without a client certificate are refused with an alert: clients must authenticate. Recorded so a policy can confirm mTLS zones.',
    remediation: 'None needed; keep the client CA list to your own CA.',
    references: [RFC8446_CR],
    evaluate: (o) =>
      o.required === true
        ? { evidence: o.withoutCertificate.map((a) => `${a.version}: ${a.outcome}${a.alert ? ` (${a.alert})` : ''}`).join('; ') + (o.certificateRequest?.caNames.length ? `; acceptable CAs: ${o.certificateRequest.caNames.slice(0, 5).join('; ')}` : '') }
        : null,
  }),
];
