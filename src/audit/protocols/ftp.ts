/**
 * FTP control connection as a hostile server plays it (RFC 959; AUTH TLS, PBSZ, PROT RFC 4217). No data connections:
 * a credential or a transfer command is all the verdict needs.
 */
import { command, credential, lineSession, negotiation, type LineDialect } from './line-session.js';
import type { SessionFactory, SessionPolicy } from './types.js';

const AUTH_REPLY = {
  offer: { reply: '234 Proceed with negotiation.', upgrade: true },
  refuse: { reply: '534 Request denied for policy reasons.' },
  absent: { reply: '502 Command not implemented.' },
} as const;

const feat = (policy: SessionPolicy): string[] => [
  '211-Features:',
  ...(policy.tls || policy.startTls === 'absent' ? [] : [' AUTH TLS']),
  ' PBSZ',
  ' PROT',
  ' UTF8',
  '211 End',
];

/** Replies to commands that need nothing but an answer; `significant` marks those that are application data. */
const SIMPLE: Record<string, { reply: string; significant: boolean }> = {
  PBSZ: { reply: '200 PBSZ=0', significant: false },
  PROT: { reply: '200 Protection level set', significant: false },
  OPTS: { reply: '200 OK', significant: false },
  SYST: { reply: '215 UNIX Type: L8', significant: false },
  NOOP: { reply: '200 OK', significant: false },
  TYPE: { reply: '200 Type set', significant: false },
  PWD: { reply: '257 "/" is the current directory', significant: true },
  CWD: { reply: '250 Directory changed', significant: true },
  EPSV: { reply: '502 Passive mode not offered by the audit', significant: false },
  PASV: { reply: '502 Passive mode not offered by the audit', significant: false },
};

const ftpDialect: LineDialect = {
  greeting: () => '220 mitmguard FTP ready',
  command(verb, rest, _line, policy) {
    if (verb === 'AUTH') return policy.tls ? { reply: '503 TLS already active' } : { ...AUTH_REPLY[policy.startTls], events: [negotiation(`AUTH ${rest.toUpperCase()}`)] };
    if (verb === 'FEAT') return { reply: feat(policy), events: [negotiation('FEAT')] };
    if (verb === 'USER') return { reply: '331 Password required', events: [credential('USER', rest)] };
    if (verb === 'PASS') return { reply: '230 Logged in', events: [credential('PASS', rest)] };
    if (verb === 'QUIT') return { reply: '221 Bye', close: true };
    const simple = SIMPLE[verb];
    if (simple) return { reply: simple.reply, ...(simple.significant ? { events: [command(verb)] } : {}) };
    return { reply: '550 Not available in the audit', events: [command(verb)] };
  },
};

export const ftpSession: SessionFactory = (policy) => lineSession(ftpDialect, policy);
