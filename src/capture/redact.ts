/**
 * Captured secrets are reduced the moment they are decoded: a salted SHA-256 prefix and a length, never the value.
 * The salt is the run's (random per run unless a test fixes it), so a report shows that two flows carried the same
 * password without letting anyone look the password up in a dictionary of unsalted hashes.
 */
import { createHash } from 'node:crypto';

export interface RedactedSecret {
  /** First 12 hex digits of SHA-256(salt ‖ secret). */
  saltedSha256Prefix: string;
  length: number;
}

export function redact(secret: string | Uint8Array, salt: string): RedactedSecret {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  return { saltedSha256Prefix: createHash('sha256').update(salt, 'utf8').update(bytes).digest('hex').slice(0, 12), length: bytes.length };
}

/** `(redacted, 8 bytes, salted sha256 3f2a9c01b7e4…)` — the one way a secret appears in evidence. */
export function describeRedacted(s: RedactedSecret): string {
  return `(redacted, ${s.length} bytes, salted sha256 ${s.saltedSha256Prefix}…)`;
}
