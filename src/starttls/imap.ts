import { commandLine } from './lines.js';
import { LineDialogue, excerpt, type LineStep } from './line-dialogue.js';

/** RFC 9051 §7.1: untagged status responses; the greeting is OK, PREAUTH or BYE. */
const UNTAGGED = /^\* (OK|PREAUTH|BYE|CAPABILITY|NO|BAD)\b ?(.*)$/i;
const CAPABILITY_CODE = /\[CAPABILITY ([^\]]*)\]/i;

type ImapState = 'greeting' | 'capability' | 'starttls';

/**
 * IMAP STARTTLS (RFC 3501 §6.2.1, RFC 9051 §6.2.1, RFC 2595 §3.1): read the greeting, use its CAPABILITY response
 * code when present (one round trip fewer) or ask CAPABILITY, then send STARTTLS and wait for the tagged OK.
 */
export class ImapDialogue extends LineDialogue {
  private state: ImapState = 'greeting';

  constructor() {
    super('imap');
  }

  private setCapabilities(list: string): void {
    this.obs.capabilities = list.trim().split(/\s+/).filter(Boolean).map((c) => c.toUpperCase());
    const caps = this.obs.capabilities;
    this.obs.startTlsAdvertised = caps.includes('STARTTLS');
    // RFC 3501 §6.2.3: LOGINDISABLED forbids the LOGIN command; without it a client may send a password in clear.
    const sasl = caps.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5));
    this.obs.authBeforeTls = caps.includes('LOGINDISABLED') ? sasl : ['LOGIN', ...sasl];
  }

  private starttls(): LineStep {
    if (!this.obs.startTlsAdvertised) throw this.fail('MG_ERR_STARTTLS', 'STARTTLS is not in the CAPABILITY list');
    this.state = 'starttls';
    return { send: [commandLine('MG2 STARTTLS')] };
  }

  protected onLine(line: string): LineStep {
    if (this.state === 'greeting') {
      const m = UNTAGGED.exec(line);
      if (!m) throw this.fail('MG_ERR_PROTOCOL', `not an IMAP greeting: ${JSON.stringify(excerpt(line))}`);
      this.obs.banner = excerpt(line, 200);
      const kind = m[1]!.toUpperCase();
      if (kind === 'BYE') throw this.fail('MG_ERR_STARTTLS', `server refused the session: ${excerpt(line)}`);
      // RFC 9051 §6.2.1: STARTTLS is only valid in the not-authenticated state; PREAUTH skips it.
      if (kind === 'PREAUTH') throw this.fail('MG_ERR_STARTTLS', 'server pre-authenticated the session, so STARTTLS is not allowed');
      if (kind !== 'OK') throw this.fail('MG_ERR_PROTOCOL', `unexpected IMAP greeting ${kind}`);
      const caps = CAPABILITY_CODE.exec(m[2] ?? '');
      if (caps) {
        this.setCapabilities(caps[1]!);
        return this.starttls();
      }
      this.state = 'capability';
      return { send: [commandLine('MG1 CAPABILITY')] };
    }
    if (line.startsWith('* ')) {
      const m = UNTAGGED.exec(line);
      if (m && m[1]!.toUpperCase() === 'CAPABILITY' && this.state === 'capability') this.setCapabilities(m[2] ?? '');
      if (m && m[1]!.toUpperCase() === 'BYE') throw this.fail('MG_ERR_STARTTLS', `server closed the session: ${excerpt(line)}`);
      return {};
    }
    const tagged = /^(MG[12]) (OK|NO|BAD)\b ?(.*)$/i.exec(line);
    if (!tagged) throw this.fail('MG_ERR_PROTOCOL', `unexpected IMAP line: ${JSON.stringify(excerpt(line))}`);
    const status = tagged[2]!.toUpperCase();
    if (this.state === 'capability') {
      if (status !== 'OK') throw this.fail('MG_ERR_PROTOCOL', `CAPABILITY failed: ${excerpt(line)}`);
      return this.starttls();
    }
    this.obs.upgradeReply = excerpt(line, 200);
    if (status !== 'OK') throw this.fail('MG_ERR_STARTTLS', `STARTTLS refused: ${excerpt(line)}`);
    return { ready: true };
  }
}
