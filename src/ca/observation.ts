/** The `ca` observation kind: what `ca list` sees of a CA directory, judged by the checks in src/checks/ca.ts. */
import type { ProfileName } from './profiles.js';

export interface CaCertificateFact {
  serial: string;
  profile: ProfileName;
  names: string[];
  notBefore: string;
  notAfter: string;
  status: 'valid' | 'expired' | 'revoked';
  keyAlgorithm: string;
  /** A later certificate names this one in renewedFrom. */
  renewed: boolean;
  requester?: string;
  revoked?: { at: string; reason: string };
}

export interface CaObservation {
  dir: string;
  /** ISO time of the observation (checks take time from here, never from the clock). */
  at: string;
  name: string;
  encrypted: boolean;
  /** root.key still sits beside the online intermediate. */
  rootKeyOnline: boolean;
  /** Key files whose mode lets group or others read them. */
  exposedKeys: Array<{ file: string; mode: string }>;
  intermediate: { subject: string; notAfter: string };
  responder: { notAfter: string };
  crl: { number?: number; nextUpdate?: string };
  audit: { ok: boolean; events: number; brokenAt?: { line: number; reason: string } };
  certificates: CaCertificateFact[];
}

declare module '../checks/types.js' {
  interface ObservationMap {
    ca: CaObservation;
  }
}
