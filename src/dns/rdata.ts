/**
 * Typed views of rdata, one decoder per type in a table. Input is the expanded rdata from ./message.ts; a decoder
 * must consume it exactly (ByteReader.end) so trailing garbage is a MG_ERR_DNS_PACKET, never silently ignored.
 */
import { ByteReader, toHex } from '../bytes.js';
import { MitmError, isMitmError } from '../errors.js';
import { base32hexEncode } from './base32hex.js';
import { readName } from './name.js';
import { decodeNsec3Param, type Nsec3ParamRdata } from './nsec3param.js';
import { decodeSvcb, type SvcbRdata } from './svcb.js';
import { RR_TYPES } from './types.js';

export interface SoaRdata { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
export interface DsRdata { keyTag: number; algorithm: number; digestType: number; digest: Uint8Array }
export interface DnskeyRdata { flags: number; protocol: number; algorithm: number; publicKey: Uint8Array }
export interface RrsigRdata {
  typeCovered: number; algorithm: number; labels: number; originalTtl: number;
  expiration: number; inception: number; keyTag: number; signerName: string; signature: Uint8Array;
  /** Rdata up to and excluding the signature: the RRSIG_RDATA of RFC 4034 §3.1.8.1. */
  signedPrefix: Uint8Array;
}
export interface NsecRdata { nextName: string; types: number[] }
export interface Nsec3Rdata {
  hashAlgorithm: number; flags: number; iterations: number; salt: Uint8Array;
  /** Next hashed owner name in base32hex, lower case. */
  nextHashed: string; types: number[];
}
export interface TlsaRdata { usage: number; selector: number; matchingType: number; data: Uint8Array }
export interface CaaRdata { flags: number; tag: string; value: string }

export type Rdata =
  | { type: 'A' | 'AAAA'; address: string }
  | { type: 'NS' | 'CNAME' | 'DNAME' | 'PTR'; target: string }
  | { type: 'MX'; preference: number; exchange: string }
  | { type: 'TXT'; strings: string[] }
  | ({ type: 'SOA' } & SoaRdata)
  | ({ type: 'DS' | 'CDS' } & DsRdata)
  | ({ type: 'DNSKEY' | 'CDNSKEY' } & DnskeyRdata)
  | ({ type: 'RRSIG' } & RrsigRdata)
  | ({ type: 'NSEC' } & NsecRdata)
  | ({ type: 'NSEC3' } & Nsec3Rdata)
  | ({ type: 'NSEC3PARAM' } & Nsec3ParamRdata)
  | ({ type: 'TLSA' } & TlsaRdata)
  | ({ type: 'CAA' } & CaaRdata)
  | ({ type: 'SVCB' | 'HTTPS' } & SvcbRdata)
  | { type: 'unknown'; hex: string };

function name(r: ByteReader, rdata: Uint8Array): string {
  const { name: n, next } = readName(rdata, r.position);
  r.skip(next - r.position, 'name');
  return n;
}

/** RFC 4034 §4.1.2 type bit maps: window, length 1..32, bitmap; windows strictly increasing. */
export function decodeTypeBitmap(r: ByteReader): number[] {
  const types: number[] = [];
  let lastWindow = -1;
  while (!r.done) {
    const window = r.u8('window');
    if (window <= lastWindow) throw new MitmError('MG_ERR_DNS_PACKET', 'type bitmap windows out of order');
    lastWindow = window;
    const len = r.u8('bitmap length');
    if (len < 1 || len > 32) throw new MitmError('MG_ERR_DNS_PACKET', `type bitmap length ${len} outside 1..32`);
    const bits = r.take(len, 'bitmap');
    for (let i = 0; i < len; i++) for (let b = 0; b < 8; b++) if (bits[i]! & (0x80 >> b)) types.push(window * 256 + i * 8 + b);
  }
  return types;
}

function ipv6(b: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // Shorten the longest zero run so addresses read as people write them.
  const s = words.join(':');
  const best = s.match(/(^|:)0(:0)+(:|$)/g)?.sort((a, b) => b.length - a.length)[0];
  return best ? s.replace(best, '::') : s;
}

const DS = (r: ByteReader) => ({ keyTag: r.u16('key tag'), algorithm: r.u8('algorithm'), digestType: r.u8('digest type'), digest: r.rest() });
const DNSKEY = (r: ByteReader) => ({ flags: r.u16('flags'), protocol: r.u8('protocol'), algorithm: r.u8('algorithm'), publicKey: r.rest() });

const DECODERS: Record<number, (r: ByteReader, rdata: Uint8Array) => Rdata> = {
  [RR_TYPES.A]: (r) => ({ type: 'A', address: [...r.take(4, 'A')].join('.') }),
  [RR_TYPES.AAAA]: (r) => ({ type: 'AAAA', address: ipv6(r.take(16, 'AAAA')) }),
  [RR_TYPES.NS]: (r, d) => ({ type: 'NS', target: name(r, d) }),
  [RR_TYPES.CNAME]: (r, d) => ({ type: 'CNAME', target: name(r, d) }),
  [RR_TYPES.DNAME]: (r, d) => ({ type: 'DNAME', target: name(r, d) }),
  [RR_TYPES.PTR]: (r, d) => ({ type: 'PTR', target: name(r, d) }),
  [RR_TYPES.MX]: (r, d) => ({ type: 'MX', preference: r.u16('preference'), exchange: name(r, d) }),
  [RR_TYPES.TXT]: (r) => {
    const strings: string[] = [];
    while (!r.done) strings.push(Buffer.from(r.vector(1, 'character-string').rest()).toString('utf8'));
    return { type: 'TXT', strings };
  },
  [RR_TYPES.SOA]: (r, d) => ({
    type: 'SOA', mname: name(r, d), rname: name(r, d), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32(),
  }),
  [RR_TYPES.DS]: (r) => ({ type: 'DS', ...DS(r) }),
  [RR_TYPES.CDS]: (r) => ({ type: 'CDS', ...DS(r) }),
  [RR_TYPES.DNSKEY]: (r) => ({ type: 'DNSKEY', ...DNSKEY(r) }),
  [RR_TYPES.CDNSKEY]: (r) => ({ type: 'CDNSKEY', ...DNSKEY(r) }),
  [RR_TYPES.RRSIG]: (r, d) => {
    const fixed = {
      typeCovered: r.u16('type covered'), algorithm: r.u8('algorithm'), labels: r.u8('labels'), originalTtl: r.u32('original ttl'),
      expiration: r.u32('expiration'), inception: r.u32('inception'), keyTag: r.u16('key tag'),
    };
    const signerName = name(r, d);
    const signedPrefix = d.subarray(0, r.position);
    const signature = r.rest();
    if (signature.length === 0) throw new MitmError('MG_ERR_DNS_PACKET', 'RRSIG has an empty signature');
    return { type: 'RRSIG', ...fixed, signerName, signedPrefix, signature };
  },
  [RR_TYPES.NSEC]: (r, d) => ({ type: 'NSEC', nextName: name(r, d), types: decodeTypeBitmap(r) }),
  [RR_TYPES.NSEC3]: (r) => {
    const hashAlgorithm = r.u8('hash algorithm');
    const flags = r.u8('flags');
    const iterations = r.u16('iterations');
    const salt = r.vector(1, 'salt').rest();
    const next = r.vector(1, 'next hashed owner').rest();
    if (next.length === 0) throw new MitmError('MG_ERR_DNS_PACKET', 'NSEC3 next hashed owner is empty');
    return { type: 'NSEC3', hashAlgorithm, flags, iterations, salt, nextHashed: base32hexEncode(next), types: decodeTypeBitmap(r) };
  },
  [RR_TYPES.NSEC3PARAM]: (r) => ({ type: 'NSEC3PARAM', ...decodeNsec3Param(r.rest()) }),
  [RR_TYPES.TLSA]: (r) => ({ type: 'TLSA', usage: r.u8('usage'), selector: r.u8('selector'), matchingType: r.u8('matching type'), data: r.rest() }),
  [RR_TYPES.CAA]: (r) => {
    const flags = r.u8('flags');
    const tag = Buffer.from(r.vector(1, 'tag').rest()).toString('latin1');
    // RFC 8659 §4.1: the tag is 1..15 US-ASCII letters and digits.
    if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) throw new MitmError('MG_ERR_DNS_PACKET', `CAA tag ${JSON.stringify(tag)} is invalid`);
    return { type: 'CAA', flags, tag: tag.toLowerCase(), value: Buffer.from(r.rest()).toString('utf8') };
  },
  [RR_TYPES.SVCB]: (r) => ({ type: 'SVCB', ...decodeSvcb(r.rest()) }),
  [RR_TYPES.HTTPS]: (r) => ({ type: 'HTTPS', ...decodeSvcb(r.rest()) }),
};

/** Decode rdata of `type`; unknown types are kept as hex (RFC 3597). Malformed rdata → MG_ERR_DNS_PACKET. */
export function decodeRdata(type: number, rdata: Uint8Array): Rdata {
  const decode = DECODERS[type];
  if (!decode) return { type: 'unknown', hex: toHex(rdata) };
  try {
    const r = new ByteReader(rdata, `rdata type ${type}`);
    const out = decode(r, rdata);
    r.end();
    return out;
  } catch (err) {
    if (isMitmError(err, 'MG_ERR_DNS_PACKET')) throw err;
    throw new MitmError('MG_ERR_DNS_PACKET', `rdata of type ${type}: ${(err as Error).message}`, { cause: err });
  }
}
