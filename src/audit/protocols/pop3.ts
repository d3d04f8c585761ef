/** POP3 as a hostile server plays it (RFC 1939; CAPA and STLS RFC 2449/2595; AUTH RFC 5034). */
import { decodeBase64Secret } from './lines.js';
import { command, credential, lineSession, negotiation, type LineDialect } from './line-session.js';
import type { SessionFactory, SessionPolicy } from './types.js';

const capa = (policy: SessionPolicy): string[] => [
  '+OK Capability list follows',
  'USER',
  ...(policy.tls || policy.startTls === 'absent' ? [] : ['STLS']),
  'SASL PLAIN',
  '.',
];

const STLS_REPLY = {
  offer: { reply: '+OK Begin TLS negotiation', upgrade: true },
  refuse: { reply: '-ERR TLS not available' },
  absent: { reply: '-ERR Unknown command' },
} as const;

const pop3Dialect: LineDialect = {
  greeting: () => '+OK mitmguard POP3 ready',
  command(verb, rest, _line, policy) {
    switch (verb) {
      case 'CAPA':
        return { reply: capa(policy), events: [negotiation('CAPA')] };
      case 'STLS':
        return policy.tls ? { reply: '-ERR TLS already active' } : { ...STLS_REPLY[policy.startTls], events: [negotiation('STLS')] };
      case 'USER':
        return { reply: '+OK send PASS', events: [credential('USER', rest)] };
      case 'PASS':
        return { reply: '+OK logged in', events: [credential('PASS', rest)] };
      case 'AUTH': {
        const [mech = '', initial] = rest.split(' ');
        if (!mech) return { reply: ['+OK', 'PLAIN', '.'], events: [negotiation('AUTH')] };
        const done = (b64: string) => ({ reply: '+OK logged in', events: [credential(`AUTH ${mech.toUpperCase()}`, decodeBase64Secret(b64))] });
        return initial ? done(initial) : { reply: '+ ', next: done };
      }
      case 'STAT':
        return { reply: '+OK 0 0', events: [command('STAT')] };
      case 'LIST':
      case 'UIDL':
        return { reply: ['+OK 0 messages', '.'], events: [command(verb)] };
      case 'QUIT':
        return { reply: '+OK bye', close: true };
      case 'NOOP':
        return { reply: '+OK' };
      default:
        return { reply: '-ERR no such message', events: [command(verb)] };
    }
  },
};

export const pop3Session: SessionFactory = (policy) => lineSession(pop3Dialect, policy);
