/**
 * Redis over plain TCP: an inline PING (RESP, "inline commands") and the first reply line. `+PONG` means commands run
 * without authentication; `-NOAUTH` means a password is required but would cross the wire in clear.
 */
export const REDIS_PING = Uint8Array.from(Buffer.from('PING\r\n'));

export function judgeRedisReply(line: string): { ping: 'pong' | 'noauth' | 'error'; answer: string } | null {
  if (line.startsWith('+PONG')) return { ping: 'pong', answer: '+PONG' };
  if (/^-NOAUTH\b/.test(line)) return { ping: 'noauth', answer: line.slice(0, 120) };
  if (line.startsWith('-')) return { ping: 'error', answer: line.slice(0, 120) };
  return null;
}
