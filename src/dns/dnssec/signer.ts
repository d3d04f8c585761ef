/**
 * A small DNSSEC signer: make zone keys and RRSIGs with node:crypto. The validator's unit tests sign their own
 * records with it, and the lab can use it to play an attacker who re-signs answers with keys of their own.
 */
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { ByteWriter } from '../../bytes.js';
import { decodeRdata } from '../rdata.js';
import type { DnsRecord } from '../message.js';
import { labelCount, normalizeName } from '../name.js';
import { RR_TYPES } from '../types.js';
import { canonicalNameWire, signedData } from './canonical.js';
import { keyTag } from './keytag.js';
import type { RrsigRdata } from '../rdata.js';

export interface SigningKey {
  zone: string;
  algorithm: number;
  flags: number;
  privateKey: KeyObject;
  /** DNSKEY rdata. */
  rdata: Uint8Array;
  tag: number;
  record: DnsRecord;
}

const HASH: Record<number, string | null> = { 8: 'sha256', 10: 'sha512', 13: 'sha256', 14: 'sha384', 15: null, 16: null };

function publicKeyBytes(algorithm: number, pub: KeyObject): Uint8Array {
  const jwk = pub.export({ format: 'jwk' }) as { n?: string; e?: string; x?: string; y?: string };
  const b = (s?: string) => Buffer.from(s ?? '', 'base64url');
  if (algorithm === 8 || algorithm === 10) {
    const e = b(jwk.e);
    // RFC 3110 §2: one-octet exponent length when it fits.
    return Uint8Array.from(Buffer.concat([e.length < 256 ? Buffer.from([e.length]) : Buffer.from([0, e.length >> 8, e.length & 0xff]), e, b(jwk.n)]));
  }
  if (algorithm === 13 || algorithm === 14) return Uint8Array.from(Buffer.concat([b(jwk.x), b(jwk.y)]));
  return Uint8Array.from(b(jwk.x));
}

/** Generate a zone key for `zone` (flags 257 for a KSK/CSK, 256 for a ZSK). */
export function generateZoneKey(zone: string, algorithm: 8 | 10 | 13 | 14 | 15 | 16, flags = 257): SigningKey {
  const pair =
    algorithm === 8 || algorithm === 10 ? generateKeyPairSync('rsa', { modulusLength: 1024 })
      : algorithm === 13 ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : algorithm === 14 ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
          : algorithm === 15 ? generateKeyPairSync('ed25519') : generateKeyPairSync('ed448');
  const pk = publicKeyBytes(algorithm, pair.publicKey);
  const rdata = new ByteWriter().u16(flags).u8(3).u8(algorithm).bytes(pk).finish();
  const z = normalizeName(zone);
  return {
    zone: z, algorithm, flags, privateKey: pair.privateKey, rdata, tag: keyTag(rdata),
    record: { name: z, type: RR_TYPES.DNSKEY, class: 1, ttl: 300, rdata, data: decodeRdata(RR_TYPES.DNSKEY, rdata) },
  };
}

export interface SignOptions {
  inception: number;
  expiration: number;
  /** Override the labels field (to sign a wildcard as `*.zone`, give the wildcard's label count). */
  labels?: number;
}

/** Sign an RRset and return the RRSIG record (RFC 4034 §3.1). */
export function signRrset(rrset: readonly DnsRecord[], key: SigningKey, options: SignOptions): DnsRecord {
  const first = rrset[0]!;
  const labels = options.labels ?? labelCount(normalizeName(first.name));
  const signer = canonicalNameWire(key.zone);
  const prefix = new ByteWriter()
    .u16(first.type).u8(key.algorithm).u8(labels).u32(first.ttl).u32(options.expiration).u32(options.inception).u16(key.tag)
    .bytes(signer).finish();
  const sigFields = { signedPrefix: prefix, labels, originalTtl: first.ttl } as RrsigRdata;
  const data = signedData(sigFields, rrset);
  const hash = HASH[key.algorithm] ?? null;
  const signature = key.algorithm === 13 || key.algorithm === 14
    ? cryptoSign(hash, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : cryptoSign(hash, data, key.privateKey);
  const rdata = Uint8Array.from(Buffer.concat([prefix, signature]));
  return { name: first.name, type: RR_TYPES.RRSIG, class: 1, ttl: first.ttl, rdata, data: decodeRdata(RR_TYPES.RRSIG, rdata) };
}
