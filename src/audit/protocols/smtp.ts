/**
 * SMTP as a hostile server plays it (RFC 5321, STARTTLS RFC 3207, AUTH RFC 4954): AUTH is advertised with or
 * without TLS — an attacker baits the credentials — and the mail itself is read to its end and hashed.
 */
import { decodeBase64Secret } from './lines.js';
import { command, credential, lineSession, negotiation, type LineDialect, type LineStep } from './line-session.js';
import type { SessionFactory, SessionPolicy } from './types.js';

/** Bounded mail body: counting stops being useful long before this. */
export const MAX_SMTP_BODY_BYTES = 1024 * 1024;

const STARTTLS_REPLY: Record<SessionPolicy['startTls'], LineStep> = {
  offer: { reply: '220 2.0.0 Ready to start TLS', upgrade: true },
  refuse: { reply: '454 4.7.0 TLS not available due to temporary reason' },
  absent: { reply: '502 5.5.1 Command not implemented' },
};

function ehloLines(policy: SessionPolicy): string[] {
  const caps = ['mitmguard.audit', ...(policy.tls || policy.startTls === 'absent' ? [] : ['STARTTLS']), 'AUTH PLAIN LOGIN', '8BITMIME'];
  return caps.map((c, i) => `250${i === caps.length - 1 ? ' ' : '-'}${c}`);
}

function authLogin(initialUser?: string): LineStep {
  const askPassword = (user: string): LineStep => ({
    reply: '334 UGFzc3dvcmQ6',
    events: [credential('AUTH LOGIN user name', decodeBase64Secret(user))],
    next: (pass) => ({ reply: '235 2.7.0 Authentication successful', events: [credential('AUTH LOGIN password', decodeBase64Secret(pass))] }),
  });
  return initialUser ? askPassword(initialUser) : { reply: '334 VXNlcm5hbWU6', next: askPassword };
}

function readBody(): (line: string) => LineStep {
  let bytes = 0;
  const body: string[] = [];
  const step = (line: string): LineStep => {
    if (line === '.') {
      return { reply: '250 2.0.0 Ok: queued', events: [credential(`message body (${bytes} bytes)`, body.join('\r\n'))] };
    }
    bytes += line.length + 2;
    if (bytes <= MAX_SMTP_BODY_BYTES) body.push(line);
    return { next: step };
  };
  return step;
}

const smtpDialect: LineDialect = {
  greeting: () => '220 mitmguard.audit ESMTP ready',
  command(verb, rest, _line, policy) {
    switch (verb) {
      case 'EHLO':
        return { reply: ehloLines(policy), events: [negotiation('EHLO')] };
      case 'HELO':
        return { reply: '250 mitmguard.audit', events: [negotiation('HELO')] };
      case 'STARTTLS':
        return policy.tls ? { reply: '503 5.5.1 TLS already active' } : { ...STARTTLS_REPLY[policy.startTls], events: [negotiation('STARTTLS')] };
      case 'AUTH': {
        const [mech = '', initial] = rest.split(' ');
        if (mech.toUpperCase() === 'PLAIN') {
          if (initial) return { reply: '235 2.7.0 Authentication successful', events: [credential('AUTH PLAIN', decodeBase64Secret(initial))] };
          return { reply: '334 ', next: (l) => ({ reply: '235 2.7.0 Authentication successful', events: [credential('AUTH PLAIN', decodeBase64Secret(l))] }) };
        }
        if (mech.toUpperCase() === 'LOGIN') return authLogin(initial);
        return { reply: '504 5.5.4 Unrecognized authentication type', events: [command(`AUTH ${mech.toUpperCase()}`)] };
      }
      case 'MAIL':
        return { reply: '250 2.1.0 Ok', events: [command('MAIL FROM')] };
      case 'RCPT':
        return { reply: '250 2.1.5 Ok', events: [command('RCPT TO')] };
      case 'DATA':
        return { reply: '354 End data with <CR><LF>.<CR><LF>', events: [command('DATA')], next: readBody() };
      case 'RSET':
      case 'NOOP':
        return { reply: '250 2.0.0 Ok' };
      case 'QUIT':
        return { reply: '221 2.0.0 Bye', close: true };
      default:
        return { reply: '502 5.5.2 Command not recognized' };
    }
  },
};

export const smtpSession: SessionFactory = (policy) => lineSession(smtpDialect, policy);
