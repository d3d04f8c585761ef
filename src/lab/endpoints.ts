/**
 * The lab endpoints as data: what each serves, the flaw it carries, and what a scan of it must show. The e2e test and
 * the main job read `expected`: each endpoint's flaw must show as these finding ids, under its pillar, with these grades.
 */
import type { Pillar } from '../model/index.js';
import type { Grade } from '../policy/grade.js';
import { LAB_DNS_NAMES } from './dns-names.js';
import type { LeafKind } from './pki.js';

export type LabEndpointKind = 'https' | 'http' | 'http-redirect' | 'smtp' | 'mtls-tunnel';

export interface LabTlsSettings {
  leaf: LeafKind;
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher string for TLS ≤ 1.2. `@SECLEVEL=0` lets Node's OpenSSL serve legacy protocols and small keys. */
  ciphers?: string;
  /** Client certificates: requested (optional) or required (handshake fails without one). */
  clientAuth?: 'requested' | 'required';
  /** Send Strict-Transport-Security on HTTP responses (every HTTPS endpoint but the legacy one, to isolate each flaw). */
  hsts?: boolean;
}

export interface LabEndpoint {
  name: string;
  title: string;
  kind: LabEndpointKind;
  /** The pillar where the flaw shows; null for the good endpoints. */
  pillar: Pillar | null;
  tls?: LabTlsSettings;
  /** SMTP endpoints: TLS settings of the STARTTLS upgrade, or none for a plaintext-only server. */
  smtp?: { starttls: boolean };
  /**
   * A name of the lab DNS zone (src/lab/dns-zone.ts): the endpoint is scanned as `https://<name>:<port>` at address
   * 127.0.0.1, with the lab's DNS server and trust anchor given to the scan's DNS step.
   */
  dnsName?: string;
  /**
   * `mtls-tunnel` endpoints: src/tunnel's server (the library call `mitmguard tunnel server` makes) in front of the
   * named lab endpoint, requiring a client certificate from the lab client CA and speaking TLS to the backend.
   */
  tunnelOf?: string;
  /** Inventory tags and expectations for the scan of the lab. */
  tags: string[];
  expect?: { mtls?: boolean; starttls?: boolean };
  expected: {
    /** Finding ids the current pipeline must report for this endpoint (any others are allowed). */
    findings: string[];
    /** Pillar grades the report must give this endpoint. */
    grades: Partial<Record<Pillar, Grade>>;
    /** The scan is expected to end with this error code (a plaintext service that refuses STARTTLS). */
    scanError?: string;
    /** Finding ids the report must not show for this endpoint (the flaw a fix removes: the tunnelled twin). */
    absent?: string[];
  };
}

const SECLEVEL0 = '@SECLEVEL=0';
/** Mozilla intermediate TLS 1.2 suites for the lab's ECDSA and RSA leaves. */
const MODERN12 = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305';
const MODERN12_RSA = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305';

