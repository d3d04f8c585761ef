/**
 * A strict DER reader (X.690 §10): definite lengths only, minimal length encodings, no trailing bytes, bounded nesting.
 * Certificates are parsed on it rather than on a lenient BER decoder because a validator that judges other people's
 * certificates must refuse what a strict one refuses, and must keep the exact bytes that were signed.
 */
import { MitmError } from '../errors.js';

/** Named limits for DER input. */
export const DER_LIMITS = {
  /** A certificate or CRL larger than this is refused before parsing. */
  maxInputBytes: 1024 * 1024,
  /** Nesting depth of constructed values we are willing to descend. */
  maxDepth: 32,
} as const;

/** Universal tags used by X.509 (X.690 §8, X.680 §8.4). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One TLV: its tag byte, its content and the whole encoding (tag + length + content). */
export interface Tlv {
  tag: number;
  /** Content octets. */
  value: Uint8Array;
  /** The complete encoding, e.g. the exact signed bytes of a tbsCertificate. */
  raw: Uint8Array;
}

const fail = (context: string, message: string): never => {
  throw new MitmError('MG_ERR_X509_PARSE', `${context}: ${message}`);
};

/** A reader over a sequence of DER TLVs. */
export class DerReader {
  private offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    readonly context = 'DER',
    private readonly depth = 0,
  ) {
    if (depth > DER_LIMITS.maxDepth) fail(context, `nesting deeper than ${DER_LIMITS.maxDepth}`);
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** The tag of the next TLV without consuming it, or -1 at the end. */
  peekTag(): number {
    return this.done ? -1 : this.bytes[this.offset]!;
  }

  /** Read the next TLV, optionally requiring a tag. */
  read(expectTag?: number, what = 'value'): Tlv {
    const b = this.bytes;
    const start = this.offset;
    if (start >= b.length) fail(this.context, `${what} missing (input ended)`);
    const tag = b[start]!;
    // High-tag-number form (X.690 §8.1.2.4) never occurs in X.509 structures we read.
    if ((tag & 0x1f) === 0x1f) fail(this.context, `${what}: high tag numbers are not supported`);
    if (expectTag !== undefined && tag !== expectTag) {
      fail(this.context, `${what}: expected tag 0x${expectTag.toString(16)}, found 0x${tag.toString(16)}`);
    }
    let pos = start + 1;
    if (pos >= b.length) fail(this.context, `${what}: length missing`);
    const first = b[pos++]!;
    let length: number;
    if (first < 0x80) length = first;
    else if (first === 0x80) return fail(this.context, `${what}: indefinite length is not DER (X.690 §10.1)`);
    else {
      const n = first & 0x7f;
      if (n > 4) fail(this.context, `${what}: length of ${n} octets is absurd`);
      if (pos + n > b.length) fail(this.context, `${what}: length truncated`);
      if (b[pos] === 0) fail(this.context, `${what}: length not minimally encoded (X.690 §10.1)`);
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + b[pos++]!;
      if (length < 0x80) fail(this.context, `${what}: long-form length for a short value (X.690 §10.1)`);
    }
    if (length > b.length - pos) fail(this.context, `${what}: declares ${length} bytes, ${b.length - pos} left`);
    const value = b.subarray(pos, pos + length);
    this.offset = pos + length;
    return { tag, value, raw: b.subarray(start, this.offset) };
  }

  /** Read a constructed TLV and return a reader over its content. */
  enter(expectTag: number, what = 'SEQUENCE'): DerReader {
    const t = this.read(expectTag, what);
    if ((t.tag & 0x20) === 0) fail(this.context, `${what} is not constructed`);
    return new DerReader(t.value, `${this.context}/${what}`, this.depth + 1);
  }

  /** Read the next TLV only when it has the given tag. */
  optional(tag: number, what?: string): Tlv | undefined {
    return this.peekTag() === tag ? this.read(tag, what) : undefined;
  }

  /** Fail when bytes are left: every X.509 structure declares its own length. */
  end(what = this.context): void {
    if (!this.done) fail(this.context, `${this.bytes.length - this.offset} trailing bytes after ${what}`);
  }
}

