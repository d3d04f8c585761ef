/**
 * End-entity certificates of the private CA, encoded directly as DER (RFC 5280 §4.1) with the issuer's Name spliced
 * in as the exact bytes of the intermediate's subject — the minter's fast path (src/pki/mint-der.ts) generalised to
 * every profile: URI SANs (SPIFFE), an empty subject with a critical SAN (RFC 5280 §4.2.1.6), EKU per purpose, CRL
 * distribution point, OCSP URL and id-pkix-ocsp-nocheck. Sans-IO apart from the signature.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { decodeBitString, DerReader, TAG } from '../x509/der.js';
import { parseIp } from '../x509/general-name.js';
import { bitString, bool, explicit, integer, integerBytes, octets, oid, seq, signatureAlgorithmFor, tlv, x509Time } from './asn1.js';
import type { SanName } from './names.js';

export interface LeafInput {
  /** Subject attributes in order, e.g. [['CN','api'],['OU','payments']]; empty for a SAN-only certificate. */
  subject: ReadonlyArray<readonly [string, string]>;
  names: readonly SanName[];
  eku: readonly string[];
  issuerName: Uint8Array;
  issuerKeyId?: Uint8Array;
  issuerKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  serial?: Uint8Array;
  crlUrl?: string;
  ocspUrl?: string;
  ocspNoCheck?: boolean;
}

export const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = { CN: '2.5.4.3', O: '2.5.4.10', OU: '2.5.4.11', C: '2.5.4.6', L: '2.5.4.7', ST: '2.5.4.8' };

/** A fresh positive 128-bit serial (RFC 5280 §4.1.2.2; CABF BR §7.1 asks for 64 bits of randomness). */
export function randomSerial(): Uint8Array {
  const s = randomBytes(16);
  s[0] = (s[0]! & 0x7f) | 0x01;
  return new Uint8Array(s);
}

/** Name (RFC 5280 §4.1.2.4): one attribute per RDN; C is PrintableString, the rest UTF8String. */
export function encodeName(attrs: ReadonlyArray<readonly [string, string]>): Uint8Array {
  return seq(...attrs.map(([k, v]) => tlv(0x31, seq(oid(ATTRIBUTE_OIDS[k] ?? k), tlv(k === 'C' ? 0x13 : 0x0c, Buffer.from(v, 'utf8'))))));
}

/** GeneralName (RFC 5280 §4.2.1.6): dNSName [2], rfc822Name [1], URI [6], iPAddress [7]. */
function generalName(n: SanName): Uint8Array {
  switch (n.kind) {
    case 'dns':
      return tlv(0x82, Buffer.from(n.value, 'ascii'));
    case 'email':
      return tlv(0x81, Buffer.from(n.value, 'ascii'));
    case 'ip':
      return tlv(0x87, parseIp(n.value)!);
    case 'uri':
    case 'spiffe':
      return tlv(0x86, Buffer.from(n.value, 'ascii'));
  }
}

const extension = (id: string, critical: boolean, value: Uint8Array) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** The subjectPublicKey BIT STRING contents of a DER SubjectPublicKeyInfo (what key identifiers and OCSP hash). */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const r = new DerReader(spki, 'SubjectPublicKeyInfo').enter(TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  r.read(TAG.SEQUENCE, 'algorithm');
  return decodeBitString(r.read(TAG.BIT_STRING, 'subjectPublicKey').value, 'subjectPublicKey').bytes;
}

/** SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2 method 1). */
export const keyIdFromSpki = (spki: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(subjectPublicKeyBits(spki)).digest());

/** Key usage bits (RFC 5280 §4.2.1.3): digitalSignature for every key, keyEncipherment too for RSA (TLS 1.2 RSA kx). */
function keyUsage(spki: Uint8Array): Uint8Array {
  const rsa = Buffer.from(spki).includes(Buffer.from('2a864886f70d010101', 'hex'));
  return rsa ? tlv(0x03, new Uint8Array([0x05, 0xa0])) : tlv(0x03, new Uint8Array([0x07, 0x80]));
}

/** Encode and sign one leaf; returns the DER and the serial used. */
export function encodeLeaf(input: LeafInput): { der: Uint8Array; serial: Uint8Array } {
  const { alg, hash } = signatureAlgorithmFor(input.issuerKey.asymmetricKeyType);
  const serial = input.serial ?? randomSerial();
  const emptySubject = input.subject.length === 0;
  const extensions = [
    extension('2.5.29.19', true, seq()), // basicConstraints CA:FALSE (DEFAULT omitted, X.690 §11.5)
    extension('2.5.29.15', true, keyUsage(input.spki)),
    extension('2.5.29.37', false, seq(...input.eku.map((e) => oid(e)))),
    ...(input.names.length ? [extension('2.5.29.17', emptySubject, seq(...input.names.map(generalName)))] : []),
    extension('2.5.29.14', false, octets(keyIdFromSpki(input.spki))),
    ...(input.issuerKeyId ? [extension('2.5.29.35', false, seq(tlv(0x80, input.issuerKeyId)))] : []),
    // RFC 5280 §4.2.1.13: DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
    ...(input.crlUrl ? [extension('2.5.29.31', false, seq(seq(explicit(0, tlv(0xa0, tlv(0x86, Buffer.from(input.crlUrl, 'ascii')))))))] : []),
    // RFC 5280 §4.2.2.1: AccessDescription { id-ad-ocsp, uniformResourceIdentifier }
    ...(input.ocspUrl ? [extension('1.3.6.1.5.5.7.1.1', false, seq(seq(oid('1.3.6.1.5.5.7.48.1'), tlv(0x86, Buffer.from(input.ocspUrl, 'ascii')))))] : []),
    // RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck, value NULL
    ...(input.ocspNoCheck ? [extension('1.3.6.1.5.5.7.48.1.5', false, tlv(0x05))] : []),
  ];
  const tbs = seq(
    explicit(0, integer(2)), // v3
    integerBytes(serial),
    alg,
    input.issuerName,
    seq(x509Time(input.notBefore), x509Time(input.notAfter)),
    encodeName(input.subject),
    input.spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign(hash, tbs, input.issuerKey);
  return { der: seq(tbs, alg, bitString(signature)), serial };
}
