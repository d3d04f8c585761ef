/**
 * Observations of an endpoint's posture beyond the TLS handshake: what speaks on a port and whether it is encrypted,
 * the STARTTLS outcome, and plain-text acceptance by databases and caches. Plain data, judged by src/checks/posture.ts
 * and src/checks/starttls.ts.
 */
import type { ErrorInfo } from '../model/index.js';
import type { CertificateRequestFacts } from '../tls/wire/certificate-request.js';
import type { CookieFact } from './cookies.js';
import type { HstsPolicy } from './hsts.js';
import type { MixedContentHint } from './mixed-content.js';
import type { StartTlsObservation, StartTlsProtocol } from '../starttls/index.js';


/** Protocols the sniffer can name. `tls` means a TLS handshake succeeded from the first byte (implicit TLS). */
export const SNIFFED_PROTOCOLS = [
  'tls', 'ssh', 'http', 'smtp', 'imap', 'pop3', 'ftp', 'ldap', 'xmpp', 'postgres', 'mysql', 'redis', 'unknown',
] as const;
export type SniffedProtocol = (typeof SNIFFED_PROTOCOLS)[number];

export interface DetectedService {
  protocol: SniffedProtocol;
  /** True when the bytes on the wire are protected from the first byte (TLS, SSH). */
  encrypted: boolean;
  /** How it was recognised: a greeting the server sent, or the answer to which probe. */
  via: 'banner' | 'tls-handshake' | 'http-request' | 'redis-ping' | 'postgres-sslrequest' | 'ldap-starttls' | 'none';
  /** The first line or a short excerpt of what the server said (printable, bounded). */
  banner: string | null;
}

/** The STARTTLS upgrade as one outcome: what was advertised, and the error when it failed. */
export interface StartTlsOutcome {
  protocol: StartTlsProtocol;
  observation: StartTlsObservation;
  error: ErrorInfo | null;
}

/** PostgreSQL: does the server accept a StartupMessage without SSL (pg_hba `host` rather than `hostssl`)? */
export interface PostgresPlainFact {
  /** accepted: the server went on to authentication or past it; refused: pg_hba rejected "no encryption". */
  plaintextStartup: 'accepted' | 'refused' | 'unknown';
  /** The server's answer in short: `R3` (cleartext password request), `E ClientAuthentication: ...`. */
  answer: string;
}

/** MySQL/MariaDB: can a client log in without TLS (require_secure_transport off)? Needs credentials to prove. */
export interface MysqlPlainFact {
  plaintextLogin: 'accepted' | 'refused' | 'unknown';
  answer: string;
}

/** Redis: does the plain port answer commands? */
export interface RedisPlainFact {
  /** pong: commands run without authentication; noauth: a password is required, but it would travel in clear. */
  ping: 'pong' | 'noauth' | 'error' | 'none';
  answer: string;
}

export interface FtpPlainFact {
  /** accepted: USER before AUTH TLS got 331/332/230, so a password would follow in clear; refused: 530/534 first. */
  userBeforeTls: 'accepted' | 'refused' | 'unknown';
  /** The server's reply in short, e.g. `530 Non-anonymous sessions must use encryption.` */
  answer: string;
}

export interface PostureObservation {
  /** The target as the user named it. */
  target: string;
  host: string;
  port: number;
  /** What speaks on the port (sniffed when the target named no protocol, or confirmed otherwise). */
  service: DetectedService | null;
  starttls: StartTlsOutcome | null;
  postgres: PostgresPlainFact | null;
  mysql: MysqlPlainFact | null;
  redis: RedisPlainFact | null;
  /** FTP only: whether USER is taken before AUTH TLS (absent in observations recorded before this probe existed). */
  ftp?: FtpPlainFact | null;
  /** A failure that stopped the probe itself (connect refused, timeout), not a finding about the service. */
  error: ErrorInfo | null;
}

declare module '../model/target.js' {
  interface TargetObservations {
    /** What speaks on the port and what it accepts in the clear (STARTTLS and plain-text targets; src/posture). */
    posture?: PostureObservation | null;
  }
}

/** What probeHttp (./http.ts) saw: the HTTPS landing page and the plain-HTTP redirect chain. */
export interface HttpHop {
  url: string;
  status: number | null;
  location: string | null;
  /** The first Strict-Transport-Security header, raw (RFC 6797 §8.1: only the first counts). */
  hsts: string | null;
  cookies: CookieFact[];
  error: ErrorInfo | null;
}

export interface HttpObservation {
  target: string;
  host: string;
  /** GET / over HTTPS; null when not asked. */
  https: (HttpHop & { policy: HstsPolicy | null; mixedContent: MixedContentHint[] }) | null;
  /** The plain-HTTP chain starting at http://host[:port]/; empty when not asked. */
  httpChain: HttpHop[];
  /** Redirects recorded but not fetched (another host, link-local, another address class), with the reason. */
  redirectsNotFollowed?: Array<{ from: string; to: string; reason: string }>;
}

/** What probeMtls (./mtls.ts) saw. */
export type HandshakeOutcome = 'completed' | 'rejected' | 'failed';

export interface HandshakeAttempt {
  version: 'TLSv1.2' | 'TLSv1.3';
  outcome: HandshakeOutcome;
  /** The alert or error that ended it (e.g. `certificate required`, `handshake failure`), or the HTTP status line. */
  alert: string | null;
  /** With `http`: the status code of `GET /` after the handshake. */
  httpStatus?: number | null;
}

export interface MtlsObservation {
  target: string;
  host: string;
  port: number;
  /** The TLS ≤ 1.2 CertificateRequest, null when the server sent none (or negotiated TLS 1.3 only). */
  certificateRequest: CertificateRequestFacts | null;
  /** null: the server would not negotiate TLS ≤ 1.2, so the request could not be seen. */
  requestedOnTls12: boolean | null;
  /**
   * Whether the TLS 1.3 flight, read by decrypting it with our own key share, carried a CertificateRequest; null when
   * the server speaks no TLS 1.3 or the flight could not be read (absent in observations made before this existed).
   */
  requestedOnTls13?: boolean | null;
  withoutCertificate: HandshakeAttempt[];
  /** A client certificate from a throwaway CA; null when not tried (the server never asked for one). */
  untrustedCertificate: HandshakeAttempt | null;
  /** Derived: the server refuses clients without a certificate (null: could not tell). */
  required: boolean | null;
  /** Derived: the server asks for a certificate (required, or a CertificateRequest was seen). */
  requested: boolean | null;
  error: ErrorInfo | null;
  /** Reads of the CertificateRequest that failed, each with its code (absent when none failed). */
  probeErrors?: Array<{ probe: string } & ErrorInfo>;
}

declare module '../model/target.js' {
  interface TargetObservations {
    /** HTTPS landing page and the plain-HTTP redirect chain: HSTS, redirects, cookies (web targets; src/posture). */
    http?: HttpObservation | null;
    /** Whether a client certificate is requested, required, and checked (src/posture/mtls.ts). */
    mtls?: MtlsObservation | null;
  }
}
