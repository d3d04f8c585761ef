/**
 * Issuance profiles as data: what each purpose gets in extendedKeyUsage and keyUsage, and how long it lives by default.
 * Short lifetimes are the revocation story that works when CRLs and OCSP do not reach a client: a stolen client
 * certificate is useless tomorrow.
 */
import { EKU } from '../pki/builder.js';

export type Purpose = 'server' | 'client' | 'peer';
export type ProfileName = Purpose | 'ocsp';

export interface IssuanceProfile {
  eku: readonly string[];
  defaultLifetimeHours: number;
  maxLifetimeHours: number;
  /** RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck on the delegated responder certificate. */
  ocspNoCheck?: boolean;
}

export const PROFILES: Readonly<Record<ProfileName, IssuanceProfile>> = {
  /** TLS servers: 30 days, at most the CABF 398-day ceiling (BR §6.3.2 for public certs; we keep to it privately). */
  server: { eku: [EKU.serverAuth], defaultLifetimeHours: 30 * 24, maxLifetimeHours: 398 * 24 },
  /** Clients and workloads: one day, as SPIFFE deployments rotate, at most 90 days. */
  client: { eku: [EKU.clientAuth], defaultLifetimeHours: 24, maxLifetimeHours: 90 * 24 },
  /** Both ends of a service mesh link (an X.509-SVID usually is). */
  peer: { eku: [EKU.serverAuth, EKU.clientAuth], defaultLifetimeHours: 24, maxLifetimeHours: 90 * 24 },
  /** The delegated OCSP responder: short, because nocheck means it cannot itself be revoked. */
  ocsp: { eku: [EKU.ocspSigning], defaultLifetimeHours: 30 * 24, maxLifetimeHours: 90 * 24, ocspNoCheck: true },
};

export const PURPOSES: readonly Purpose[] = ['server', 'client', 'peer'];

/** `24h`, `30d`, `90m` or a number of hours → hours. */
export function parseLifetime(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([mhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const hours = m[2] === 'm' ? n / 60 : m[2] === 'd' ? n * 24 : n;
  return hours > 0 ? hours : undefined;
}
