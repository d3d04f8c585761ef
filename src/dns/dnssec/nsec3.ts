/**
 * Authenticated denial with NSEC3 (RFC 5155 §8): hashed owner names, the closest encloser proof, opt-out.
 * Input NSEC3 records must already be validated.
 */
import { createHash } from 'node:crypto';
import { base32hexEncode } from '../base32hex.js';
import type { DnsRecord } from '../message.js';
import { isSubdomain, nameLabels, normalizeName, parentName } from '../name.js';
import type { Nsec3Rdata } from '../rdata.js';
import { RR_TYPES } from '../types.js';
import { DNS_LIMITS } from '../limits.js';
import { canonicalNameWire } from './canonical.js';

export interface Nsec3Entry {
  /** Hash in base32hex, lower case (the first label of the owner name). */
  hash: string;
  next: string;
  optOut: boolean;
  types: number[];
  params: { algorithm: number; iterations: number; salt: Uint8Array };
}

export function nsec3Entries(records: readonly DnsRecord[], zone: string): Nsec3Entry[] {
  return records
    .filter((r) => r.type === RR_TYPES.NSEC3 && r.data.type === 'NSEC3' && parentName(normalizeName(r.name)) === zone)
    .map((r) => {
      const d = r.data as unknown as Nsec3Rdata;
      return {
        hash: nameLabels(normalizeName(r.name))[0]!,
        next: d.nextHashed,
        // RFC 5155 §3.1.2.1: flag bit 0 (the lowest) is Opt-Out.
        optOut: (d.flags & 1) === 1,
        types: d.types,
        params: { algorithm: d.hashAlgorithm, iterations: d.iterations, salt: d.salt },
      };
    });
}

/** RFC 5155 §5: IH(salt, x, 0) = H(x | salt); IH(salt, x, k) = H(IH(salt, x, k-1) | salt). Algorithm 1 is SHA-1. */
export function nsec3Hash(name: string, salt: Uint8Array, iterations: number): string {
  let h = createHash('sha1').update(canonicalNameWire(name)).update(salt).digest();
  for (let i = 0; i < iterations; i++) h = createHash('sha1').update(h).update(salt).digest();
  return base32hexEncode(h);
}

function hashCovers(e: Nsec3Entry, h: string): boolean {
  // base32hex preserves byte order, so string comparison of equal-length hashes is hash order.
  return e.hash < e.next ? e.hash < h && h < e.next : e.hash < h || h < e.next;
}

export type Nsec3Proof =
  | { ok: true; kind: 'nxdomain' | 'nodata' | 'wildcard-nodata' | 'opt-out' | 'wildcard-answer'; matched?: Nsec3Entry }
  | { ok: false; reason: string; insecure?: boolean };

class Hasher {
  private cache = new Map<string, string>();
  constructor(readonly entries: readonly Nsec3Entry[]) {}
  hash(name: string): string {
    const p = this.entries[0]!.params;
    let h = this.cache.get(name);
    if (!h) this.cache.set(name, (h = nsec3Hash(name, p.salt, p.iterations)));
    return h;
  }
  match(name: string): Nsec3Entry | undefined {
    const h = this.hash(name);
    return this.entries.find((e) => e.hash === h);
  }
  cover(name: string): Nsec3Entry | undefined {
    const h = this.hash(name);
    return this.entries.find((e) => hashCovers(e, h));
  }
}

function usable(entries: readonly Nsec3Entry[]): { ok: false; reason: string; insecure?: boolean } | null {
  const first = entries[0];
  if (!first) return { ok: false, reason: 'no NSEC3 records in the denial' };
  if (first.params.algorithm !== 1) return { ok: false, reason: `NSEC3 hash algorithm ${first.params.algorithm} is unknown`, insecure: true };
  // RFC 9276 §3.2: a validator may treat responses with too many iterations as insecure rather than burn CPU.
  if (first.params.iterations > DNS_LIMITS.maxNsec3Iterations) {
    return { ok: false, reason: `NSEC3 uses ${first.params.iterations} iterations (limit ${DNS_LIMITS.maxNsec3Iterations})`, insecure: true };
  }
  const salt = Buffer.from(first.params.salt);
  if (entries.some((e) => e.params.iterations !== first.params.iterations || !salt.equals(Buffer.from(e.params.salt)))) {
    return { ok: false, reason: 'NSEC3 records in one answer use different parameters' };
  }
  return null;
}

