/**
 * What the audit's text-protocol servers share: the client's lines (framed by src/bytes.ts `LineFramer`, bounded:
 * a line longer than MAX_LINE_BYTES is an error, not a growing buffer), command splitting and SASL secrets.
 */
import { LineFramer } from '../../bytes.js';

/** RFC 5321 §4.5.3.1.4 allows 512 octets per command line; IMAP literals aside, 8 KiB is generous for every dialogue. */
export const MAX_LINE_BYTES = 8192;

/** A framer for what a client sends: byte-exact (Latin-1) lines, each at most MAX_LINE_BYTES. */
export const clientLines = (): LineFramer => new LineFramer({ context: 'client', maxLine: MAX_LINE_BYTES, encoding: 'latin1' });

/** Split `VERB rest` the way every text protocol here does; the verb upper-cased. */
export function splitCommand(line: string): { verb: string; rest: string } {
  const sp = line.indexOf(' ');
  return sp < 0 ? { verb: line.toUpperCase(), rest: '' } : { verb: line.slice(0, sp).toUpperCase(), rest: line.slice(sp + 1) };
}

/** SASL PLAIN (RFC 4616): base64 of `authzid NUL authcid NUL passwd`; returns the decoded bytes as the secret. */
export function decodeBase64Secret(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64.trim(), 'base64'));
}
