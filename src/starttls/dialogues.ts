import { FtpDialogue } from './ftp.js';
import { ImapDialogue } from './imap.js';
import { LdapDialogue } from './ldap.js';
import { MysqlDialogue } from './mysql.js';
import { Pop3Dialogue } from './pop3.js';
import { PostgresDialogue } from './postgres.js';
import { SmtpDialogue } from './smtp.js';
import { XmppDialogue } from './xmpp.js';
import type { DialogueOptions, StartTlsDialogue, StartTlsProtocol } from './types.js';

/** One constructor per protocol: the table the I/O wrapper and the posture probes pick from. */
export const DIALOGUES: Record<StartTlsProtocol, (options: DialogueOptions) => StartTlsDialogue> = {
  smtp: (o) => new SmtpDialogue(o),
  imap: () => new ImapDialogue(),
  pop3: () => new Pop3Dialogue(),
  ftp: () => new FtpDialogue(),
  ldap: () => new LdapDialogue(),
  xmpp: (o) => new XmppDialogue('xmpp', o),
  'xmpp-server': (o) => new XmppDialogue('xmpp-server', o),
  postgres: () => new PostgresDialogue(),
  mysql: () => new MysqlDialogue(),
};

/** Default port per STARTTLS protocol (IANA service names): SMTP 25 (submission 587 is the same dialogue). */
export const STARTTLS_DEFAULT_PORTS: Record<StartTlsProtocol, number> = {
  smtp: 25,
  imap: 143,
  pop3: 110,
  ftp: 21,
  ldap: 389,
  xmpp: 5222,
  'xmpp-server': 5269,
  postgres: 5432,
  mysql: 3306,
};
