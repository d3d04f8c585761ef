import type { DialogueOutput, StartTlsDialogue } from './types.js';

/** Test helper: what the client sent, as text. */
export const sentText = (out: DialogueOutput | Uint8Array[]): string =>
  (Array.isArray(out) ? out : out.send).map((c) => Buffer.from(c).toString('utf8')).join('');

/**
 * Feed server chunks one at a time and collect everything the client sent; returns the last output.
 * Used by the unit tests to replay recorded server bytes.
 */
export function replay(d: StartTlsDialogue, chunks: Array<string | Uint8Array>): { sent: Uint8Array[]; last: DialogueOutput } {
  const sent: Uint8Array[] = [...d.start().send];
  let last: DialogueOutput = { send: [], ready: false, trailing: 0 };
  for (const c of chunks) {
    last = d.receive(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
    sent.push(...last.send);
  }
  return { sent, last };
}
