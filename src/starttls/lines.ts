import { MitmError } from '../errors.js';

/** RFC 5321 §4.5.3.1.5 caps a reply line at 512 octets; real servers exceed it a little, so allow some slack. */
export const MAX_LINE_BYTES = 4096;
/** The whole plain-text dialogue before the upgrade: greeting, capabilities, replies. */
export const MAX_DIALOGUE_BYTES = 64 * 1024;

/**
 * Splits a byte stream into CRLF (or bare LF) terminated lines with named limits, so an endless line or an endless
 * dialogue ends in MG_ERR_TOO_LARGE instead of unbounded memory.
 */
export class LineFramer {
  private pending = Buffer.alloc(0);
  private total = 0;

  constructor(
    private readonly context: string,
    private readonly maxLine = MAX_LINE_BYTES,
    private readonly maxTotal = MAX_DIALOGUE_BYTES,
  ) {}

  /** Add bytes and return every complete line (without its line ending), decoded as UTF-8. */
  push(bytes: Uint8Array): string[] {
    this.total += bytes.length;
    if (this.total > this.maxTotal) {
      throw new MitmError('MG_ERR_TOO_LARGE', `${this.context}: server sent more than ${this.maxTotal} bytes before the upgrade`, {
        details: { limit: this.maxTotal },
      });
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes);
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf(0x0a, start);
      if (nl < 0) break;
      if (nl - start > this.maxLine) break;
      const end = nl > start && this.pending[nl - 1] === 0x0d ? nl - 1 : nl;
      lines.push(this.pending.subarray(start, end).toString('utf8'));
      start = nl + 1;
    }
    this.pending = this.pending.subarray(start);
    if (this.pending.length > this.maxLine || lines.some((l) => l.length > this.maxLine)) {
      throw new MitmError('MG_ERR_TOO_LARGE', `${this.context}: a line exceeds ${this.maxLine} bytes`, {
        details: { limit: this.maxLine },
      });
    }
    return lines;
  }

  /** Bytes received after the last complete line. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Encode a command line with CRLF (every text protocol here ends lines with CRLF). */
export function commandLine(text: string): Uint8Array {
  return Buffer.from(`${text}\r\n`, 'utf8');
}
