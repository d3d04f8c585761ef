/**
 * Certificate parsing (RFC 5280 §4.1). The outer structure must be strict DER or parsing fails with
 * MG_ERR_X509_PARSE; extension contents that do not decode become `defects`, which the validator turns into errors,
 * so a malformed certificate can still be shown to a person.
 */
import { createHash } from 'node:crypto';
import { MitmError } from '../errors.js';
import { DerReader, TAG, checkInteger, decodeBitString, decodeBoolean, decodeOid, decodeSmallInt, decodeTime, parseOne, type Tlv } from './der.js';
import { CRITICAL_OK, DECODERS, type DecodedExtensions } from './extensions.js';
import { parseName, type DistinguishedName } from './name.js';
import { certificatesFromPemOrDer } from './pem.js';

export interface AlgorithmIdentifier {
  oid: string;
  /** The parameters TLV, when present (NULL included). */
  params?: Tlv;
  /** The whole AlgorithmIdentifier encoding, for byte comparison (RFC 5280 §4.1.1.2). */
  raw: Uint8Array;
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** Content of extnValue (the DER of the extension's own value). */
  value: Uint8Array;
}

export interface Certificate {
  der: Uint8Array;
  /** The exact signed bytes (RFC 5280 §4.1.1.1). */
  tbs: Uint8Array;
  version: number;
  /** Serial number INTEGER content octets. */
  serial: Uint8Array;
  serialHex: string;
  innerSignatureAlgorithm: AlgorithmIdentifier;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  spki: { der: Uint8Array; algorithm: AlgorithmIdentifier; publicKey: Uint8Array };
  extensions: Extension[];
  ext: DecodedExtensions;
  /** Problems found while decoding extensions; any defect makes the certificate unusable in a path. */
  defects: string[];
  /** Subject and issuer names are equal (RFC 5280 §6.1: self-issued). */
  selfIssued: boolean;
  /** SHA-256 of the DER, lower-case hex. */
  fingerprint: string;
}

export function parseAlgorithm(t: Tlv, context: string): AlgorithmIdentifier {
  const r = new DerReader(t.value, context);
  const oid = decodeOid(r.read(TAG.OID, 'algorithm').value, context);
  const params = r.done ? undefined : r.read(undefined, 'parameters');
  r.end();
  return params ? { oid, params, raw: t.raw } : { oid, raw: t.raw };
}

function parseExtensions(t: Tlv, defects: string[]): Extension[] {
  const outer = new DerReader(t.value, 'extensions');
  const r = outer.enter(TAG.SEQUENCE, 'Extensions');
  outer.end();
  const list: Extension[] = [];
  while (!r.done) {
    const e = r.enter(TAG.SEQUENCE, 'Extension');
    const oid = decodeOid(e.read(TAG.OID, 'extnID').value, 'extension');
    const c = e.optional(TAG.BOOLEAN, 'critical');
    const critical = c ? decodeBoolean(c.value, 'critical') : false;
    if (c && !critical) defects.push(`extension ${oid}: critical FALSE encoded explicitly (DER forbids DEFAULT values)`);
    const value = e.read(TAG.OCTET_STRING, 'extnValue').value;
    e.end();
    list.push({ oid, critical, value });
  }
  // RFC 5280 §4.1.2.9: SIZE (1..MAX).
  if (list.length === 0) defects.push('extensions field present but empty');
  return list;
}

/** Parse one DER certificate. Throws MitmError MG_ERR_X509_PARSE / MG_ERR_TOO_LARGE on bad outer structure. */
export function parseCertificate(der: Uint8Array): Certificate {
  const cert = parseOne(der, TAG.SEQUENCE, 'Certificate');
  const c = new DerReader(cert.value, 'Certificate');
  const tbsTlv = c.read(TAG.SEQUENCE, 'tbsCertificate');
  const signatureAlgorithm = parseAlgorithm(c.read(TAG.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm');
  const sig = decodeBitString(c.read(TAG.BIT_STRING, 'signatureValue').value, 'signatureValue');
  c.end();
  if (sig.unused !== 0) throw new MitmError('MG_ERR_X509_PARSE', 'signatureValue has unused bits');

  const t = new DerReader(tbsTlv.value, 'tbsCertificate');
  const defects: string[] = [];
  let version = 1;
  const v = t.optional(0xa0, 'version');
  if (v) {
    const vr = new DerReader(v.value, 'version');
    version = decodeSmallInt(vr.read(TAG.INTEGER).value, 'version') + 1;
    vr.end();
    if (version === 1) defects.push('version v1 encoded explicitly (DER forbids DEFAULT values)');
    if (version > 3) throw new MitmError('MG_ERR_X509_PARSE', `unknown certificate version ${version}`);
  }
  const serialTlv = t.read(TAG.INTEGER, 'serialNumber');
  checkInteger(serialTlv.value, 'serialNumber');
  const innerSignatureAlgorithm = parseAlgorithm(t.read(TAG.SEQUENCE, 'signature'), 'signature');
  const issuer = parseName(t.read(TAG.SEQUENCE, 'issuer'), 'issuer');
  const validity = t.enter(TAG.SEQUENCE, 'validity');
  const notBefore = decodeTime(validity.read(undefined, 'notBefore'), 'notBefore');
  const notAfter = decodeTime(validity.read(undefined, 'notAfter'), 'notAfter');
  validity.end();
  const subject = parseName(t.read(TAG.SEQUENCE, 'subject'), 'subject');
  const spkiTlv = t.read(TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const sr = new DerReader(spkiTlv.value, 'subjectPublicKeyInfo');
  const keyAlg = parseAlgorithm(sr.read(TAG.SEQUENCE, 'algorithm'), 'subjectPublicKeyInfo');
  const pk = decodeBitString(sr.read(TAG.BIT_STRING, 'subjectPublicKey').value, 'subjectPublicKey');
  sr.end();
  // issuerUniqueID [1] and subjectUniqueID [2] (RFC 5280 §4.1.2.8): skipped, v2+ only.
  t.optional(0x81, 'issuerUniqueID');
  t.optional(0x82, 'subjectUniqueID');
  let extensions: Extension[] = [];
  const extTlv = t.optional(0xa3, 'extensions');
  if (extTlv) {
    if (version !== 3) defects.push('extensions in a certificate that is not v3');
    extensions = parseExtensions(extTlv, defects);
  }
  t.end();

  const ext: DecodedExtensions = {};
  const seen = new Set<string>();
  for (const e of extensions) {
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of a particular extension.
    if (seen.has(e.oid)) defects.push(`duplicate extension ${e.oid}`);
    seen.add(e.oid);
    const decode = DECODERS[e.oid];
    if (!decode) continue;
    try {
      decode(e.value, ext);
    } catch (err) {
      defects.push(`extension ${e.oid} is malformed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return {
    der: cert.raw,
    tbs: tbsTlv.raw,
    version,
    serial: serialTlv.value,
    serialHex: Buffer.from(serialTlv.value).toString('hex'),
    innerSignatureAlgorithm,
    signatureAlgorithm,
    signature: sig.bytes,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: { der: spkiTlv.raw, algorithm: keyAlg, publicKey: pk.bytes },
    extensions,
    ext,
    defects,
    selfIssued: issuer.key === subject.key,
    fingerprint: createHash('sha256').update(cert.raw).digest('hex'),
  };
}

/** Unknown extensions marked critical (RFC 5280 §4.2: such a certificate MUST be rejected). */
export function unknownCriticalExtensions(cert: Certificate): string[] {
  return cert.extensions.filter((e) => e.critical && !CRITICAL_OK.has(e.oid)).map((e) => e.oid);
}

/** Parse every certificate in PEM text or a DER buffer. */
export function parseCertificates(input: string | Uint8Array): Certificate[] {
  return certificatesFromPemOrDer(input).map(parseCertificate);
}

export function findExtension(cert: Certificate, oid: string): Extension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}
