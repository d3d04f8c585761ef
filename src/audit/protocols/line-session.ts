/**
 * The skeleton the four text protocols share: a greeting, CRLF-framed commands looked up in a table, and
 * continuation lines (SASL, AUTH LOGIN, SMTP DATA) handled by a one-shot `next` step.
 */
import { toMitmError } from '../../errors.js';
import { clientLines, splitCommand } from './lines.js';
import { out, text, type ProtocolSession, type SessionEvent, type SessionOutput, type SessionPolicy } from './types.js';

export interface LineStep {
  reply?: string | string[];
  events?: SessionEvent[];
  upgrade?: boolean;
  close?: boolean;
  /** The next line goes here instead of the command table (a SASL response, a password, a mail body line). */
  next?: (line: string) => LineStep;
}

export interface LineDialect {
  greeting(policy: SessionPolicy): string;
  command(verb: string, rest: string, line: string, policy: SessionPolicy): LineStep;
  /** What to send once TLS is up after STARTTLS (IMAP and SMTP send nothing; the client speaks first). */
  afterUpgrade?(policy: SessionPolicy): string | undefined;
}

const crlf = (r: string | string[]): string => (Array.isArray(r) ? r : [r]).map((l) => `${l}\r\n`).join('');

/** A `ProtocolSession` from a dialect table. */
export function lineSession(dialect: LineDialect, initial: SessionPolicy): ProtocolSession {
  const policy: SessionPolicy = { ...initial };
  let lines = clientLines();
  let next: ((line: string) => LineStep) | undefined;

  const toOutput = (step: LineStep): SessionOutput =>
    out({
      send: step.reply === undefined ? [] : [text(crlf(step.reply))],
      events: step.events ?? [],
      ...(step.upgrade ? { upgrade: true } : {}),
      ...(step.close ? { close: true } : {}),
    });

  return {
    greet: () => out({ send: [text(crlf(dialect.greeting(policy)))] }),
    receive(chunk) {
      const result = out();
      let received: string[];
      try {
        received = lines.push(chunk);
      } catch (err) {
        return out({ error: toMitmError(err, 'MG_ERR_MALFORMED'), close: true });
      }
      for (const line of received) {
        const handler = next;
        next = undefined;
        const { verb, rest } = splitCommand(line);
        const step = handler ? handler(line) : dialect.command(verb, rest, line, policy);
        if (step.next) next = step.next;
        const o = toOutput(step);
        result.send.push(...o.send);
        result.events.push(...o.events);
        if (o.close) return { ...result, close: true };
        if (o.upgrade) {
          // RFC 3207 §4.1 / RFC 2595 §3.1: anything pipelined after STARTTLS is discarded, never honoured.
          lines = clientLines();
          return { ...result, upgrade: true };
        }
      }
      return result;
    },
    secured() {
      policy.tls = true;
      const greeting = dialect.afterUpgrade?.(policy);
      return out(greeting === undefined ? {} : { send: [text(crlf(greeting))] });
    },
  };
}

/** Event helpers, so each dialect reads as a table. */
export const negotiation = (summary: string): SessionEvent => ({ kind: 'negotiation', summary, significant: false });
export const command = (summary: string): SessionEvent => ({ kind: 'command', summary, significant: true });
export const credential = (summary: string, secret: string | Uint8Array): SessionEvent => ({
  kind: 'credential',
  summary,
  significant: true,
  secret: typeof secret === 'string' ? text(secret) : secret,
});
