/**
 * SPKI pins, in one format everywhere: curl's `--pinnedpubkey` syntax `sha256//<base64>`, where the base64 is RFC 7469
 * §2.4's pin-sha256 (SHA-256 over the SubjectPublicKeyInfo DER). What `mitmguard cert pin` prints pastes into a policy's
 * `pins:` and an inventory's `expect.pins` as it is. Policy and inventory files also accept the legacy `sha256/<base64>`
 * form of earlier releases and read it as the same pin.
 */
import { createHash } from 'node:crypto';

export const PIN_PREFIX = 'sha256//';
/** A pin as files may write it: curl's form, or the legacy single-slash form. */
/** SHA-256 in base64: 43 characters and one '=' of padding. */
const PIN_BASE64_LENGTH = 44;
export const PIN_PATTERN = /^sha256\/\/?[A-Za-z0-9+/]{43}=$/;
export const PIN_SYNTAX = 'a pin is sha256// followed by 44 base64 characters, as `mitmguard cert pin` prints it (the legacy sha256/ form is accepted too)';

/** RFC 7469 §2.4 pin-sha256: base64 of SHA-256 over SubjectPublicKeyInfo DER. */
export function spkiSha256OfDer(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('base64');
}

/** The pin of a SubjectPublicKeyInfo, `sha256//<base64>`. */
export function pinOfSpki(spkiDer: Uint8Array): string {
  return PIN_PREFIX + spkiSha256OfDer(spkiDer);
}

/** The canonical `sha256//…` form of a pin in either accepted syntax; null when it is not a pin. */
export function normalizePin(text: string): string | null {
  const t = text.trim();
  if (!PIN_PATTERN.test(t)) return null;
  // The base64 is always the last 44 characters; it may itself begin with '/', so the prefix is not found by slashes.
  return PIN_PREFIX + t.slice(-PIN_BASE64_LENGTH);
}
