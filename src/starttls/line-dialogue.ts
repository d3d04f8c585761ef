import { MitmError, type MitmErrorCode } from '../errors.js';
import { LineFramer } from '../bytes.js';
import { MAX_DIALOGUE_BYTES, MAX_LINE_BYTES } from './lines.js';
import {
  emptyObservation,
  type DialogueOutput,
  type StartTlsDialogue,
  type StartTlsObservation,
  type StartTlsProtocol,
} from './types.js';

/** What a line handler returns: bytes to send, and whether the server just said go ahead. */
export interface LineStep {
  send?: Uint8Array[];
  ready?: boolean;
}

/**
 * The common machinery of the line-oriented dialogues (SMTP, IMAP, POP3, FTP): framing with limits, one handler call
 * per line, and the rule that nothing may follow the server's go-ahead (a TLS server never speaks first; bytes
 * there are either a broken server or an injection, cf. CVE-2011-0411).
 */
export abstract class LineDialogue implements StartTlsDialogue {
  protected readonly obs: StartTlsObservation;
  private readonly framer: LineFramer;
  private isReady = false;

  constructor(readonly protocol: StartTlsProtocol) {
    this.obs = emptyObservation(protocol);
    this.framer = new LineFramer({ context: protocol, maxLine: MAX_LINE_BYTES, maxTotal: MAX_DIALOGUE_BYTES });
  }

  start(): DialogueOutput {
    return { send: [], ready: false, trailing: 0 };
  }

  receive(bytes: Uint8Array): DialogueOutput {
    if (this.isReady) return { send: [], ready: true, trailing: bytes.length };
    const lines = this.framer.push(bytes);
    const send: Uint8Array[] = [];
    for (let i = 0; i < lines.length; i++) {
      const step = this.onLine(lines[i]!);
      if (step.send) send.push(...step.send);
      if (step.ready) {
        this.isReady = true;
        this.obs.upgraded = true;
        const rest = lines.slice(i + 1).reduce((n, l) => n + Buffer.byteLength(l) + 2, 0) + this.framer.buffered;
        return { send, ready: true, trailing: rest };
      }
    }
    return { send, ready: false, trailing: 0 };
  }

  observation(): StartTlsObservation {
    return structuredClone(this.obs);
  }

  /** Handle one complete line from the server. Throw `this.fail(...)` on refusal or a foreign protocol. */
  protected abstract onLine(line: string): LineStep;

  /** A MitmError carrying the observation so far, so callers can report what was advertised even on failure. */
  protected fail(code: MitmErrorCode, message: string, extra: Record<string, unknown> = {}): MitmError {
    return new MitmError(code, `${this.protocol}: ${message}`, { details: { ...extra, observation: this.observation() } });
  }
}

/** Printable excerpt of a server line for messages: bounded and without control characters. */
export function excerpt(line: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
