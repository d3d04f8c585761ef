/**
 * The certificate a forger copies: given the real server's certificate (`--mimic cert.pem`), keep what a person or a
 * careless client looks at — subject, issuer name, subjectAltName, validity, serial — so the mimic-upstream scenario
 * presents a byte-for-byte look-alike signed by the attacker's twin of the real issuer.
 */
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as x from '@peculiar/asn1-x509';
import { MitmError } from '../../errors.js';
import type { NameSpec, SanEntry } from '../../pki/index.js';
import { certificatesFromPemOrDer } from '../../x509/pem.js';

export interface UpstreamTemplate {
  subject: NameSpec;
  issuer: NameSpec;
  sans: SanEntry[];
  notBefore: Date;
  notAfter: Date;
  serial: Uint8Array;
}

/** Attribute types the builder encodes by short name (so PrintableString/IA5String stay as RFC 5280 wants). */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.25': 'DC',
};

function nameSpec(name: x.Name): NameSpec {
  return name.flatMap((rdn) => rdn.map((atv) => [SHORT_NAMES[atv.type] ?? atv.type, atv.value.toString()] as const));
}

function ipString(bytes: ArrayBuffer | string): string {
  if (typeof bytes === 'string') return bytes;
  const b = new Uint8Array(bytes);
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}

/** Read the template from a PEM or DER certificate (the first one, when a chain is given). */
export function upstreamTemplate(input: string | Uint8Array): UpstreamTemplate {
  const der = certificatesFromPemOrDer(input)[0]!;
  let cert: x.Certificate;
  try {
    cert = AsnConvert.parse(der, x.Certificate);
  } catch (err) {
    throw new MitmError('MG_ERR_X509_PARSE', 'the certificate to mimic cannot be parsed', { cause: err });
  }
  const tbs = cert.tbsCertificate;
  const sans: SanEntry[] = [];
  const sanExt = tbs.extensions?.find((e) => e.extnID === x.id_ce_subjectAltName);
  if (sanExt) {
    for (const gn of AsnConvert.parse(sanExt.extnValue, x.SubjectAlternativeName)) {
      if (gn.dNSName) sans.push({ dns: gn.dNSName });
      else if (gn.iPAddress) sans.push({ ip: ipString(gn.iPAddress as unknown as ArrayBuffer) });
    }
  }
  return {
    subject: nameSpec(tbs.subject),
    issuer: nameSpec(tbs.issuer),
    sans,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    serial: new Uint8Array(tbs.serialNumber),
  };
}
