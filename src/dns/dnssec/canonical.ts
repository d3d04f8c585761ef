/**
 * Canonical form and order (RFC 4034 §6): names lower-cased and uncompressed, records of an RRset sorted by their
 * canonical rdata, and the signed data of an RRSIG (RFC 4034 §3.1.8.1) built from them.
 */
import { createHash } from 'node:crypto';
import { concatBytes } from '../../bytes.js';
import type { DnsRecord } from '../message.js';
import { wireOf } from '../name.js';
import { nameLabels } from '../name.js';
import type { RrsigRdata } from '../rdata.js';

/** Lower-case A–Z in a wire name. Length octets are at most 63, below 'A' (65), so a byte-wise map is safe. */
function lowerWire(b: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) if (b[i]! >= 0x41 && b[i]! <= 0x5a) b[i] = b[i]! | 0x20;
}

/** Length of the uncompressed wire name starting at `off`. */
function wireNameEnd(b: Uint8Array, off: number): number {
  let p = off;
  while (p < b.length && b[p] !== 0) p += b[p]! + 1;
  return Math.min(p + 1, b.length);
}

/**
 * Offsets of embedded names to lower-case, per type: RFC 4034 §6.2 item 3 as amended by RFC 6840 §5.1 (NSEC's next
 * name is no longer lower-cased). Each value is the offset of the name; SOA has two names back to back.
 */
const NAME_OFFSETS: Record<number, (b: Uint8Array) => [number, number][]> = {
  2: (b) => [[0, b.length]], // NS
  5: (b) => [[0, b.length]], // CNAME
  12: (b) => [[0, b.length]], // PTR
  39: (b) => [[0, b.length]], // DNAME
  15: (b) => [[2, b.length]], // MX
  33: (b) => [[6, b.length]], // SRV
  6: (b) => { const e = wireNameEnd(b, 0); return [[0, e], [e, wireNameEnd(b, e)]]; }, // SOA
  46: (b) => [[18, wireNameEnd(b, 18)]], // RRSIG signer
};

export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array {
  const f = NAME_OFFSETS[type];
  if (!f) return rdata;
  const out = Uint8Array.from(rdata);
  for (const [from, to] of f(out)) lowerWire(out, from, to);
  return out;
}

export function canonicalNameWire(name: string): Uint8Array {
  const w = Uint8Array.from(wireOf(name));
  lowerWire(w, 0, w.length);
  return w;
}

/**
 * The data an RRSIG signs: RRSIG_RDATA without the signature (signer lower-cased), then each RR in canonical order
 * with the original TTL, owner replaced by `*.` + the rightmost `labels` labels when the RRSIG labels field says the
 * answer was synthesised from a wildcard (RFC 4035 §5.3.2), and duplicates removed (RFC 4034 §6.3).
 */
export function signedData(sig: RrsigRdata, rrset: readonly DnsRecord[]): Uint8Array {
  const first = rrset[0];
  if (!first) return new Uint8Array(0);
  const prefix = canonicalRdata(46, concatBytes([sig.signedPrefix, new Uint8Array(0)]));
  const labels = nameLabels(first.name.toLowerCase());
  const owner = sig.labels < labels.length ? '*.' + labels.slice(labels.length - sig.labels).join('.') + '.' : first.name;
  const ownerWire = canonicalNameWire(owner);
  const rdatas = rrset.map((r) => Buffer.from(canonicalRdata(r.type, r.rdata)));
  rdatas.sort(Buffer.compare);
  const parts: Uint8Array[] = [prefix];
  let prev: Buffer | null = null;
  for (const rd of rdatas) {
    if (prev && prev.equals(rd)) continue;
    prev = rd;
    const head = Buffer.alloc(10);
    head.writeUInt16BE(first.type, 0);
    head.writeUInt16BE(first.class, 2);
    head.writeUInt32BE(sig.originalTtl, 4);
    head.writeUInt16BE(rd.length, 8);
    parts.push(ownerWire, head, rd);
  }
  return concatBytes(parts);
}

/** DS digest (RFC 4034 §5.1.4): hash of canonical owner name | DNSKEY rdata. */
export function dsDigest(owner: string, dnskeyRdata: Uint8Array, hash: string): Uint8Array {
  return createHash(hash).update(canonicalNameWire(owner)).update(dnskeyRdata).digest();
}
