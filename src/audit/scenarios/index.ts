/**
 * The scenario catalogue: every forged or degraded server the audit plays, in one ordered list (the baseline first),
 * plus the rules that decide which scenarios apply to a run.
 */
import { createSecureContext } from 'node:tls';
import type { AppProtocol } from '../protocols/index.js';
import { CERTIFICATE_SCENARIOS } from './certificates.js';
import { TRANSPORT_SCENARIOS } from './transport.js';
import type { ScenarioDefinition } from './types.js';

export const SCENARIOS: readonly ScenarioDefinition[] = [...CERTIFICATE_SCENARIOS, ...TRANSPORT_SCENARIOS];

const BY_ID = new Map(SCENARIOS.map((s) => [s.id, s]));

export function scenarioById(id: string): ScenarioDefinition | undefined {
  return BY_ID.get(id);
}

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

/** Why a scenario does not apply to this run (protocol, pin), or null when it does. */
export function skipReason(s: ScenarioDefinition, protocol: AppProtocol, opts: { pin: boolean }): string | null {
  if (s.protocols && !s.protocols.includes(protocol)) return `does not apply to ${protocol} (only ${s.protocols.join(', ')})`;
  if (s.requiresPin && !opts.pin) return 'tests key pinning: run with --pin when the client pins the server key ({pin})';
  return null;
}

export type { ScenarioDefinition } from './types.js';
export { createAuditLab, spkiPin, type AuditLab } from './lab.js';
