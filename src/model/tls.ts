/** TLS and certificate facts as the scanner observes them: plain data, judged by src/checks and src/policy. */
import type { MitmErrorCode } from '../errors.js';

export const PROTOCOL_NAMES = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

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

/** One critical suite and whether a completed handshake confirmed it (a ServerHello alone can be an echo). */
export interface SuiteConfirmation {
  version: ProtocolName;
  suite: string;
  confirmed: boolean;
  detail: string;
}

/** A ServerHello whose random carried the RFC 8446 §4.1.3 downgrade sentinel for what the probe offered. */
export interface DowngradeFact {
  /** The probe's version (what was offered at most). */
  probe: ProtocolName;
  sentinel: 'tls12' | 'tls11';
  offered: number;
  negotiated: number;
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
  /** Downgrade sentinels seen; empty when none (absent in reports older than the check). */
  downgrades?: DowngradeFact[];
  /** The critical suites (NULL, EXPORT, anon, DES, RC4) and whether a completed handshake confirmed each. */
  suiteConfirmation?: SuiteConfirmation[];
}
