import { MitmError } from './errors.js';

/**
 * A bounds-checked big-endian reader over a byte buffer. Every read checks the declared length against what is left,
 * so a parser built on it can never read past a length prefix (RFC 8446 §3.4 vectors) or the end of the input.
 */
export class ByteReader {
  private offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    /** A name for error messages: which structure was being read. */
    readonly context = 'input',
  ) {}

  get position(): number {
    return this.offset;
  }
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) {
      throw new MitmError('MG_ERR_TRUNCATED', `${this.context}: ${what} needs ${n} bytes, ${this.remaining} left`, {
        details: { context: this.context, offset: this.offset, needed: n, remaining: this.remaining },
      });
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return v;
  }
  u24(what = 'u24'): number {
    this.need(3, what);
    const b = this.bytes;
    const v = (b[this.offset]! << 16) | (b[this.offset + 1]! << 8) | b[this.offset + 2]!;
    this.offset += 3;
    return v;
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const b = this.bytes;
    const v = ((b[this.offset]! << 24) >>> 0) + ((b[this.offset + 1]! << 16) | (b[this.offset + 2]! << 8) | b[this.offset + 3]!);
    this.offset += 4;
    return v;
  }
  take(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.offset += n;
  }
  /** A length-prefixed vector (1, 2 or 3 byte length) returned as a sub-reader confined to it. */
  vector(lengthBytes: 1 | 2 | 3, what = 'vector', max = Number.MAX_SAFE_INTEGER): ByteReader {
    const len = lengthBytes === 1 ? this.u8(what) : lengthBytes === 2 ? this.u16(what) : this.u24(what);
    if (len > max) {
      throw new MitmError('MG_ERR_TOO_LARGE', `${this.context}: ${what} length ${len} exceeds limit ${max}`, {
        details: { context: this.context, length: len, limit: max },
      });
    }
    return new ByteReader(this.take(len, what), `${this.context}/${what}`);
  }
  rest(): Uint8Array {
    return this.take(this.remaining);
  }
  /** Fail when anything is left over: a structure that declares its own length must consume it exactly. */
  end(what = this.context): void {
    if (this.remaining !== 0) {
      throw new MitmError('MG_ERR_MALFORMED', `${what}: ${this.remaining} unexpected trailing bytes`, {
        details: { context: this.context, offset: this.offset, trailing: this.remaining },
      });
    }
  }
}

/** A growable big-endian writer with length-prefixed vectors (RFC 8446 §3.4). */
export class ByteWriter {
  private chunks: number[] = [];

  u8(v: number): this {
    this.chunks.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    this.chunks.push((v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  u24(v: number): this {
    this.chunks.push((v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  u32(v: number): this {
    this.chunks.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  bytes(b: Uint8Array | readonly number[]): this {
    for (const x of b) this.chunks.push(x);
    return this;
  }
  /** Write `body` preceded by its length in `lengthBytes` bytes. */
  vector(lengthBytes: 1 | 2 | 3, body: (w: ByteWriter) => void): this {
    const inner = new ByteWriter();
    body(inner);
    const data = inner.finish();
    const max = 2 ** (8 * lengthBytes) - 1;
    if (data.length > max) throw new MitmError('MG_ERR_TOO_LARGE', `vector of ${data.length} bytes exceeds ${max}`);
    if (lengthBytes === 1) this.u8(data.length);
    else if (lengthBytes === 2) this.u16(data.length);
    else this.u24(data.length);
    return this.bytes(data);
  }
  get length(): number {
    return this.chunks.length;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new MitmError('MG_ERR_MALFORMED', 'invalid hex string');
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}

export interface LineFramerOptions {
  /** A name for error messages: whose lines these are (`smtp`, `ftp client`). */
  context: string;
  /** Longest line accepted, line ending excluded. */
  maxLine: number;
  /** Most bytes accepted in all (a dialogue before an upgrade); absent: no bound but the line's. */
  maxTotal?: number;
  /** How a line's bytes become text: UTF-8 (servers' replies) or Latin-1 (byte-exact, for clients' commands). */
  encoding?: 'utf8' | 'latin1';
}

/**
 * Splits a byte stream into lines ended by CRLF or a bare LF, with named limits, so an endless line or an endless
 * dialogue ends in MG_ERR_TOO_LARGE instead of unbounded memory. The one line framer of every text protocol here:
 * the STARTTLS dialogues, the client audit's servers and the lab's SMTP server (RFC 5321 §2.3.8, RFC 9051 §2.2,
 * RFC 1939 §3, RFC 959 §4.1).
 */
export class LineFramer {
  private pending: Buffer = Buffer.alloc(0);
  private total = 0;
  private readonly maxTotal: number;
  private readonly encoding: 'utf8' | 'latin1';

  constructor(private readonly options: LineFramerOptions) {
    this.maxTotal = options.maxTotal ?? Number.POSITIVE_INFINITY;
    this.encoding = options.encoding ?? 'utf8';
  }

  /** Add bytes and return every complete line, without its line ending. */
  push(bytes: Uint8Array): string[] {
    const { context, maxLine } = this.options;
    this.total += bytes.length;
    if (this.total > this.maxTotal) {
      throw new MitmError('MG_ERR_TOO_LARGE', `${context}: more than ${this.maxTotal} bytes in the dialogue`, { details: { limit: this.maxTotal } });
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes);
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf(0x0a, start);
      if (nl < 0) break;
      const end = nl > start && this.pending[nl - 1] === 0x0d ? nl - 1 : nl;
      if (end - start > maxLine) throw new MitmError('MG_ERR_TOO_LARGE', `${context}: a line exceeds ${maxLine} bytes`, { details: { limit: maxLine } });
      lines.push(this.pending.subarray(start, end).toString(this.encoding));
      start = nl + 1;
    }
    this.pending = this.pending.subarray(start);
    if (this.pending.length > maxLine) throw new MitmError('MG_ERR_TOO_LARGE', `${context}: a line exceeds ${maxLine} bytes`, { details: { limit: maxLine } });
    return lines;
  }

  /** Bytes received after the last complete line (must be none at a STARTTLS boundary: RFC 3207 §4.1 injection). */
  get buffered(): number {
    return this.pending.length;
  }
}

/**
 * C0 controls and DEL (ECMA-48 §5.2: ESC starts every terminal control sequence, BEL rings, CR overwrites a line), C1
 * controls (U+0080–U+009F, CSI among them), and the Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069;
 * "Trojan Source"): what peer-supplied text must not carry into a terminal or a page.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a peer (a request line, a certificate subject, a server's reply, a client's stderr) made safe to print:
 * every control character becomes a visible escape (`\x1b`, `\n`, `\u202e`), so a client cannot clear the screen,
 * move the cursor or reorder a line to fake a clean report. Printable text, non-ASCII letters included, is unchanged.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
