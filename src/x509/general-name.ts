/**
 * GeneralName (RFC 5280 §4.2.1.6) decoding and text form. Values are kept as given; syntax checks that depend on
 * use (a DNS SAN must be a preferred-syntax name; a DNS name constraint must not hold a wildcard) live with their users.
 */
import { MitmError } from '../errors.js';
import { DerReader, TAG, decodeOid, type Tlv } from './der.js';
import { parseName, type DistinguishedName } from './name.js';

export type GeneralNameType = 'other' | 'email' | 'dns' | 'x400' | 'dn' | 'edi' | 'uri' | 'ip' | 'rid';

export interface GeneralName {
  type: GeneralNameType;
  /** Text for email, dns and uri (IA5String); dotted OID for rid; type-id OID for other; hex otherwise. */
  text: string;
  /** Raw content octets (for ip: 4 or 16 bytes in a SAN, 8 or 32 in a name constraint). */
  bytes: Uint8Array;
  dn?: DistinguishedName;
}

/** Context-specific tags by CHOICE index (RFC 5280 §4.2.1.6, IMPLICIT tagging except directoryName). */
const BY_TAG: Record<number, GeneralNameType> = {
  0xa0: 'other', 0x81: 'email', 0x82: 'dns', 0xa3: 'x400', 0xa4: 'dn', 0xa5: 'edi', 0x86: 'uri', 0x87: 'ip', 0x88: 'rid',
};

function ia5(bytes: Uint8Array, context: string): string {
  // RFC 5280 §7.2: IA5String is ASCII; internationalised names must already be A-labels.
  if (!bytes.every((b) => b < 0x80)) throw new MitmError('MG_ERR_X509_PARSE', `${context}: IA5String holds non-ASCII bytes`);
  return Buffer.from(bytes).toString('latin1');
}

/** Decode one GeneralName TLV. */
export function decodeGeneralName(t: Tlv, context: string): GeneralName {
  const type = BY_TAG[t.tag];
  if (!type) throw new MitmError('MG_ERR_X509_PARSE', `${context}: unknown GeneralName tag 0x${t.tag.toString(16)}`);
  const bytes = t.value;
  switch (type) {
    case 'email':
    case 'dns':
    case 'uri':
      return { type, text: ia5(bytes, context), bytes };
    case 'dn': {
      const r = new DerReader(bytes, context);
      const dn = parseName(r.read(TAG.SEQUENCE, 'directoryName'), context);
      r.end();
      return { type, text: dn.text, bytes, dn };
    }
    case 'rid':
      return { type, text: decodeOid(bytes, context), bytes };
    case 'other': {
      const r = new DerReader(bytes, context);
      const oid = decodeOid(r.read(TAG.OID, 'type-id').value, context);
      r.read(0xa0, 'otherName value');
      r.end();
      return { type, text: oid, bytes };
    }
    default:
      return { type, text: Buffer.from(bytes).toString('hex'), bytes };
  }
}

/** A SEQUENCE OF GeneralName (RFC 5280 §4.2.1.6: SIZE (1..MAX)). */
export function decodeGeneralNames(seq: DerReader, context: string): GeneralName[] {
  const out: GeneralName[] = [];
  while (!seq.done) out.push(decodeGeneralName(seq.read(undefined, 'GeneralName'), context));
  if (out.length === 0) throw new MitmError('MG_ERR_X509_PARSE', `${context}: empty GeneralNames`);
  return out;
}

/** Text form of an IP address: dotted quad or RFC 5952 canonical IPv6. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return Buffer.from(bytes).toString('hex');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 §4.2: compress the longest run (≥2) of zero words, the first one on a tie.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parse an IP address text into 4 or 16 bytes; undefined when it is not one (strict dotted-quad, no leading zeros). */
export function parseIp(text: string): Uint8Array | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.');
    if (parts.some((p) => (p.length > 1 && p.startsWith('0')) || Number(p) > 255)) return undefined;
    return Uint8Array.from(parts.map(Number));
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text, tailV4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIp(text.slice(lastColon + 1));
    if (!tailV4) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const toWords = (s: string) => (s === '' ? [] : s.split(':'));
  const a = toWords(halves[0]!), b = halves.length === 2 ? toWords(halves[1]!) : [];
  if ([...a, ...b].some((w) => !/^[0-9a-fA-F]{1,4}$/.test(w))) return undefined;
  const fill = 8 - a.length - b.length;
  if ((halves.length === 1 && fill !== 0) || (halves.length === 2 && fill < 1)) return undefined;
  const words = [...a, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...b].map((w) => parseInt(w, 16));
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  if (tailV4) out.set(tailV4, 12);
  return out;
}

/** `DNS:example.com`, `IP:192.0.2.1`, `email:a@b` — the form `cert show` prints. */
export function describeGeneralName(n: GeneralName): string {
  const label: Record<GeneralNameType, string> = {
    other: 'othername', email: 'email', dns: 'DNS', x400: 'X400', dn: 'DirName', edi: 'EdiParty', uri: 'URI', ip: 'IP', rid: 'RID',
  };
  return `${label[n.type]}:${n.type === 'ip' ? formatIp(n.bytes) : n.text}`;
}
