/**
 * Set-Cookie attributes (RFC 6265 §5.2) as facts. Values are never kept: a cookie value is often a session secret.
 */

export interface CookieFact {
  name: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | null;
  /** Set on a response that came over HTTPS (false: over plain HTTP, readable on the path). */
  overHttps: boolean;
}

/** A bound on cookies kept per response. */
export const MAX_COOKIES = 64;

/** Parse one Set-Cookie header; null when it has no name=value pair (§5.2 step 2: ignore it). */
export function parseSetCookie(header: string, overHttps: boolean): CookieFact | null {
  const [pair, ...attrs] = header.split(';');
  const eq = pair?.indexOf('=') ?? -1;
  if (!pair || eq < 0) return null;
  const name = pair.slice(0, eq).trim().slice(0, 128);
  if (!name) return null;
  const fact: CookieFact = { name, secure: false, httpOnly: false, sameSite: null, overHttps };
  for (const a of attrs) {
    const [k = '', v = ''] = a.split('=', 2).map((x) => x.trim());
    const key = k.toLowerCase();
    if (key === 'secure') fact.secure = true;
    else if (key === 'httponly') fact.httpOnly = true;
    else if (key === 'samesite') fact.sameSite = v.slice(0, 16) || null;
  }
  return fact;
}
