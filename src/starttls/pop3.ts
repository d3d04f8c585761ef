import { commandLine } from './lines.js';
import { LineDialogue, excerpt, type LineStep } from './line-dialogue.js';

/** A bound on CAPA lines, so a server cannot keep us reading a capability list forever. */
export const MAX_POP3_CAPABILITIES = 256;

type Pop3State = 'greeting' | 'capa-status' | 'capa-list' | 'stls';

/**
 * POP3 STLS (RFC 2595 §4, RFC 2449 CAPA): read `+OK`, ask CAPA (a multi-line list ended by `.`), then STLS and wait
 * for `+OK`. A server without CAPA may still know STLS, so STLS is tried when CAPA fails.
 */
export class Pop3Dialogue extends LineDialogue {
  private state: Pop3State = 'greeting';
  private capaKnown = false;

  constructor() {
    super('pop3');
  }

  private stls(): LineStep {
    if (this.capaKnown && !this.obs.startTlsAdvertised) throw this.fail('MG_ERR_STARTTLS', 'STLS is not in the CAPA list');
    this.state = 'stls';
    return { send: [commandLine('STLS')] };
  }

  protected onLine(line: string): LineStep {
    switch (this.state) {
      case 'greeting':
        if (line.startsWith('-ERR')) throw this.fail('MG_ERR_STARTTLS', `server refused the session: ${excerpt(line)}`);
        if (!line.startsWith('+OK')) throw this.fail('MG_ERR_PROTOCOL', `not a POP3 greeting: ${JSON.stringify(excerpt(line))}`);
        this.obs.banner = excerpt(line, 200);
        this.state = 'capa-status';
        return { send: [commandLine('CAPA')] };
      case 'capa-status':
        if (line.startsWith('+OK')) {
          this.state = 'capa-list';
          this.capaKnown = true;
          this.obs.startTlsAdvertised = false;
          return {};
        }
        if (line.startsWith('-ERR')) return this.stls();
        throw this.fail('MG_ERR_PROTOCOL', `unexpected CAPA answer: ${JSON.stringify(excerpt(line))}`);
      case 'capa-list': {
        if (line === '.') return this.stls();
        // RFC 1939 §3: a line starting with "." in a multi-line response is byte-stuffed.
        const cap = (line.startsWith('..') ? line.slice(1) : line).trim().toUpperCase();
        if (this.obs.capabilities.length >= MAX_POP3_CAPABILITIES) throw this.fail('MG_ERR_TOO_LARGE', 'CAPA list too long');
        this.obs.capabilities.push(cap);
        if (cap === 'STLS') this.obs.startTlsAdvertised = true;
        // RFC 2449 §6.2 USER: plain-text USER/PASS is accepted; §6.3 SASL lists mechanisms.
        if (cap === 'USER') this.obs.authBeforeTls.push('USER');
        if (cap.startsWith('SASL')) this.obs.authBeforeTls.push(...cap.split(/\s+/).slice(1));
        return {};
      }
      case 'stls':
        this.obs.upgradeReply = excerpt(line, 200);
        if (line.startsWith('+OK')) {
          this.obs.startTlsAdvertised ??= true;
          return { ready: true };
        }
        if (!this.capaKnown) this.obs.startTlsAdvertised = false;
        throw this.fail('MG_ERR_STARTTLS', `STLS refused: ${excerpt(line)}`);
    }
  }
}
