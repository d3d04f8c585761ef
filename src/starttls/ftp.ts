import { commandLine } from './lines.js';
import { LineDialogue, excerpt, type LineStep } from './line-dialogue.js';

/** RFC 959 §4.2: `ddd-` opens a multi-line reply that ends at a line starting with the same `ddd `. */
const REPLY_START = /^(\d\d\d)([ -])(.*)$/;
const REPLY_END = /^(\d\d\d)(?: (.*))?$/;

/** One complete FTP reply: its code, the text of its first line and any middle lines, and its last line's text. */
export interface FtpReply {
  code: number;
  lines: string[];
  last: string;
}

/**
 * RFC 959 §4.2 reply assembly, one line at a time: `ddd text`, a bare `ddd`, or `ddd-` … `ddd text`. The STARTTLS
 * dialogue and the posture probe's plain-login question both read replies through it; `invalid` builds the error for
 * a line that is no FTP reply (each caller attaches what it knows).
 */
export class FtpReplyAssembler {
  private multi: string | null = null;
  private lines: string[] = [];

  constructor(private readonly invalid: (line: string) => Error) {}

  /** The reply this line completes, or null while a multi-line reply goes on. */
  line(line: string): FtpReply | null {
    if (this.multi !== null) {
      const end = REPLY_END.exec(line);
      if (end && end[1] === this.multi && line.charAt(3) !== '-') {
        const code = Number(this.multi);
        this.multi = null;
        return { code, lines: this.lines, last: end[2] ?? '' };
      }
      this.lines.push(line);
      return null;
    }
    const m = REPLY_START.exec(line) ?? (/^\d\d\d$/.test(line) ? [line, line, ' ', ''] : null);
    if (!m) throw this.invalid(line);
    this.lines = [m[3] ?? ''];
    if (m[2] === '-') {
      this.multi = m[1]!;
      return null;
    }
    return { code: Number(m[1]), lines: this.lines, last: m[3] ?? '' };
  }
}

type FtpState = 'greeting' | 'feat' | 'auth';

/**
 * FTP AUTH TLS (RFC 4217 §4, RFC 2228): read the 220 greeting, ask FEAT (RFC 2389) to record what is advertised,
 * then send AUTH TLS and wait for 234. AUTH TLS is sent even when FEAT is missing: its answer is authoritative.
 */
export class FtpDialogue extends LineDialogue {
  private state: FtpState = 'greeting';
  private readonly replies = new FtpReplyAssembler((line) => this.fail('MG_ERR_PROTOCOL', `not an FTP reply: ${JSON.stringify(excerpt(line))}`));

  constructor() {
    super('ftp');
  }

  protected onLine(line: string): LineStep {
    const reply = this.replies.line(line);
    return reply ? this.onReply(reply.code, reply.lines) : {};
  }

  private onReply(code: number, lines: string[]): LineStep {
    switch (this.state) {
      case 'greeting':
        this.obs.banner = excerpt(`${code} ${lines[0] ?? ''}`.trim(), 200);
        if (code === 120) return {}; // §4.2: "service ready in nnn minutes"; the 220 follows.
        if (code !== 220) throw this.fail(code >= 400 ? 'MG_ERR_STARTTLS' : 'MG_ERR_PROTOCOL', `server refused the session: ${this.obs.banner}`);
        this.state = 'feat';
        return { send: [commandLine('FEAT')] };
      case 'feat':
        if (code === 211) {
          this.obs.capabilities = lines.slice(1).map((l) => l.trim().toUpperCase()).filter(Boolean);
          this.obs.startTlsAdvertised = this.obs.capabilities.some((c) => c === 'AUTH TLS' || (c.startsWith('AUTH ') && c.split(/[\s;]+/).includes('TLS')));
        }
        // FEAT does not say whether USER/PASS is refused before AUTH TLS (vsftpd force_local_logins_ssl); only a login
        // attempt would, so nothing is recorded here rather than a guess.
        this.state = 'auth';
        return { send: [commandLine('AUTH TLS')] };
      case 'auth':
        this.obs.upgradeReply = excerpt(`${code} ${lines.join(' ')}`.trim(), 200);
        if (code !== 234) throw this.fail('MG_ERR_STARTTLS', `AUTH TLS refused: ${this.obs.upgradeReply}`);
        this.obs.startTlsAdvertised ??= true;
        return { ready: true };
    }
  }
}
