/**
 * Names of the lab's private DNS zone (src/lab/dns-zone.ts). Kept apart from the zone builder so the PKI and the
 * endpoint table can name them without loading the DNS code.
 */

/** The lab zone, signed at lab start; its trust anchor is written to `.mitmguard/lab-anchor.txt`. */
export const LAB_ZONE = 'lab.mitmguard.test.';

/** One name per DNS flaw the lab shows (and one good name), each served by an HTTPS endpoint on 127.0.0.1. */
export const LAB_DNS_NAMES = {
  /** Signed; CAA allows the lab CA; a TLSA 3 1 1 record matches the endpoint's key. */
  secure: 'secure.lab.mitmguard.test',
  /** Its A answer carries a signature over another address: the man in the middle edited it (BOGUS). */
  spoofed: 'spoofed.lab.mitmguard.test',
  /** An unsigned child zone, delegated without a DS record (INSECURE). */
  insecure: 'insecure.lab.mitmguard.test',
  /** A signed TLSA record that matches no key the endpoint presents. */
  dane: 'dane.lab.mitmguard.test',
} as const;

/**
 * The lab CA's CAA identifier (RFC 8659 §4.2 issuer-domain-name). A private CA has no entry in the scanner's table of
 * public CAs, so the lab tells the scan which issuer it is, as `dns caa --caa-id "mitmguard lab issuing CA=ca.lab.mitmguard.test"` would.
 */
export const LAB_CA_ID = 'ca.lab.mitmguard.test';

/** Issuer text of the lab's leaves → the CAA domain of the lab CA (the `caIds` form of src/dns). */
export const LAB_CA_IDS: { match: string; domains: string[] }[] = [{ match: 'mitmguard lab issuing CA', domains: [LAB_CA_ID] }];
