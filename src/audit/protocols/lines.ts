/**
 * CRLF line framing shared by the text protocols (SMTP RFC 5321 §2.3.8, IMAP RFC 9051 §2.2, POP3 RFC 1939 §3,
 * FTP RFC 959 §4.1). Bounded: a line longer than `maxLine` is an error, not a growing buffer.
 */
import { MitmError } from '../../errors.js';

/** RFC 5321 §4.5.3.1.4 allows 512 octets per command line; IMAP literals aside, 8 KiB is generous for every dialogue. */
export const MAX_LINE_BYTES = 8192;

export class LineBuffer {
  private pending = Buffer.alloc(0);
  constructor(private readonly maxLine = MAX_LINE_BYTES) {}

  /** Complete lines (without the line ending; a bare LF is accepted as clients send it) from the bytes so far. */
  push(chunk: Uint8Array): string[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    for (;;) {
      const lf = this.pending.indexOf(0x0a);
      if (lf < 0) break;
      const end = lf > 0 && this.pending[lf - 1] === 0x0d ? lf - 1 : lf;
      if (end > this.maxLine) throw new MitmError('MG_ERR_TOO_LARGE', `line over ${this.maxLine} bytes`);
      lines.push(this.pending.subarray(0, end).toString('latin1'));
      this.pending = this.pending.subarray(lf + 1);
    }
    if (this.pending.length > this.maxLine) throw new MitmError('MG_ERR_TOO_LARGE', `line over ${this.maxLine} bytes`);
    return lines;
  }

  /** Bytes received after the last complete line (must be empty at a STARTTLS boundary: RFC 3207 §4.1 injection). */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Split `VERB rest` the way every text protocol here does; the verb upper-cased. */
export function splitCommand(line: string): { verb: string; rest: string } {
  const sp = line.indexOf(' ');
  return sp < 0 ? { verb: line.toUpperCase(), rest: '' } : { verb: line.slice(0, sp).toUpperCase(), rest: line.slice(sp + 1) };
}

/** SASL PLAIN (RFC 4616): base64 of `authzid NUL authcid NUL passwd`; returns the decoded bytes as the secret. */
export function decodeBase64Secret(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64.trim(), 'base64'));
}