export const LAB_ENDPOINTS: LabEndpoint[] = [
  {
    name: 'modern',
    title: 'Modern and good: TLS 1.2 and 1.3, ECDSA P-256, AEAD suites only, HSTS',
    kind: 'https',
    pillar: null,
    tls: { leaf: 'good', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    tags: ['web', 'good'],
    expected: { findings: [], grades: { encryption: 'A+', certificates: 'A' } },
  },
  {
    name: 'tls13-only',
    title: 'TLS 1.3 only',
    kind: 'https',
    pillar: null,
    tls: { leaf: 'good', minVersion: 'TLSv1.3', hsts: true },
    tags: ['web', 'good'],
    expected: { findings: [], grades: { encryption: 'A+', certificates: 'A' } },
  },
  {
    name: 'legacy',
    title: 'Legacy protocols (TLS 1.0, 1.1) and weak suites (RSA key transport, CBC-SHA1)',
    kind: 'https',
    pillar: 'encryption',
    tls: { leaf: 'rsa', minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: `AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:${SECLEVEL0}` },
    tags: ['web', 'legacy'],
    expected: { findings: ['policy.tls.min-version', 'policy.tls.suite-not-allowed', 'tls.protocol.tls10-enabled', 'tls.protocol.tls11-enabled'], grades: { encryption: 'C' } },
  },
  {
    name: 'expired',
    title: 'Expired certificate (30 days ago)',
    kind: 'https',
    pillar: 'certificates',
    tls: { leaf: 'expired', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    tags: ['web'],
    expected: { findings: ['cert.chain.expired', 'policy.cert.expired'], grades: { certificates: 'T' } },
  },
  {
    name: 'self-signed',
    title: 'Self-signed certificate',
    kind: 'https',
    pillar: 'certificates',
    tls: { leaf: 'self-signed', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    tags: ['web'],
    expected: { findings: ['cert.chain.self-signed'], grades: { encryption: 'A+', certificates: 'T' } },
  },
  {
    name: 'wrong-host',
    title: 'Certificate for another name',
    kind: 'https',
    pillar: 'certificates',
    tls: { leaf: 'wrong-host', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    tags: ['web'],
    expected: { findings: ['cert.chain.hostname-mismatch'], grades: { encryption: 'A+', certificates: 'T' } },
  },
  {
    name: 'incomplete-chain',
    title: 'Incomplete chain: the intermediate is not sent',
    kind: 'https',
    pillar: 'certificates',
    tls: { leaf: 'incomplete-chain', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    tags: ['web'],
    expected: { findings: ['cert.chain.incomplete'], grades: { encryption: 'A+', certificates: 'T' } },
  },
  {
    name: 'weak-key',
    title: 'Weak key: RSA-1024',
    kind: 'https',
    pillar: 'certificates',
    tls: { leaf: 'weak-key', minVersion: 'TLSv1.2', ciphers: `${MODERN12_RSA}:${SECLEVEL0}`, hsts: true },
    tags: ['web'],
    expected: { findings: ['cert.chain.weak-key', 'policy.cert.key-too-small'], grades: { certificates: 'C' } },
  },
  {
    name: 'sha1',
    title: 'SHA-1 certificate signature',
    kind: 'https',
    pillar: 'certificates',
    tls: { leaf: 'sha1', minVersion: 'TLSv1.2', ciphers: `${MODERN12_RSA}:${SECLEVEL0}`, hsts: true },
    tags: ['web'],
    expected: { findings: ['cert.chain.weak-signature', 'policy.cert.signature-hash'], grades: { certificates: 'C' } },
  },
  {
    name: 'mtls-requested',
    title: 'mTLS requested but not required (a client without a certificate gets in)',
    kind: 'https',
    pillar: 'mutual-auth',
    tls: { leaf: 'good', minVersion: 'TLSv1.2', ciphers: MODERN12, clientAuth: 'requested', hsts: true },
    tags: ['api', 'mtls-zone'],
    expect: { mtls: true },
    expected: { findings: ['mtls.untrusted-client-certificate-accepted', 'mtls.client-certificate-optional', 'policy.mtls.not-required'], grades: { 'mutual-auth': 'F' } },
  },
  {
    name: 'mtls-required',
    title: 'mTLS required (the right configuration for an mTLS zone)',
    kind: 'https',
    pillar: null,
    tls: { leaf: 'good', minVersion: 'TLSv1.2', ciphers: MODERN12, clientAuth: 'required', hsts: true },
    tags: ['api', 'mtls-zone'],
    expect: { mtls: true },
    // Encryption stays A: the HSTS header cannot be read without a client certificate.
    expected: { findings: ['mtls.client-certificate-required'], grades: { encryption: 'A', 'mutual-auth': 'A+' } },
  },
  {
    name: 'plain-http',
    title: 'Plain HTTP: no TLS at all',
    kind: 'http',
    pillar: 'encryption',
    tags: ['web'],
    expected: { findings: ['posture.plaintext.http', 'http.redirect.missing', 'policy.tls.plaintext'], grades: { encryption: 'F' } },
  },
  {
    name: 'http-redirect',
    title: 'HTTP that redirects to HTTPS (the first request still travels in plaintext)',
    kind: 'http-redirect',
    pillar: 'encryption',
    tags: ['web'],
    expected: { findings: ['posture.plaintext.http', 'policy.tls.plaintext'], grades: { encryption: 'B' } },
  },
  {
    name: 'smtp-starttls',
    title: 'SMTP with STARTTLS (TLS 1.2 and 1.3 after the upgrade)',
    kind: 'smtp',
    pillar: null,
    tls: { leaf: 'good', minVersion: 'TLSv1.2', ciphers: MODERN12 },
    smtp: { starttls: true },
    tags: ['mail'],
    expect: { starttls: true },
    expected: { findings: [], grades: { encryption: 'A', certificates: 'A' } },
  },
  {
    name: 'smtp-plaintext',
    title: 'SMTP without STARTTLS, offering AUTH in the clear',
    kind: 'smtp',
    pillar: 'encryption',
    smtp: { starttls: false },
    tags: ['mail'],
    expect: { starttls: true },
    expected: { findings: ['starttls.not-offered', 'starttls.auth-before-tls', 'policy.tls.plaintext', 'policy.tls.starttls-required'], grades: { encryption: 'F' }, scanError: 'MG_ERR_STARTTLS' },
  },
  {
    name: 'dns-secure',
    title: 'Name in a DNSSEC-signed zone, with CAA allowing the lab CA and a TLSA record matching the key',
    kind: 'https',
    pillar: null,
    tls: { leaf: 'dns-names', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    dnsName: LAB_DNS_NAMES.secure,
    tags: ['web', 'dns', 'good'],
    // No network finding, so that pillar stays n/a here: the grade counts flaws found (src/policy/grade.ts).
    expected: { findings: [], grades: { encryption: 'A+', certificates: 'A', network: 'A' } },
  },
  {
    name: 'dns-spoofed',
    title: 'DNS answer edited on the path: the A record does not match its DNSSEC signature',
    kind: 'https',
    pillar: 'network',
    tls: { leaf: 'dns-names', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    dnsName: LAB_DNS_NAMES.spoofed,
    tags: ['web', 'dns'],
    expected: { findings: ['dns.dnssec.bogus'], grades: { network: 'F', encryption: 'A+', certificates: 'A' } },
  },
  {
    name: 'dns-insecure',
    title: 'Name in an unsigned zone, delegated without a DS record: its answers can be forged undetected',
    kind: 'https',
    pillar: 'network',
    tls: { leaf: 'dns-names', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    dnsName: LAB_DNS_NAMES.insecure,
    tags: ['web', 'dns'],
    expected: { findings: ['dns.dnssec.insecure'], grades: { network: 'B', encryption: 'A+', certificates: 'A' } },
  },
  {
    name: 'dns-dane-mismatch',
    title: 'Signed TLSA record that matches no key the server presents',
    kind: 'https',
    pillar: 'certificates',
    tls: { leaf: 'dns-names', minVersion: 'TLSv1.2', ciphers: MODERN12, hsts: true },
    dnsName: LAB_DNS_NAMES.dane,
    tags: ['web', 'dns'],
    expected: { findings: ['dns.tlsa.mismatch'], grades: { certificates: 'F', encryption: 'A+' } },
  },
  {
    name: 'mtls-tunnelled',
    title: 'The mtls-requested endpoint behind the mTLS tunnel (src/tunnel): a client certificate from the lab client CA is required',
    kind: 'mtls-tunnel',
    pillar: null,
    tunnelOf: 'mtls-requested',
    tags: ['api', 'mtls-zone', 'tunnel'],
    expect: { mtls: true },
    // The after of mtls-requested's before: required, so no optional-mTLS finding. The tunnel serves TLS 1.3 only.
    expected: {
      findings: ['mtls.client-certificate-required'],
      absent: ['policy.mtls.not-required', 'mtls.client-certificate-optional', 'mtls.untrusted-client-certificate-accepted'],
      grades: { 'mutual-auth': 'A+', certificates: 'A' },
    },
  },
];

/** One expectation of the lab table that a scan did not meet: which endpoint (or lab client), and what was missing. */
export interface ExpectationMiss {
  endpoint: string;
  what: string;
}
