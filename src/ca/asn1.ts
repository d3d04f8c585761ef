/**
 * DER building blocks for the CA's own structures (CRLs, OCSP responses, encrypted PKCS#8), on top of the minter's
 * tlv/oid encoders. Sans-IO: values in, bytes out (X.690 §8, §10).
 */
import { oid, tlv } from '../pki/mint-der.js';
import { MitmError } from '../errors.js';

export { oid, tlv };

export const seq = (...c: Uint8Array[]): Uint8Array => tlv(0x30, ...c);
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const nul = (): Uint8Array => tlv(0x05);
export const bool = (v: boolean): Uint8Array => tlv(0x01, new Uint8Array([v ? 0xff : 0x00]));
/** Context-specific constructed [n] (explicit tagging). */
export const explicit = (n: number, ...c: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...c);
export const enumerated = (n: number): Uint8Array => tlv(0x0a, new Uint8Array([n]));
export const bitString = (b: Uint8Array): Uint8Array => tlv(0x03, new Uint8Array([0]), b);

/** INTEGER from a non-negative safe integer, minimally encoded with a leading 0 when the top bit is set (X.690 §8.3). */
export function integer(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, new Uint8Array(bytes));
}

/** INTEGER from content octets already in two's complement (a certificate serial as parsed). */
export const integerBytes = (content: Uint8Array): Uint8Array => tlv(0x02, content);

/** GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.2; RFC 6960 uses it throughout). */
export const generalizedTime = (d: Date): Uint8Array =>
  tlv(0x18, Buffer.from(`${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`, 'latin1'));

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §5.1.2.4 for CRLs). */
export function x509Time(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  if (y >= 2050 || y < 1950) return generalizedTime(d);
  return tlv(0x17, Buffer.from(`${d.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`, 'latin1'));
}

/** Signature AlgorithmIdentifier and node hash for a signing key (RFC 5758 §3.2, RFC 4055 §5, RFC 8410 §3). */
export function signatureAlgorithmFor(keyType: string | undefined): { alg: Uint8Array; hash: string | null } {
  const row = SIGNATURE_ALGORITHMS[keyType ?? ''];
  if (!row) throw new MitmError('MG_ERR_UNSUPPORTED', `no signature algorithm for ${keyType} keys`);
  return row;
}

const SIGNATURE_ALGORITHMS: Record<string, { alg: Uint8Array; hash: string | null }> = {
  ec: { alg: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' },
  rsa: { alg: seq(oid('1.2.840.113549.1.1.11'), nul()), hash: 'sha256' },
  ed25519: { alg: seq(oid('1.3.101.112')), hash: null },
};
