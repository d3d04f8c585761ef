import { commandLine } from './lines.js';
import { LineDialogue, excerpt, type LineStep } from './line-dialogue.js';
import type { DialogueOptions } from './types.js';

/** RFC 5321 §4.2: a reply line is a three-digit code, then `-` (more lines follow) or a space/end (last line). */
const REPLY_LINE = /^([2-5]\d\d)(?:([ -])(.*))?$/;

type SmtpState = 'greeting' | 'ehlo' | 'starttls';

/**
 * SMTP STARTTLS (RFC 3207) for ports 25 and 587: read the 220 greeting, send EHLO, read the keywords, send STARTTLS,
 * wait for 220. Multi-line replies are collected until their last line (RFC 5321 §4.2.1).
 */
export class SmtpDialogue extends LineDialogue {
  private state: SmtpState = 'greeting';
  private reply: string[] = [];
  private replyCode = '';

  constructor(private readonly options: DialogueOptions) {
    super('smtp');
  }

  protected onLine(line: string): LineStep {
    const m = REPLY_LINE.exec(line);
    if (!m) {
      throw this.fail('MG_ERR_PROTOCOL', `not an SMTP reply: ${JSON.stringify(excerpt(line))}`, { line: excerpt(line) });
    }
    const [, code, sep, text = ''] = m;
    if (this.reply.length > 0 && code !== this.replyCode) {
      throw this.fail('MG_ERR_PROTOCOL', `reply code changed within a multi-line reply (${this.replyCode} then ${code})`);
    }
    this.replyCode = code!;
    this.reply.push(text);
    if (sep === '-') return {};
    const lines = this.reply;
    this.reply = [];
    return this.onReply(Number(code), lines);
  }

  private onReply(code: number, lines: string[]): LineStep {
    switch (this.state) {
      case 'greeting':
        this.obs.banner = `${code} ${lines[0] ?? ''}`.trim();
        if (code !== 220) throw this.fail('MG_ERR_STARTTLS', `server refused the session: ${excerpt(this.obs.banner)}`);
        this.state = 'ehlo';
        return { send: [commandLine(`EHLO ${this.options.clientName ?? 'mitmguard.invalid'}`)] };
      case 'ehlo': {
        if (code !== 250) throw this.fail('MG_ERR_STARTTLS', `EHLO refused (${code}); the server has no ESMTP, so no STARTTLS`);
        // RFC 5321 §4.1.1.1: the first line is the greeting name, each further line one extension keyword.
        this.obs.capabilities = lines.slice(1).map((l) => l.trim().toUpperCase()).filter(Boolean);
        const auth = this.obs.capabilities.find((k) => k === 'AUTH' || k.startsWith('AUTH ') || k.startsWith('AUTH='));
        this.obs.authBeforeTls = auth ? auth.slice(5).split(/\s+/).filter(Boolean) : [];
        if (auth && this.obs.authBeforeTls.length === 0) this.obs.authBeforeTls = ['AUTH'];
        this.obs.startTlsAdvertised = this.obs.capabilities.includes('STARTTLS');
        if (!this.obs.startTlsAdvertised) throw this.fail('MG_ERR_STARTTLS', 'STARTTLS is not offered in the EHLO reply');
        this.state = 'starttls';
        return { send: [commandLine('STARTTLS')] };
      }
      case 'starttls':
        this.obs.upgradeReply = `${code} ${lines.join(' ')}`.trim();
        if (code !== 220) throw this.fail('MG_ERR_STARTTLS', `STARTTLS refused: ${excerpt(this.obs.upgradeReply)}`);
        return { ready: true };
    }
  }
}
