/** The limits of a STARTTLS dialogue's plain-text part; the framing is `LineFramer` (src/bytes.ts). */
/** RFC 5321 §4.5.3.1.5 caps a reply line at 512 octets; real servers exceed it a little, so allow some slack. */
export const MAX_LINE_BYTES = 4096;
/** The whole plain-text dialogue before the upgrade: greeting, capabilities, replies. */
export const MAX_DIALOGUE_BYTES = 64 * 1024;

/** Encode a command line with CRLF (every text protocol here ends lines with CRLF). */
export function commandLine(text: string): Uint8Array {
  return Buffer.from(`${text}\r\n`, 'utf8');
}
