/**
 * A small CRL builder (RFC 5280 §5) for tests and the lab: any revoked serials, with or without a cRLNumber, critical
 * or not, and optionally a corrupted signature — the deliberate flaws a validator must catch.
 */
import { sign } from 'node:crypto';
import type { Authority } from './ca.js';
import { encodePem } from '../x509/pem.js';
import { parseCertificate } from '../x509/certificate.js';
import { MitmError } from '../errors.js';

export interface CrlSpec {
  issuer: Authority;
  /** Serial numbers (INTEGER content octets, as in the certificates) to list as revoked. */
  revoked?: Uint8Array[];
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** The cRLNumber value; null leaves the extension out. Default 1. */
  crlNumber?: number | null;
  crlNumberCritical?: boolean;
  corruptSignature?: boolean;
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([tag, ...len, ...body]);
}
const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'));
const utc = (d: Date) => tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));
const int = (n: number) => {
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
};

/** Signature AlgorithmIdentifier DER and node hash per issuer key type (SHA-256; RFC 5758 §3.2, RFC 4055 §5, RFC 8410). */
const SIG: Record<string, { alg: Uint8Array; hash: string | null }> = {
  ec: { alg: tlv(0x30, oid('2a8648ce3d040302')), hash: 'sha256' },
  rsa: { alg: tlv(0x30, oid('2a864886f70d01010b'), Uint8Array.from([0x05, 0x00])), hash: 'sha256' },
  ed25519: { alg: tlv(0x30, oid('2b6570')), hash: null },
  ed448: { alg: tlv(0x30, oid('2b6571')), hash: null },
};

/** Build and sign a CRL as `spec.issuer`. */
export function buildCrl(spec: CrlSpec): { der: Uint8Array; pem: string } {
  const key = spec.issuer.key.privateKey;
  const sig = SIG[key.asymmetricKeyType ?? ''];
  if (!sig) throw new MitmError('MG_ERR_UNSUPPORTED', `cannot sign a CRL with ${key.asymmetricKeyType}`);
  const now = Date.now();
  const thisUpdate = spec.thisUpdate ?? new Date(now - 3_600_000);
  const nextUpdate = spec.nextUpdate ?? new Date(now + 7 * 86_400_000);
  const issuerName = parseCertificate(spec.issuer.cert.der).subject.der;
  const revoked = (spec.revoked ?? []).map((serial) => tlv(0x30, tlv(0x02, serial), utc(thisUpdate)));
  const crlNumber = spec.crlNumber === undefined ? 1 : spec.crlNumber;
  const extensions =
    crlNumber === null
      ? []
      : [tlv(0xa0, tlv(0x30, tlv(0x30, oid('551d14'), ...(spec.crlNumberCritical ? [Uint8Array.from([0x01, 0x01, 0xff])] : []), tlv(0x04, int(crlNumber)))))];
  const tbs = tlv(0x30, int(1), sig.alg, issuerName, utc(thisUpdate), utc(nextUpdate), ...(revoked.length ? [tlv(0x30, ...revoked)] : []), ...extensions);
  const signature = new Uint8Array(sign(sig.hash, tbs, key));
  if (spec.corruptSignature) signature[signature.length - 1] = signature[signature.length - 1]! ^ 1;
  const der = tlv(0x30, tbs, sig.alg, tlv(0x03, Uint8Array.from([0]), signature));
  return { der, pem: encodePem('X509 CRL', der) };
}