/** A reader over the content of a TLV (for a constructed value already read). */
export function readerOf(t: Tlv, context: string): DerReader {
  if ((t.tag & 0x20) === 0) fail(context, 'value is not constructed');
  return new DerReader(t.value, context);
}

/** Parse exactly one TLV from `bytes`, failing on trailing data. */
export function parseOne(bytes: Uint8Array, expectTag: number, context: string): Tlv {
  if (bytes.length > DER_LIMITS.maxInputBytes) {
    throw new MitmError('MG_ERR_TOO_LARGE', `${context}: ${bytes.length} bytes exceeds ${DER_LIMITS.maxInputBytes}`);
  }
  const r = new DerReader(bytes, context);
  const t = r.read(expectTag, context);
  r.end();
  return t;
}

/** OBJECT IDENTIFIER content to dotted form (X.690 §8.19), rejecting non-minimal sub-identifiers. */
export function decodeOid(value: Uint8Array, context = 'OID'): string {
  if (value.length === 0) fail(context, 'empty OBJECT IDENTIFIER');
  const parts: number[] = [];
  let acc = 0;
  let fresh = true;
  for (const byte of value) {
    if (fresh && byte === 0x80) fail(context, 'OBJECT IDENTIFIER sub-identifier not minimal');
    acc = acc * 128 + (byte & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) fail(context, 'OBJECT IDENTIFIER sub-identifier too large');
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      parts.push(acc);
      acc = 0;
    }
  }
  if (!fresh) fail(context, 'OBJECT IDENTIFIER truncated');
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** INTEGER content checks (X.690 §8.3.2): non-empty and minimally encoded. */
export function checkInteger(value: Uint8Array, context: string): void {
  if (value.length === 0) fail(context, 'empty INTEGER');
  if (value.length > 1 && ((value[0] === 0 && (value[1]! & 0x80) === 0) || (value[0] === 0xff && (value[1]! & 0x80) !== 0))) {
    fail(context, 'INTEGER not minimally encoded');
  }
}

/** A small non-negative INTEGER (versions, path lengths, CRL numbers that fit). */
export function decodeSmallInt(value: Uint8Array, context: string): number {
  checkInteger(value, context);
  if (value[0]! & 0x80) fail(context, 'negative INTEGER where a non-negative one is required');
  if (value.length > 6) fail(context, 'INTEGER too large');
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

/** BOOLEAN content in DER: exactly one octet, 0x00 or 0xFF (X.690 §11.1). */
export function decodeBoolean(value: Uint8Array, context: string): boolean {
  if (value.length !== 1 || (value[0] !== 0 && value[0] !== 0xff)) fail(context, 'BOOLEAN not DER-encoded');
  return value[0] === 0xff;
}

/** BIT STRING content: unused-bits octet plus bits. */
export function decodeBitString(value: Uint8Array, context: string): { unused: number; bytes: Uint8Array } {
  if (value.length === 0) fail(context, 'empty BIT STRING');
  const unused = value[0]!;
  if (unused > 7 || (value.length === 1 && unused !== 0)) fail(context, 'BIT STRING unused-bits octet invalid');
  return { unused, bytes: value.subarray(1) };
}

const TIME_UTC = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const TIME_GEN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime / GeneralizedTime as RFC 5280 §4.1.2.5.1-2 profiles them: seconds present, Zulu, no fractions. */
export function decodeTime(t: Tlv, context: string): Date {
  const text = Buffer.from(t.value).toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === TAG.UTCTime && (m = TIME_UTC.exec(text))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
  } else if (t.tag === TAG.GeneralizedTime && (m = TIME_GEN.exec(text))) {
    year = Number(m[1]);
  } else {
    return fail(context, `invalid time ${JSON.stringify(text)}`);
  }
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(year, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) fail(context, `invalid date ${text}`);
  return back;
}
