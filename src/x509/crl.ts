/**
 * Certificate revocation lists (RFC 5280 §5) and their use in path validation (RFC 5280 §6.3, simplified: complete
 * CRLs issued by the certificate's issuer; indirect and delta CRLs and distribution point partitions are not processed
 * and such a CRL fails closed because its critical extensions are not recognised).
 */
import { MitmError } from '../errors.js';
import { DerReader, TAG, checkInteger, decodeBitString, decodeBoolean, decodeOid, decodeSmallInt, decodeTime, parseOne } from './der.js';
import { parseAlgorithm, type AlgorithmIdentifier, type Certificate } from './certificate.js';
import { EXT } from './extensions.js';
import { parseName, type DistinguishedName } from './name.js';
import { decodePem } from './pem.js';
import { verifyRaw } from './algorithms.js';

/** Named limit: revoked entries per CRL. */
export const MAX_CRL_ENTRIES = 1_000_000;

export interface Crl {
  der: Uint8Array;
  tbs: Uint8Array;
  version: number;
  innerSignatureAlgorithm: AlgorithmIdentifier;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: DistinguishedName;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Revoked serial numbers (INTEGER content, hex). */
  revoked: Set<string>;
  extensions: Array<{ oid: string; critical: boolean; value: Uint8Array }>;
  crlNumber?: number;
}

/** Parse one DER CRL. Throws MitmError MG_ERR_X509_PARSE on malformed input. */
export function parseCrl(der: Uint8Array): Crl {
  const outer = parseOne(der, TAG.SEQUENCE, 'CertificateList');
  const r = new DerReader(outer.value, 'CertificateList');
  const tbsTlv = r.read(TAG.SEQUENCE, 'tbsCertList');
  const signatureAlgorithm = parseAlgorithm(r.read(TAG.SEQUENCE), 'signatureAlgorithm');
  const signature = decodeBitString(r.read(TAG.BIT_STRING).value, 'signatureValue').bytes;
  r.end();
  const t = new DerReader(tbsTlv.value, 'tbsCertList');
  const v = t.optional(TAG.INTEGER, 'version');
  const version = v ? decodeSmallInt(v.value, 'version') + 1 : 1;
  const innerSignatureAlgorithm = parseAlgorithm(t.read(TAG.SEQUENCE), 'signature');
  const issuer = parseName(t.read(TAG.SEQUENCE), 'issuer');
  const thisUpdate = decodeTime(t.read(), 'thisUpdate');
  const nextTag = t.peekTag();
  const nextUpdate = nextTag === TAG.UTCTime || nextTag === TAG.GeneralizedTime ? decodeTime(t.read(), 'nextUpdate') : undefined;
  const revoked = new Set<string>();
  const list = t.optional(TAG.SEQUENCE, 'revokedCertificates');
  if (list) {
    const lr = new DerReader(list.value, 'revokedCertificates');
    while (!lr.done) {
      const e = lr.enter(TAG.SEQUENCE, 'revokedCertificate');
      const serial = e.read(TAG.INTEGER).value;
      checkInteger(serial, 'userCertificate');
      decodeTime(e.read(), 'revocationDate');
      revoked.add(Buffer.from(serial).toString('hex'));
      if (revoked.size > MAX_CRL_ENTRIES) throw new MitmError('MG_ERR_TOO_LARGE', `CRL has more than ${MAX_CRL_ENTRIES} entries`);
    }
  }
  const extensions: Crl['extensions'] = [];
  const ext = t.optional(0xa0, 'crlExtensions');
  if (ext) {
    const er = new DerReader(ext.value, 'crlExtensions').enter(TAG.SEQUENCE);
    while (!er.done) {
      const e = er.enter(TAG.SEQUENCE);
      const oid = decodeOid(e.read(TAG.OID).value);
      const c = e.optional(TAG.BOOLEAN);
      extensions.push({ oid, critical: c ? decodeBoolean(c.value, 'critical') : false, value: e.read(TAG.OCTET_STRING).value });
    }
  }
  t.end();
  let crlNumber: number | undefined;
  const num = extensions.find((e) => e.oid === EXT.cRLNumber);
  if (num) {
    const nr = new DerReader(num.value, 'cRLNumber');
    const n = nr.read(TAG.INTEGER).value;
    checkInteger(n, 'cRLNumber');
    crlNumber = n.length <= 6 ? decodeSmallInt(n, 'cRLNumber') : Number.MAX_SAFE_INTEGER;
  }
  return {
    der: outer.raw, tbs: tbsTlv.raw, version, innerSignatureAlgorithm, signatureAlgorithm, signature, issuer, thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}), revoked, extensions, ...(crlNumber !== undefined ? { crlNumber } : {}),
  };
}

/** Every CRL in PEM text (X509 CRL blocks) or one DER CRL. */
export function parseCrls(input: string | Uint8Array): Crl[] {
  if (typeof input !== 'string') {
    const text = Buffer.from(input).toString('latin1');
    if (!text.includes('-----BEGIN')) return [parseCrl(input)];
    input = text;
  }
  return decodePem(input, 'X509 CRL').map((b) => parseCrl(b.der));
}

const CRL_EXTENSIONS_OK: ReadonlySet<string> = new Set<string>([EXT.cRLNumber, EXT.authorityKeyIdentifier]);

export type CrlVerdict = { status: 'good' } | { status: 'revoked'; message: string } | { status: 'unusable'; message: string } | { status: 'none' };

/** RFC 5280 §6.3: decide `cert`'s status from the CRLs issued by `issuer`. */
export function checkRevocation(cert: Certificate, issuer: Certificate, crls: readonly Crl[]): CrlVerdict {
  const relevant = crls.filter((c) => c.issuer.key === cert.issuer.key);
  if (relevant.length === 0) return { status: 'none' };
  for (const crl of relevant) {
    const sig = verifyRaw(crl.tbs, crl.signatureAlgorithm, crl.signature, issuer);
    if (!sig.ok) return { status: 'unusable', message: `CRL from ${crl.issuer.text} is not signed by the issuer: ${sig.reason}` };
    if (Buffer.compare(crl.innerSignatureAlgorithm.raw, crl.signatureAlgorithm.raw) !== 0) {
      return { status: 'unusable', message: 'CRL signature algorithm fields differ (RFC 5280 §5.1.2.2)' };
    }
    // RFC 5280 §6.3.3(f): when the issuer has a keyUsage extension, cRLSign must be set.
    if (issuer.ext.keyUsage && !issuer.ext.keyUsage.has('cRLSign')) {
      return { status: 'unusable', message: 'CRL issuer keyUsage lacks cRLSign (RFC 5280 §4.2.1.3)' };
    }
    const num = crl.extensions.find((e) => e.oid === EXT.cRLNumber);
    // RFC 5280 §5.2.3: conforming CRL issuers MUST include cRLNumber and MUST mark it non-critical.
    if (!num) return { status: 'unusable', message: 'CRL lacks the cRLNumber extension (RFC 5280 §5.2.3)' };
    if (num.critical) return { status: 'unusable', message: 'CRL marks cRLNumber critical (RFC 5280 §5.2.3)' };
    const unknown = crl.extensions.find((e) => e.critical && !CRL_EXTENSIONS_OK.has(e.oid));
    if (unknown) return { status: 'unusable', message: `CRL has an unprocessed critical extension ${unknown.oid}` };
    if (crl.revoked.has(cert.serialHex)) return { status: 'revoked', message: `serial ${cert.serialHex} is listed on the CRL of ${crl.issuer.text}` };
  }
  return { status: 'good' };
}
