/**
 * Why a validation ended as it did, in words a person understands, each tied to the closest Extended DNS Error code
 * (RFC 8914 §4) as unbound and BIND report them.
 */
export const DNSSEC_VERDICTS = ['SECURE', 'INSECURE', 'BOGUS', 'INDETERMINATE'] as const;
export type DnssecVerdict = (typeof DNSSEC_VERDICTS)[number];

export const EDE = {
  UNSUPPORTED_DNSKEY_ALGORITHM: 1,
  UNSUPPORTED_DS_DIGEST: 2,
  DNSSEC_INDETERMINATE: 5,
  DNSSEC_BOGUS: 6,
  SIGNATURE_EXPIRED: 7,
  SIGNATURE_NOT_YET_VALID: 8,
  DNSKEY_MISSING: 9,
  RRSIGS_MISSING: 10,
  NO_ZONE_KEY_BIT: 11,
  NSEC_MISSING: 12,
  NO_REACHABLE_AUTHORITY: 22,
  NETWORK_ERROR: 23,
  UNSUPPORTED_NSEC3_ITERATIONS: 27,
} as const;

export type EdeName = keyof typeof EDE;

export interface Reason {
  /** One sentence for a person. */
  text: string;
  /** The RFC 8914 info code closest to this reason. */
  ede: number;
  edeName: EdeName;
}

export function reason(edeName: EdeName, text: string): Reason {
  return { text, ede: EDE[edeName], edeName };
}
