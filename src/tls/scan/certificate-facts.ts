/**
 * The facts of one presented certificate, from node:crypto's X509Certificate plus the one thing it does not expose on
 * Node 20: the signature algorithm, read from the outer Certificate structure (RFC 5280 §4.1.1.2).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import type { CertificateFacts } from '../../model/index.js';

/** Signature algorithm OIDs (RFC 3279, RFC 4055, RFC 5758, RFC 8410). */
const SIGNATURE_OIDS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassa-pss',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
};

/** Bits of an EC key by curve name (node reports the curve, not the size). */
const CURVE_BITS: Readonly<Record<string, number>> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256, secp224r1: 224 };
const EDWARDS_BITS: Readonly<Record<string, number>> = { ed25519: 256, ed448: 456, x25519: 256, x448: 448 };

/** DER TLV header: returns a reader over the contents of the next element, which must have `tag`. */
function element(r: ByteReader, tag: number, what: string): ByteReader {
  const t = r.u8(what);
  if (t !== tag) throw new MitmError('MG_ERR_X509_PARSE', `${what}: expected tag 0x${tag.toString(16)}, got 0x${t.toString(16)}`);
  let len = r.u8(what);
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new MitmError('MG_ERR_X509_PARSE', `${what}: unsupported DER length form`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + r.u8(what);
  }
  return new ByteReader(r.take(len, what), what);
}

function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new MitmError('MG_ERR_X509_PARSE', 'empty OID');
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The signatureAlgorithm OID of a DER certificate, by name when known. */
export function signatureAlgorithmOf(der: Uint8Array): string {
  const cert = element(new ByteReader(der, 'Certificate'), 0x30, 'Certificate');
  element(cert, 0x30, 'tbsCertificate');
  const alg = element(cert, 0x30, 'signatureAlgorithm');
  const oid = decodeOid(element(alg, 0x06, 'algorithm').rest());
  return SIGNATURE_OIDS[oid] ?? oid;
}

/** Node prints `CN=a\nO=b`; a report wants one line. */
/**
 * A distinguished name in RFC 4514 form, the one `mitmguard cert` prints (src/x509/name.ts): the RDNs from last to
 * first (§2.1), joined by ',' with no space, special characters of a value escaped (§2.4). Node gives one RDN per line
 * in certificate order. One format everywhere, so a DN in `scan` output can be pasted into `cert` output searches.
 */
const oneLine = (dn: string) => dn.split('\n').filter(Boolean).reverse().map(escapeAva).join(',');

function escapeAva(ava: string): string {
  const eq = ava.indexOf('=');
  if (eq < 0) return ava;
  const value = ava.slice(eq + 1).replace(/[\\,+"<>;]/g, (c) => `\\${c}`).replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
  return `${ava.slice(0, eq)}=${value}`;
}

/** RFC 5280 §4.2.1.6 names, as node prints them (`DNS:a, IP Address:1.2.3.4`), reduced to their values. */
function sansOf(cert: X509Certificate): string[] {
  const text = cert.subjectAltName;
  if (!text) return [];
  return text.split(', ').map((entry) => entry.replace(/^(DNS|IP Address|email|URI):/, ''));
}

/** Facts for one DER certificate. Throws MG_ERR_X509_PARSE on bytes that are not a certificate. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (err) {
    throw new MitmError('MG_ERR_X509_PARSE', 'the server presented bytes that are not a certificate', { cause: err });
  }
  const key = cert.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  const keyBits = details.modulusLength ?? CURVE_BITS[details.namedCurve ?? ''] ?? EDWARDS_BITS[type] ?? 0;
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return {
    pem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    sans: sansOf(cert),
    keyType: type === 'rsa-pss' ? 'rsa-pss' : type,
    keyBits,
    signatureAlgorithm: signatureAlgorithmOf(der),
    sha256: createHash('sha256').update(der).digest('hex'),
  };
}
