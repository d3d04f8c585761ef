/**
 * What the endpoint's TLS stack (node's OpenSSL) can serve of a scenario: the cipher string, and whether this build
 * can serve it at all. Kept apart from the catalogue because it builds TLS contexts.
 */
import { createSecureContext } from 'node:tls';
import type { ScenarioDefinition } from './types.js';

/** The OpenSSL cipher string the endpoint serves: `@SECLEVEL=0` so that weak keys and suites can be served at all. */
export function servedCipherString(s: ScenarioDefinition): string {
  return `${s.tls?.ciphers ?? 'DEFAULT'}:@SECLEVEL=0`;
}

const availability = new Map<string, string | null>();
/**
 * Why a scenario cannot be served by node's OpenSSL here, or null when it can. Checked once per cipher string by
 * building a secure context: OpenSSL 3 builds without RC4, 3DES or EXPORT suites answer "no cipher match".
 */
export function unavailableReason(s: ScenarioDefinition): string | null {
  if (!s.tls?.ciphers) return null;
  const ciphers = servedCipherString(s);
  if (!availability.has(ciphers)) {
    try {
      createSecureContext({ ciphers, ...(s.tls.maxVersion ? { maxVersion: s.tls.maxVersion } : {}) });
      availability.set(ciphers, null);
    } catch (err) {
      availability.set(ciphers, `node's OpenSSL ${process.versions.openssl} cannot serve "${s.tls.ciphers}": ${(err as Error).message}`);
    }
  }
  return availability.get(ciphers) ?? null;
}
