/**
 * Captured secrets never leave the moment they arrive: a password, an Authorization header or a RESP AUTH argument is
 * reduced to its SHA-256 and its length (and whether it held the run's canary token), so reports and logs carry proof
 * that a secret was sent without carrying the secret.
 */
import { createHash } from 'node:crypto';
import type { RedactedSecret } from './types.js';

const asBytes = (v: Uint8Array | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v));

/** Hash and measure a secret; `token` is the run's canary, looked for inside the secret. */
export function redactSecret(secret: Uint8Array | string, token?: string): RedactedSecret {
  const bytes = asBytes(secret);
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    length: bytes.length,
    containsToken: token !== undefined && token.length > 0 && bytes.includes(Buffer.from(token, 'utf8')),
  };
}

/** One line of evidence for a secret: `(redacted, 12 bytes, sha256 3f2a9c01…, canary token)`. */
export function describeSecret(s: RedactedSecret): string {
  return `(redacted, ${s.length} bytes, sha256 ${s.sha256.slice(0, 12)}…${s.containsToken ? ', holds the canary token' : ''})`;
}

/** Replace every occurrence of `token` in free text (client stderr, URLs) before it is stored. */
export function scrubToken(text: string, token: string | undefined): string {
  return token ? text.split(token).join('<token>') : text;
}

/**
 * A request target with query values hidden: `/login?user=a&pw=b` → `/login?user=<redacted>&pw=<redacted>`.
 * Query strings carry tokens often enough that the audit never stores their values.
 */
export function redactRequestTarget(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return target;
  const params = target.slice(q + 1).split('&').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? p : `${p.slice(0, eq)}=<redacted>`;
  });
  return `${target.slice(0, q)}?${params.join('&')}`;
}
