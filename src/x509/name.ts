/**
 * Distinguished names (RFC 5280 §4.1.2.4): parsed attribute by attribute, rendered for people (RFC 4514 order and
 * short names) and compared for path building by a normalised key (RFC 5280 §7.1: case-insensitive, whitespace
 * folded for string types; exact bytes for anything else).
 */
import { DerReader, TAG, decodeOid, type Tlv } from './der.js';
import { MitmError } from '../errors.js';

export interface NameAttribute {
  oid: string;
  /** The string value when the ASN.1 type is a character string; otherwise undefined. */
  text: string | undefined;
  tag: number;
  raw: Uint8Array;
}

export interface DistinguishedName {
  /** RDNs in encoded order (most significant first), each a set of attributes. */
  rdns: NameAttribute[][];
  /** The exact DER of the Name, as signed. */
  der: Uint8Array;
  /** Normalised comparison key (RFC 5280 §7.1); equal keys mean the same name. */
  key: string;
  /** RFC 4514-style rendering for people. */
  text: string;
}

export const NAME_OIDS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '2.5.4.97': 'organizationIdentifier', '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID', '2.5.4.15': 'businessCategory',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC', '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST', '2.5.4.17': 'postalCode',
};
export const OID_CN = '2.5.4.3';
export const OID_EMAIL = '1.2.840.113549.1.9.1';

/** Decoders for the character string types X.509 names use (X.680 §41). */
const STRING_DECODERS: Record<number, (b: Uint8Array) => string | undefined> = {
  [TAG.UTF8String]: (b) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return undefined;
    }
  },
  // X.680 restricts PrintableString further, but CAs have long put '&', '*' or '@' in it (and OpenSSL reads them);
  // refusing the whole certificate for that would hide everything else wrong with it. Printable ASCII is accepted.
  [TAG.PrintableString]: (b) => (b.every((x) => x >= 0x20 && x < 0x7f) ? Buffer.from(b).toString('latin1') : undefined),
  [TAG.IA5String]: (b) => (b.every((x) => x < 0x80) ? Buffer.from(b).toString('latin1') : undefined),
  [TAG.TeletexString]: (b) => Buffer.from(b).toString('latin1'),
  [TAG.BMPString]: (b) => (b.length % 2 === 0 ? Buffer.from(b).swap16().toString('utf16le') : undefined),
  [TAG.UniversalString]: (b) => {
    if (b.length % 4 !== 0) return undefined;
    let s = '';
    for (let i = 0; i < b.length; i += 4) {
      const cp = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
      // UCS-4 beyond Unicode's last code point, or a lone surrogate, is not a character (found by npm run fuzz:
      // String.fromCodePoint threw a RangeError instead of the certificate being refused).
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      s += String.fromCodePoint(cp);
    }
    return s;
  },
};

/** Decode a directory string; undefined for a non-string tag. Throws on a string whose bytes break its type. */
export function decodeDirectoryString(t: Tlv, context: string): string | undefined {
  const dec = STRING_DECODERS[t.tag];
  if (!dec) return undefined;
  const s = dec(Buffer.from(t.value));
  if (s === undefined) throw new MitmError('MG_ERR_X509_PARSE', `${context}: string value does not match its ASN.1 type`);
  return s;
}

const normalise = (s: string): string => s.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');

function escape4514(s: string): string {
  return s.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** Parse a Name (the TLV of an RDNSequence). */
export function parseName(t: Tlv, context: string): DistinguishedName {
  if (t.tag !== TAG.SEQUENCE) throw new MitmError('MG_ERR_X509_PARSE', `${context}: Name is not a SEQUENCE`);
  const r = new DerReader(t.value, context);
  const rdns: NameAttribute[][] = [];
  while (!r.done) {
    const set = r.enter(TAG.SET, 'RelativeDistinguishedName');
    const attrs: NameAttribute[] = [];
    while (!set.done) {
      const atv = set.enter(TAG.SEQUENCE, 'AttributeTypeAndValue');
      const oid = decodeOid(atv.read(TAG.OID, 'attribute type').value, context);
      const v = atv.read(undefined, 'attribute value');
      atv.end();
      attrs.push({ oid, text: decodeDirectoryString(v, context), tag: v.tag, raw: v.raw });
    }
    if (attrs.length === 0) throw new MitmError('MG_ERR_X509_PARSE', `${context}: empty RDN`);
    rdns.push(attrs);
  }
  const key = rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.text !== undefined ? normalise(a.text) : '#' + Buffer.from(a.raw).toString('hex')}`)
        .sort()
        .join('+'),
    )
    .join(',');
  const text = [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${NAME_OIDS[a.oid] ?? a.oid}=${a.text !== undefined ? escape4514(a.text) : '#' + Buffer.from(a.raw).toString('hex')}`).join('+'))
    .join(',');
  return { rdns, der: t.raw, key, text };
}

/** Every value of one attribute type, in order (e.g. all CNs). */
export function attributeValues(name: DistinguishedName, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.oid === oid && a.text !== undefined) out.push(a.text);
  return out;
}

/** RFC 5280 §4.2.1.10: `base` is a directoryName subtree containing `name` when its RDNs are a prefix of `name`'s. */
export function nameWithinSubtree(name: DistinguishedName, base: DistinguishedName): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  const rdnKey = (rdn: NameAttribute[]) =>
    rdn.map((a) => `${a.oid}=${a.text !== undefined ? normalise(a.text) : Buffer.from(a.raw).toString('hex')}`).sort().join('+');
  return base.rdns.every((rdn, i) => rdnKey(rdn) === rdnKey(name.rdns[i]!));
}
