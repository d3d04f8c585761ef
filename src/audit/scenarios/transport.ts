/**
 * Scenarios that degrade the transport while keeping the baseline certificate: old protocol versions, weak suites,
 * no TLS at all, a stripped or refused STARTTLS, and an http:// link to a host that sent HSTS.
 */
import { issueLeaf } from '../../pki/index.js';
import type { AuditLab } from './lab.js';
import type { ScenarioDefinition, ServedChain } from './types.js';

const baselineChain = (lab: AuditLab): ServedChain => ({ certs: [issueLeaf(lab.labCa, { names: [lab.host], key: lab.leafKey })], key: lab.leafKey });
/** Suites with RSA key exchange need an RSA certificate. */
const rsaChain = (lab: AuditLab): ServedChain => ({ certs: [issueLeaf(lab.labCa, { names: [lab.host], key: lab.rsaLeafKey })], key: lab.rsaLeafKey });

const STARTTLS_PROTOCOLS = ['smtp', 'imap', 'pop3', 'ftp'] as const;
const IMPLICIT_TLS_PROTOCOLS = ['https', 'smtps', 'imaps', 'pop3s', 'ftps', 'redis', 'tls'] as const;

type TransportScenario = Omit<ScenarioDefinition, 'expect'>;

const scenarios: TransportScenario[] = [
  {
    id: 'tls10-only',
    title: 'Server offers TLS 1.0 only',
    description: 'TLS 1.0 is deprecated (RFC 8996): CBC padding oracles, BEAST, SHA-1/MD5 in the PRF. A client that still negotiates it can be held at it.',
    pillar: 'encryption',
    severity: 'medium',
    remediation: 'Set the minimum protocol version to TLS 1.2.',
    references: ['RFC 8996'],
    transport: 'tls',
    chain: baselineChain,
    tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT' },
  },
  {
    id: 'tls11-only',
    title: 'Server offers TLS 1.1 only',
    description: 'TLS 1.1 is deprecated by RFC 8996 for the same reasons as TLS 1.0.',
    pillar: 'encryption',
    severity: 'medium',
    remediation: 'Set the minimum protocol version to TLS 1.2.',
    references: ['RFC 8996'],
    transport: 'tls',
    chain: baselineChain,
    tls: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT' },
  },
  {
    id: 'null-cipher',
    title: 'Server selects a NULL cipher suite (no encryption)',
    description: 'TLS_RSA_WITH_NULL_SHA256 authenticates but does not encrypt: everything after the handshake is readable on the wire.',
    pillar: 'encryption',
    severity: 'critical',
    remediation: 'Never enable NULL suites; use the library default cipher list.',
    references: ['RFC 5246 Appendix A.5'],
    transport: 'tls',
    chain: rsaChain,
    tls: { maxVersion: 'TLSv1.2', ciphers: 'NULL-SHA256:NULL-SHA' },
  },
  {
    id: 'rc4-cipher',
    title: 'Server selects an RC4 cipher suite',
    description: 'RC4 is prohibited in TLS (RFC 7465): its keystream biases leak plaintext.',
    pillar: 'encryption',
    severity: 'high',
    remediation: 'Remove RC4 from the client cipher list.',
    references: ['RFC 7465'],
    transport: 'tls',
    chain: rsaChain,
    tls: { maxVersion: 'TLSv1.2', ciphers: 'RC4-SHA:RC4-MD5' },
  },
  {
    id: '3des-cipher',
    title: 'Server selects a 3DES cipher suite',
    description: '64-bit block ciphers allow Sweet32 birthday attacks on long connections (CVE-2016-2183).',
    pillar: 'encryption',
    severity: 'medium',
    remediation: 'Remove 3DES from the client cipher list.',
    references: ['CVE-2016-2183'],
    transport: 'tls',
    chain: rsaChain,
    tls: { maxVersion: 'TLSv1.2', ciphers: 'DES-CBC3-SHA' },
  },
  {
    id: 'export-cipher',
    title: 'Server selects an EXPORT cipher suite',
    description: 'Export-grade suites (40/56-bit) are broken in real time (FREAK, Logjam).',
    pillar: 'encryption',
    severity: 'critical',
    remediation: 'Remove EXPORT suites; update the TLS library.',
    references: ['CVE-2015-0204', 'CVE-2015-4000'],
    transport: 'tls',
    chain: rsaChain,
    tls: { maxVersion: 'TLSv1.2', ciphers: 'EXP' },
  },
  {
    id: 'plaintext',
    title: 'Plain text where TLS was expected',
    description: 'The server speaks the protocol without TLS on the port where the client expects TLS. A client that falls back sends everything in clear.',
    pillar: 'encryption',
    severity: 'critical',
    remediation: 'Never fall back to plaintext when TLS fails.',
    references: ['RFC 8314 §3'],
    transport: 'plaintext',
    protocols: IMPLICIT_TLS_PROTOCOLS,
  },
  {
    id: 'starttls-not-offered',
    title: 'STARTTLS not offered (stripped)',
    description: 'The capability list omits STARTTLS, as an attacker who strips it would. A client that continues sends credentials in clear.',
    pillar: 'encryption',
    severity: 'critical',
    remediation: 'Require TLS (e.g. curl --ssl-reqd, swaks -tls, an "encryption required" setting); never make STARTTLS opportunistic for credentials.',
    references: ['RFC 3207 §6', 'RFC 2595 §2.2', 'RFC 8314 §3'],
    transport: 'starttls-absent',
    protocols: STARTTLS_PROTOCOLS,
  },
  {
    id: 'starttls-refused',
    title: 'STARTTLS offered but refused',
    description: 'The server advertises the upgrade and then answers it with an error (SMTP 454, IMAP NO, POP3 -ERR, FTP 534, PostgreSQL \'N\'). A client that continues in clear leaks what follows.',
    pillar: 'encryption',
    severity: 'critical',
    remediation: 'Treat a refused upgrade as a failure (PostgreSQL: sslmode=verify-full; mail: TLS required).',
    references: ['RFC 3207 §4', 'PostgreSQL docs §34.19 (sslmode)'],
    transport: 'starttls-refused',
    protocols: [...STARTTLS_PROTOCOLS, 'postgres'],
  },
  {
    id: 'hsts-downgrade',
    title: 'HTTPS downgraded to HTTP for a host that sent HSTS',
    description: 'The baseline answered with Strict-Transport-Security; this scenario hands the client an http:// URL for the same host. An HSTS-aware client upgrades (RFC 6797 §8.3); one that does not sends the request in clear.',
    pillar: 'encryption',
    severity: 'medium',
    remediation: 'Honour HSTS (curl --hsts <file>, a browser, an HSTS-aware HTTP library) or refuse http:// URLs outright.',
    references: ['RFC 6797 §8.3'],
    transport: 'hsts-downgrade',
    protocols: ['https'],
    chain: baselineChain,
  },
];

export const TRANSPORT_SCENARIOS: ScenarioDefinition[] = scenarios.map((s) => ({ ...s, expect: 'reject' }));
