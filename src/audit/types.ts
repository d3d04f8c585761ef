/**
 * The client audit's vocabulary: application protocols, what the hostile endpoint observed on a connection, and the
 * verdict per scenario. Plain data only — the endpoint produces it, `verdict.ts` judges it, `report.ts` prints it.
 */
import type { MitmErrorCode } from '../errors.js';
import type { Finding } from '../model/index.js';
import type { TOOL_NAME } from '../version.js';
import type { ClientHelloFacts } from './client-hello.js';

/** What a captured secret is reduced to the moment it arrives: never the bytes, only a keyed hash and a length range. */
export interface RedactedSecret {
  /** HMAC-SHA-256 under the run's random key (src/audit/redact.ts), 16 hex digits: comparable within one run only. */
  hmac: string;
  /** The length as a power-of-two range, [min, max] bytes. */
  lengthRange: [number, number];
  /** true when the run's canary token (`{token}`) was inside the secret: proof that this client run sent it. */
  containsToken: boolean;
}

export type AppEventKind = 'negotiation' | 'request' | 'credential' | 'command' | 'data';

/** One thing the client sent, as the endpoint understood it. */
export interface AppEvent {
  kind: AppEventKind;
  /** Words a person can verify, never a secret: `GET /audit HTTP/1.1`, `AUTH PLAIN`, `PostgreSQL password message`. */
  summary: string;
  /**
   * Application data an attacker wants (a request, a credential, a query, a mail). Negotiation (EHLO, CAPA, an
   * SSLRequest, a ClientHello on a plaintext port) is not: a client that stops after it leaked nothing.
   */
  significant: boolean;
  /** true when this arrived inside TLS. */
  protected: boolean;
  secret?: RedactedSecret;
}

export interface ClientHandshakeFacts {
  completed: boolean;
  protocol?: string;
  cipher?: string;
  alpn?: string;
  sni?: string;
  /** The TLS error as OpenSSL reported it (`tlsv1 alert unknown ca`), when the handshake failed. */
  error?: string;
  /** What the client offered in its ClientHello (groups, signature schemes, JA4), read off the wire. */
  clientHello?: ClientHelloFacts;
}

/** Everything seen on one TCP connection to one scenario's port. */
export interface ConnectionRecord {
  scenario: string;
  remote: string;
  /** Proxy mode: the `host:port` the client asked to CONNECT to. */
  target?: string;
  openedAt: number;
  closedAt?: number;
  handshake?: ClientHandshakeFacts;
  events: AppEvent[];
  /** Why the endpoint cut the connection, when it did (limit, malformed input, idle timeout). */
  aborted?: { code: MitmErrorCode; message: string };
}

export const SCENARIO_VERDICTS = ['accepted', 'accepted-plaintext', 'rejected', 'inconclusive', 'unavailable', 'skipped'] as const;
/**
 * - `accepted`: the client sent application data over TLS to the forged server.
 * - `accepted-plaintext`: the client sent application data without TLS (plaintext, stripped STARTTLS, HSTS ignored).
 * - `rejected`: the client connected and sent no application data to the scenario.
 * - `inconclusive`: nothing can be concluded (no connection, or the baseline itself failed); `reason` says why.
 * - `unavailable`: the scenario cannot be served here (`reason` says why, e.g. the OpenSSL build lacks RC4).
 * - `skipped`: the scenario does not apply to this run (protocol, or a pin scenario without `--pin`).
 */
export type ScenarioVerdict = (typeof SCENARIO_VERDICTS)[number];

export interface ClientRunFacts {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** Last lines of the client's stderr, with the canary token replaced by `<token>`. */
  stderrTail: string;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  verdict: ScenarioVerdict;
  /** What was observed, in words: the handshake, then every application event, secrets as hash and length. */
  evidence: string;
  reason?: string;
  /** Where the scenario was served (`127.0.0.1:40123`). */
  address?: string;
  connections: number;
  client?: ClientRunFacts;
  /** The first ClientHello this scenario received. */
  clientHello?: ClientHelloFacts;
}

/** The application protocols the hostile endpoint speaks (./protocols/ has one session per protocol). */
export const APP_PROTOCOLS = ['https', 'smtp', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'ftp', 'ftps', 'postgres', 'redis', 'tls'] as const;
export type AppProtocol = (typeof APP_PROTOCOLS)[number];

export type AuditMode = 'exec' | 'listen' | 'proxy';

export interface ScenarioAddress {
  scenario: string;
  title: string;
  address: string;
  url: string;
  proxy?: string;
}

export interface AuditReport {
  tool: typeof TOOL_NAME;
  version: string;
  command: 'audit-client';
  mode: AuditMode;
  protocol: AppProtocol;
  host: string;
  /** The client command as given (exec mode), with no placeholder filled in. */
  client?: string;
  startedAt: string;
  finishedAt: string;
  results: ScenarioResult[];
  findings: Finding[];
  summary: Record<ScenarioResult['verdict'], number> & { forgedAccepted: number };
  /**
   * What the client offered, from the baseline's ClientHello (else the first scenario that received one): groups,
   * signature schemes, JA4 — whether this client is ready for post-quantum key exchange.
   */
  clientHello?: ClientHelloFacts;
}
