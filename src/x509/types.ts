/** Plain-data types of path validation, shared by the validator, the checks and the CLI. */

export type Purpose = 'server' | 'client';

/**
 * strict (default): the CABF web PKI profile on top of RFC 5280 — weak keys and signatures and profile violations are
 * errors. compatible: the same findings become warnings, for auditing legacy estates without a wall of failures.
 */
export type Profile = 'strict' | 'compatible';

/** Stable codes of validation errors and warnings; checks and `cert verify --format json` expose them. */
export const VALIDATION_CODES = {
  malformed: 'a certificate is malformed (bad encoding, duplicate or undecodable extension)',
  'signature-invalid': 'a signature does not verify or uses an unsupported algorithm',
  expired: 'a certificate is past its notAfter time',
  'not-yet-valid': 'a certificate is before its notBefore time',
  'self-signed': 'the leaf is self-signed and not trusted',
  'untrusted-root': 'the chain ends in a self-signed certificate that is not a trust anchor',
  'incomplete-chain': 'no issuer was found for a certificate in the chain (missing intermediate)',
  'not-a-ca': 'an issuing certificate is not a CA (basicConstraints)',
  'path-length': 'a pathLenConstraint is exceeded',
  'max-depth': 'the chain has more intermediates than allowed',
  'key-usage': 'keyUsage does not allow the use',
  'extended-key-usage': 'extendedKeyUsage does not allow the purpose',
  'name-constraints': 'a name violates a CA name constraint',
  'unknown-critical-extension': 'a certificate carries a critical extension the validator does not process',
  'hostname-mismatch': 'the leaf does not cover the requested host name or IP address',
  'weak-key': 'a key is too weak or of a forbidden kind',
  'weak-signature': 'a signature uses MD5 or SHA-1',
  revoked: 'a certificate is revoked by a given CRL',
  'crl-invalid': 'a given CRL for the chain cannot be used',
  profile: 'a certificate breaks an RFC 5280 / CABF profile rule',
  'work-limit': 'path building gave up after its work bound',
} as const;
export type ValidationCode = keyof typeof VALIDATION_CODES;

/** Codes that the compatible profile reports as warnings instead of errors. */
export const DOWNGRADABLE: ReadonlySet<ValidationCode> = new Set(['weak-key', 'weak-signature', 'profile']);

export interface ValidationIssue {
  code: ValidationCode;
  message: string;
  /** Index in the built path (0 = leaf), or null for the chain as a whole. */
  certIndex: number | null;
}
