/**
 * The CA's certificate revocation list (RFC 5280 §5): v2, every revoked serial with its revocation date and reason
 * code, authorityKeyIdentifier and a monotonically increasing cRLNumber. Sans-IO apart from the signature.
 */
import { sign, type KeyObject } from 'node:crypto';
import { MitmError } from '../errors.js';
import { bitString, bool, enumerated, explicit, integer, integerBytes, octets, oid, seq, signatureAlgorithmFor, tlv, x509Time } from './asn1.js';

/** CRLReason (RFC 5280 §5.3.1); 7 is unused. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export function parseReason(text: string): RevocationReason {
  if (!Object.hasOwn(REVOCATION_REASONS, text)) {
    throw new MitmError('MG_ERR_USAGE', `reason must be one of ${Object.keys(REVOCATION_REASONS).join(', ')}`);
  }
  return text as RevocationReason;
}

export interface RevokedEntry {
  /** Serial INTEGER content octets as lower-case hex. */
  serialHex: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlInput {
  issuerName: Uint8Array;
  issuerKeyId?: Uint8Array;
  issuerKey: KeyObject;
  revoked: readonly RevokedEntry[];
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

const extension = (id: string, critical: boolean, value: Uint8Array) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** Encode and sign the CRL; DER out. */
export function encodeCrl(input: CrlInput): Uint8Array {
  const { alg, hash } = signatureAlgorithmFor(input.issuerKey.asymmetricKeyType);
  const entries = input.revoked.map((r) => {
    const code = REVOCATION_REASONS[r.reason];
    // RFC 5280 §5.3.1: the reasonCode unspecified SHOULD be absent.
    const entryExtensions = code === 0 ? [] : [seq(extension('2.5.29.21', false, enumerated(code)))];
    return seq(integerBytes(Buffer.from(r.serialHex, 'hex')), x509Time(r.revokedAt), ...entryExtensions);
  });
  const crlExtensions = [
    ...(input.issuerKeyId ? [extension('2.5.29.35', false, seq(tlv(0x80, input.issuerKeyId)))] : []), // §5.2.1
    extension('2.5.29.20', false, integer(input.crlNumber)), // §5.2.3
  ];
  const tbs = seq(
    integer(1), // v2
    alg,
    input.issuerName,
    x509Time(input.thisUpdate),
    x509Time(input.nextUpdate),
    ...(entries.length ? [seq(...entries)] : []),
    explicit(0, seq(...crlExtensions)),
  );
  return seq(tbs, alg, bitString(sign(hash, tbs, input.issuerKey)));
}