/** RFC 5155 §8.3: the closest encloser (matched) and the next closer name (covered). */
function closestEncloser(qname: string, zone: string, h: Hasher): { ce: string; nextCloser: string; cover: Nsec3Entry } | null {
  let candidate = qname;
  let child: string | null = null;
  while (isSubdomain(candidate, zone)) {
    if (h.match(candidate)) {
      if (!child) return null; // qname itself exists: not a closest-encloser situation
      const cover = h.cover(child);
      return cover ? { ce: candidate, nextCloser: child, cover } : null;
    }
    child = candidate;
    const p = parentName(candidate);
    if (!p) break;
    candidate = p;
  }
  return null;
}

export function nsec3ProveNxdomain(qname: string, entries: readonly Nsec3Entry[], zone: string): Nsec3Proof {
  const bad = usable(entries);
  if (bad) return bad;
  const h = new Hasher(entries);
  const ce = closestEncloser(qname, zone, h);
  if (!ce) return { ok: false, reason: `no NSEC3 closest encloser proof for ${qname}` };
  const wc = h.cover(ce.ce === '.' ? '*.' : `*.${ce.ce}`);
  if (!wc) return { ok: false, reason: `no NSEC3 record proves that the wildcard *.${ce.ce} does not exist` };
  // RFC 5155 §9.2: with Opt-Out over the next closer name an unsigned delegation could exist; not provably secure.
  if (ce.cover.optOut) return { ok: true, kind: 'opt-out' };
  return { ok: true, kind: 'nxdomain' };
}

export function nsec3ProveNodata(qname: string, qtype: number, entries: readonly Nsec3Entry[], zone: string): Nsec3Proof {
  const bad = usable(entries);
  if (bad) return bad;
  const h = new Hasher(entries);
  const m = h.match(qname);
  if (m) {
    if (m.types.includes(qtype)) return { ok: false, reason: `the NSEC3 record for ${qname} says type ${qtype} exists` };
    if (m.types.includes(RR_TYPES.CNAME)) return { ok: false, reason: `the NSEC3 record for ${qname} says a CNAME exists` };
    return { ok: true, kind: 'nodata', matched: m };
  }
  const ce = closestEncloser(qname, zone, h);
  if (!ce) return { ok: false, reason: `no NSEC3 record matches ${qname} and no closest encloser proof` };
  // RFC 5155 §8.6: DS NODATA under an Opt-Out span proves only that any delegation there is unsigned.
  if (qtype === RR_TYPES.DS && ce.cover.optOut) return { ok: true, kind: 'opt-out' };
  // RFC 5155 §8.7: wildcard NODATA — the wildcard at the closest encloser exists without the type.
  const wc = h.match(ce.ce === '.' ? '*.' : `*.${ce.ce}`);
  if (wc && !wc.types.includes(qtype) && !wc.types.includes(RR_TYPES.CNAME)) return { ok: true, kind: 'wildcard-nodata' };
  return { ok: false, reason: `no NSEC3 record proves that ${qname} has no type ${qtype} records` };
}

/** RFC 5155 §8.8: a wildcard answer needs an NSEC3 covering the next closer name of the source of synthesis. */
export function nsec3ProveWildcardAnswer(qname: string, rrsigLabels: number, entries: readonly Nsec3Entry[]): Nsec3Proof {
  const bad = usable(entries);
  if (bad) return bad;
  const labels = nameLabels(qname);
  const nextCloser = labels.slice(labels.length - rrsigLabels - 1).join('.') + '.';
  const h = new Hasher(entries);
  return h.cover(nextCloser)
    ? { ok: true, kind: 'wildcard-answer' }
    : { ok: false, reason: `the answer was expanded from a wildcard, but no NSEC3 record proves ${nextCloser} does not exist` };
}

