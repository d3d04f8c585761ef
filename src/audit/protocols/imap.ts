/**
 * IMAP as a hostile server plays it (RFC 9051; STARTTLS §6.2.1, LOGIN §6.2.3, AUTHENTICATE §6.2.2). Literal
 * arguments (`{n}`) are answered with a continuation and the next line taken as the rest of the command.
 */
import { decodeBase64Secret } from './lines.js';
import { command, credential, lineSession, negotiation, type LineDialect, type LineStep } from './line-session.js';
import type { SessionFactory, SessionPolicy } from './types.js';

const capabilities = (policy: SessionPolicy): string =>
  ['IMAP4rev1', ...(policy.tls || policy.startTls === 'absent' ? [] : ['STARTTLS']), 'AUTH=PLAIN', 'LITERAL+'].join(' ');

/** Commands that only negotiate; everything else after the greeting is application data. */
const NEGOTIATION = new Set(['CAPABILITY', 'NOOP', 'LOGOUT', 'ID', 'ENABLE', 'STARTTLS']);

const LITERAL = /\{(\d+)(\+?)\}$/;

function login(tag: string, rest: string): LineStep {
  const m = LITERAL.exec(rest);
  if (!m) return { reply: `${tag} OK [CAPABILITY IMAP4rev1] LOGIN completed`, events: [credential('LOGIN', rest)] };
  // A synchronising literal waits for "+"; LITERAL+ (RFC 7888) does not, but the next line still carries it.
  const collected = rest.slice(0, m.index);
  return {
    ...(m[2] ? {} : { reply: '+ Ready for literal data' }),
    next: (line) => login(tag, `${collected}${line}`),
  };
}

function imapCommand(tag: string, verb: string, rest: string, policy: SessionPolicy): LineStep {
  switch (verb) {
    case 'CAPABILITY':
      return { reply: [`* CAPABILITY ${capabilities(policy)}`, `${tag} OK CAPABILITY completed`], events: [negotiation('CAPABILITY')] };
    case 'STARTTLS': {
      if (policy.tls) return { reply: `${tag} BAD TLS already active` };
      const replies = {
        offer: { reply: `${tag} OK Begin TLS negotiation now`, upgrade: true },
        refuse: { reply: `${tag} NO [UNAVAILABLE] TLS not available` },
        absent: { reply: `${tag} BAD Unknown command` },
      } as const;
      return { ...replies[policy.startTls], events: [negotiation('STARTTLS')] };
    }
    case 'LOGIN':
      return login(tag, rest);
    case 'AUTHENTICATE': {
      const [mech = '', initial] = rest.split(' ');
      const done = (b64: string): LineStep => ({ reply: `${tag} OK AUTHENTICATE completed`, events: [credential(`AUTHENTICATE ${mech.toUpperCase()}`, decodeBase64Secret(b64))] });
      return initial ? done(initial) : { reply: '+ ', next: done };
    }
    case 'SELECT':
    case 'EXAMINE':
      return { reply: ['* 0 EXISTS', '* 0 RECENT', '* FLAGS (\\Seen)', `${tag} OK [READ-WRITE] ${verb} completed`], events: [command(verb)] };
    case 'LOGOUT':
      return { reply: ['* BYE mitmguard audit logging out', `${tag} OK LOGOUT completed`], close: true };
    default:
      return { reply: `${tag} OK ${verb} completed`, ...(NEGOTIATION.has(verb) ? {} : { events: [command(verb)] }) };
  }
}

const imapDialect: LineDialect = {
  greeting: (policy) => `* OK [CAPABILITY ${capabilities(policy)}] mitmguard IMAP ready`,
  command(_verb, _rest, line, policy) {
    // IMAP lines are "tag VERB args": the line-session split took the tag as the verb.
    const [tag = '*', verb = '', ...args] = line.split(' ');
    if (!verb) return { reply: `${tag} BAD Missing command` };
    return imapCommand(tag, verb.toUpperCase(), args.join(' '), policy);
  },
};

export const imapSession: SessionFactory = (policy) => lineSession(imapDialect, policy);
