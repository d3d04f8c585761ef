/**
 * Sans-IO application sessions for the hostile endpoint: bytes from the client in, bytes to send and observed events
 * out. A session never touches a socket; `../connection.ts` does the I/O, including the TLS upgrade a session asks for.
 */
import type { MitmError } from '../../errors.js';
import type { AppEventKind } from '../types.js';

/** How the server side answers STARTTLS (or the PostgreSQL SSLRequest). */
export type StartTlsPolicy = 'offer' | 'refuse' | 'absent';

export interface SessionPolicy {
  /** true when the bytes this session sees already travel inside TLS (implicit TLS, or after an upgrade). */
  tls: boolean;
  startTls: StartTlsPolicy;
}

/** An event as a session reports it; `secret` holds raw bytes only until the connection redacts them. */
export interface SessionEvent {
  kind: AppEventKind;
  summary: string;
  significant: boolean;
  secret?: Uint8Array;
}

export interface SessionOutput {
  send: Uint8Array[];
  events: SessionEvent[];
  /** Switch to TLS after `send` is flushed (STARTTLS accepted). */
  upgrade?: boolean;
  /** Close after `send` is flushed. */
  close?: boolean;
  /** Malformed input or a limit: the connection records it and closes. */
  error?: MitmError;
}

export interface ProtocolSession {
  /** Bytes the server sends first (SMTP, IMAP, POP3 and FTP greet; HTTP, PostgreSQL, Redis wait). */
  greet(): SessionOutput;
  receive(chunk: Uint8Array): SessionOutput;
  /** Called once TLS is up after an upgrade, with the policy now `tls: true`. */
  secured(): SessionOutput;
}

export type SessionFactory = (policy: SessionPolicy) => ProtocolSession;

export const out = (partial: Partial<SessionOutput> = {}): SessionOutput => ({ send: [], events: [], ...partial });

export const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Merge outputs of several steps (one chunk can hold several pipelined commands). */
export function merge(outputs: SessionOutput[]): SessionOutput {
  const m = out();
  for (const o of outputs) {
    m.send.push(...o.send);
    m.events.push(...o.events);
    if (o.upgrade) m.upgrade = true;
    if (o.close) m.close = true;
    if (o.error) m.error = o.error;
  }
  return m;
}
