/**
 * The scan document: what `mitmguard scan --format json` prints and what reports, policy and the store read.
 * Fields are only ever added; a field's meaning never changes.
 */
import type { Finding } from '../checks/types.js';
import type { MitmErrorCode } from '../errors.js';

export const PROTOCOL_NAMES = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

export interface ErrorInfo {
  code: MitmErrorCode;
  message: string;
}

/** One certificate as presented by the server, leaf first. */
export interface CertificateFacts {
  pem: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  sans: string[];
  keyType: string;
  keyBits: number;
  signatureAlgorithm: string;
  sha256: string;
}

export interface TlsFacts {
  protocols: Record<ProtocolName, boolean>;
  /** IANA names per protocol version, in the server's preference order when it has one. */
  cipherSuites: Partial<Record<ProtocolName, string[]>>;
  /** true: the server chooses; false: it follows the client's order; null: could not tell (one suite, or none). */
  serverPreference: Partial<Record<ProtocolName, boolean | null>>;
  /** Named groups (IANA names) the server accepts for key exchange. */
  groups: string[];
  alpn: string[];
  certificates: CertificateFacts[];
  ocspStapled: boolean;
  secureRenegotiation: boolean | null;
  fallbackScsv: boolean | null;
  compression: boolean | null;
  /** Smallest DH prime (bits) in a ServerKeyExchange of a DHE suite; null when no DHE suite was accepted. */
  dhBits?: number | null;
  /** The server asked for a client certificate (CertificateRequest, TLS ≤ 1.2); null when not seen. */
  clientCertificateRequested?: boolean | null;
  /** Probes that failed, each with its error code. A scan still reports what the other probes saw. */
  probeErrors?: Array<{ probe: string; code: MitmErrorCode; message: string }>;
  /** Connections the scan opened for this target. */
  probes?: number;
}

export interface TargetReport {
  /** The target as the user named it. */
  target: string;
  host: string;
  port: number;
  sni?: string;
  /** The IP address connected to instead of resolving `host` (`--resolve`, an inventory entry's `address:`). */
  address?: string;
  /** The STARTTLS protocol run before the ClientHello, when the target needed one. */
  starttls?: string | null;
  ok: boolean;
  error: ErrorInfo | null;
  tls: TlsFacts | null;
  findings: Finding[];
  /** Wall time of this target's scan in milliseconds. */
  durationMs: number;
  /** The presented chain judged by the strict validator (src/x509): trusted, complete, for this name, now. */
  certificateValidation?: import('../x509/assess.js').ChainAssessment | null;
  /** What speaks on the port and what it accepts in the clear (STARTTLS and plain-text targets; src/posture). */
  posture?: import('../posture/types.js').PostureObservation | null;
  /** HTTPS landing page and the plain-HTTP redirect chain: HSTS, redirects, cookies (web targets; src/posture). */
  http?: import('../posture/http.js').HttpObservation | null;
  /** Whether a client certificate is requested, required, and checked (src/posture/mtls.ts). */
  mtls?: import('../posture/mtls.js').MtlsObservation | null;
  /** DNSSEC, CAA and TLSA of the target's name, when the scan was given a resolver (src/dns). */
  dns?: import('../dns/index.js').TargetDnsAssessment | null;
  /** A client target (`client:<name>`): the client audit that judged it — scenarios served and forgeries accepted. */
  clientAudit?: { scenarios: number; forgeriesAccepted: number } | null;
}

export interface ScanDocument {
  tool: 'mitmguard';
  version: string;
  startedAt: string;
  finishedAt: string;
  targets: TargetReport[];
}
