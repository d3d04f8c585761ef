/**
 * The minter's fast path: a server leaf encoded directly as DER (RFC 5280 §4.1) with the issuer's Name and the reused
 * key's SubjectPublicKeyInfo spliced in as bytes prepared once. The general builder goes through an ASN.1 object
 * model, which costs milliseconds per certificate; per-SNI minting must cost one signature. Sans-IO: values in,
 * bytes out.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { MitmError } from '../errors.js';

/** DER length octets (X.690 §8.1.3): short form below 128, else long form. */
function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** One TLV. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...lengthOctets(body.length)]), body]));
}

const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);

/** OBJECT IDENTIFIER contents (X.690 §8.19): first two arcs folded, the rest base-128. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (v: number) => {
    const chunk = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, new Uint8Array(out));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
function time(d: Date): Uint8Array {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const ext = (id: string, critical: boolean, value: Uint8Array) =>
  seq(oid(id), ...(critical ? [tlv(0x01, new Uint8Array([0xff]))] : []), tlv(0x04, value));

/** Signature AlgorithmIdentifier and node hash for an issuer key (RFC 5758 §3.2 ECDSA has no parameters). */
function signatureAlgorithm(key: KeyObject): { alg: Uint8Array; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return { alg: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
    case 'rsa':
      return { alg: seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)), hash: 'sha256' };
    case 'ed25519':
      return { alg: seq(oid('1.3.101.112')), hash: null };
    default:
      throw new MitmError('MG_ERR_UNSUPPORTED', `fast minting does not sign with ${key.asymmetricKeyType} keys`);
  }
}

export interface FastLeafInput {
  /** DNS names or IP addresses; the first is the CN. */
  names: string[];
  /** DER of the issuer certificate's subject Name. */
  issuerName: Uint8Array;
  /** The issuer's subjectKeyIdentifier, copied into authorityKeyIdentifier. */
  issuerKeyId?: Uint8Array;
  issuerKey: KeyObject;
  /** DER SubjectPublicKeyInfo of the (reused) leaf key. */
  subjectPublicKeyInfo: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

function generalName(name: string): Uint8Array {
  if (!isIP(name)) return tlv(0x82, Buffer.from(name, 'ascii'));
  // iPAddress [7]: 4 or 16 octets in network order.
  if (isIP(name) === 4) return tlv(0x87, new Uint8Array(name.split('.').map(Number)));
  const full = name.includes('::') ? expandV6(name) : name.split(':');
  return tlv(0x87, new Uint8Array(full.flatMap((h) => [parseInt(h, 16) >> 8, parseInt(h, 16) & 0xff])));
}

function expandV6(name: string): string[] {
  const [head, tail] = name.split('::') as [string, string];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
}

/** A DER certificate for a TLS server: v3, serverAuth, CA:FALSE, SAN = names, no SKI (see mint.ts). */
export function encodeServerLeaf(input: FastLeafInput): Uint8Array {
  const { alg, hash } = signatureAlgorithm(input.issuerKey);
  const serialBytes = randomBytes(16);
  serialBytes[0] = (serialBytes[0]! & 0x7f) | 0x01; // positive, non-zero first octet (RFC 5280 §4.1.2.2)
  const cn = input.names[0]!;
  const subject = seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
  const extensions = [
    ext('2.5.29.19', true, seq()), // basicConstraints: cA FALSE is the DEFAULT, so an empty SEQUENCE (X.690 §11.5)
    ext('2.5.29.15', true, tlv(0x03, new Uint8Array([0x07, 0x80]))), // keyUsage: digitalSignature
    ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    ext('2.5.29.17', false, seq(...input.names.map(generalName))),
    ...(input.issuerKeyId ? [ext('2.5.29.35', false, seq(tlv(0x80, input.issuerKeyId)))] : []),
  ];
  const tbs = seq(
    tlv(0xa0, tlv(0x02, new Uint8Array([0x02]))), // version v3
    tlv(0x02, serialBytes),
    alg,
    input.issuerName,
    seq(time(input.notBefore), time(input.notAfter)),
    subject,
    input.subjectPublicKeyInfo,
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign(hash, tbs, input.issuerKey);
  // BIT STRING with zero unused bits (RFC 5280 §4.1.1.3).
  return seq(tbs, alg, tlv(0x03, new Uint8Array([0x00]), signature));
}
