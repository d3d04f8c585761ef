/**
 * Types shared by the STARTTLS dialogues and the I/O wrapper that drives them.
 *
 * A dialogue is sans-IO: bytes from the server go in, bytes to send and a "ready" flag come out. The wrapper in
 * ./upgrade.ts owns the socket, the timeout and the limits; the dialogues own the protocol rules.
 */

/** Every protocol whose plain-text dialogue can be upgraded to TLS in place. */
export const STARTTLS_PROTOCOLS = ['smtp', 'imap', 'pop3', 'ftp', 'ldap', 'xmpp', 'xmpp-server', 'postgres', 'mysql'] as const;
export type StartTlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

export function isStartTlsProtocol(value: string): value is StartTlsProtocol {
  return (STARTTLS_PROTOCOLS as readonly string[]).includes(value);
}

/** What the server said before the upgrade. Plain data: nothing judged here (checks judge it). */
export interface StartTlsObservation {
  protocol: StartTlsProtocol;
  /** The greeting as the server sent it (first line, or the MySQL server version, or the XMPP stream id). */
  banner: string | null;
  /**
   * What the server advertised in plain text, upper-cased where the protocol is case-insensitive:
   * SMTP EHLO keywords (`STARTTLS`, `AUTH PLAIN LOGIN`, `SIZE 10240000`), IMAP CAPABILITY atoms, POP3 CAPA lines,
   * FTP FEAT lines, XMPP stream features, MySQL capability names.
   */
  capabilities: string[];
  /** Whether the server advertised the upgrade (null when the protocol has no advertisement: PostgreSQL, LDAP). */
  startTlsAdvertised: boolean | null;
  /**
   * Authentication the server offered before TLS: SASL mechanisms (`PLAIN`, `LOGIN`), or `LOGIN`/`USER` for
   * plain-text login commands (IMAP without LOGINDISABLED, POP3 USER). Empty when none was offered.
   */
  authBeforeTls: string[];
  /** XMPP: the server marked STARTTLS as `<required/>` (RFC 6120 §5.3.1). null when the protocol has no such flag. */
  tlsRequired: boolean | null;
  /** Whether the server agreed to the upgrade (the socket is then ready for the ClientHello). */
  upgraded: boolean;
  /** The server's final answer to the upgrade request, e.g. `454 TLS not available`, `N`, LDAP result code. */
  upgradeReply: string | null;
  /** Server software version when the protocol states it (MySQL handshake). */
  serverVersion: string | null;
}

/** What a dialogue asks the I/O layer to do after it has been given bytes. */
export interface DialogueOutput {
  /** Bytes to write to the server, in order. */
  send: Uint8Array[];
  /** The server said go ahead: the next bytes on the wire are the client's TLS ClientHello. */
  ready: boolean;
  /** Bytes received after the go-ahead. A TLS server never speaks before the ClientHello, so these are an error. */
  trailing: number;
}

/** A sans-IO STARTTLS dialogue: one instance per connection. */
export interface StartTlsDialogue {
  readonly protocol: StartTlsProtocol;
  /** What the client says first, before reading anything (empty when the server speaks first). */
  start(): DialogueOutput;
  /** Feed bytes read from the server. Throws a MitmError when the server refuses, lies or overflows a limit. */
  receive(bytes: Uint8Array): DialogueOutput;
  /** What has been seen so far (also attached to errors as `details.observation`). */
  observation(): StartTlsObservation;
}

export interface DialogueOptions {
  /** The name the client introduces itself with / asks for (EHLO argument, XMPP `to`). */
  host: string;
  /** The client's own name for EHLO; defaults to `mitmguard.invalid` (RFC 5321 §4.1.4 allows a domain or literal). */
  clientName?: string;
}

export function emptyObservation(protocol: StartTlsProtocol): StartTlsObservation {
  return {
    protocol,
    banner: null,
    capabilities: [],
    startTlsAdvertised: null,
    authBeforeTls: [],
    tlsRequired: null,
    upgraded: false,
    upgradeReply: null,
    serverVersion: null,
  };
}

export const NOTHING: DialogueOutput = Object.freeze({ send: [], ready: false, trailing: 0 }) as DialogueOutput;
