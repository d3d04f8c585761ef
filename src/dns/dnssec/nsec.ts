/**
 * Authenticated denial with NSEC (RFC 4035 §5.4, RFC 6840 §4.1, §4.3). Input NSEC records must already be validated;
 * these functions only reason about names and type bitmaps.
 */
import type { DnsRecord } from '../message.js';
import { compareCanonical, isSubdomain, nameLabels, normalizeName } from '../name.js';
import type { NsecRdata } from '../rdata.js';
import { RR_TYPES } from '../types.js';

export interface NsecEntry {
  owner: string;
  next: string;
  types: number[];
}

export function nsecEntries(records: readonly DnsRecord[]): NsecEntry[] {
  return records
    .filter((r) => r.type === RR_TYPES.NSEC && r.data.type === 'NSEC')
    .map((r) => ({ owner: normalizeName(r.name), next: normalizeName((r.data as unknown as NsecRdata).nextName), types: (r.data as unknown as NsecRdata).types }));
}

/** owner < name < next in canonical order; the last NSEC of a zone wraps around to the apex. */
export function nsecCovers(e: NsecEntry, name: string): boolean {
  const afterOwner = compareCanonical(e.owner, name) < 0;
  const beforeNext = compareCanonical(name, e.next) < 0;
  return compareCanonical(e.owner, e.next) < 0 ? afterOwner && beforeNext : afterOwner || beforeNext;
}

function commonSuffix(a: string, b: string): string {
  const la = nameLabels(a).reverse();
  const lb = nameLabels(b).reverse();
  const out: string[] = [];
  for (let i = 0; i < Math.min(la.length, lb.length) && la[i] === lb[i]; i++) out.push(la[i]!);
  return out.length ? out.reverse().join('.') + '.' : '.';
}

export type NsecProof =
  | { ok: true; kind: 'nxdomain' | 'nodata' | 'wildcard-nodata' | 'ent-nodata'; matched?: NsecEntry }
  | { ok: false; reason: string };

/** Proof that `qname` does not exist and no wildcard could have matched it. */
export function nsecProveNxdomain(qname: string, entries: readonly NsecEntry[], zone: string): NsecProof {
  const cover = entries.find((e) => nsecCovers(e, qname));
  if (!cover) return { ok: false, reason: `no NSEC record proves that ${qname} does not exist` };
  // The closest encloser is the longer common ancestor of qname with the covering NSEC's owner or next name.
  const a = commonSuffix(qname, cover.owner);
  const b = commonSuffix(qname, cover.next);
  let ce = nameLabels(a).length >= nameLabels(b).length ? a : b;
  if (!isSubdomain(ce, zone)) ce = zone;
  const wildcard = ce === '.' ? '*.' : `*.${ce}`;
  const wcCover = entries.find((e) => nsecCovers(e, wildcard));
  if (!wcCover) return { ok: false, reason: `no NSEC record proves that the wildcard ${wildcard} does not exist` };
  return { ok: true, kind: 'nxdomain' };
}

/** Proof that `qname` exists but holds no `qtype` (nor a CNAME), directly, as an empty non-terminal, or via a wildcard. */
export function nsecProveNodata(qname: string, qtype: number, entries: readonly NsecEntry[], zone: string): NsecProof {
  const match = entries.find((e) => e.owner === qname);
  if (match) {
    if (match.types.includes(qtype)) return { ok: false, reason: `the NSEC record at ${qname} says ${qtype} exists` };
    if (match.types.includes(RR_TYPES.CNAME)) return { ok: false, reason: `the NSEC record at ${qname} says a CNAME exists` };
    return { ok: true, kind: 'nodata', matched: match };
  }
  // RFC 4035 §3.1.3.2 / RFC 6840 §4.3? An empty non-terminal: the covering NSEC's next name lies below qname.
  const cover = entries.find((e) => nsecCovers(e, qname));
  if (cover && isSubdomain(cover.next, qname)) return { ok: true, kind: 'ent-nodata' };
  // RFC 4035 §3.1.3.4 wildcard NODATA: qname covered, and the wildcard at the closest encloser lacks the type.
  if (cover) {
    const a = commonSuffix(qname, cover.owner);
    const b = commonSuffix(qname, cover.next);
    const ce = nameLabels(a).length >= nameLabels(b).length ? a : b;
    const wc = entries.find((e) => e.owner === `*.${ce}` && isSubdomain(ce, zone));
    if (wc && !wc.types.includes(qtype) && !wc.types.includes(RR_TYPES.CNAME)) return { ok: true, kind: 'wildcard-nodata' };
  }
  return { ok: false, reason: `no NSEC record proves that ${qname} has no ${qtype} records` };
}

/** For a wildcard-expanded answer: proof that `qname` itself does not exist (RFC 4035 §5.3.4). */
export function nsecProveWildcardAnswer(qname: string, entries: readonly NsecEntry[]): NsecProof {
  return entries.some((e) => nsecCovers(e, qname))
    ? { ok: true, kind: 'nxdomain' }
    : { ok: false, reason: `the answer was expanded from a wildcard, but no NSEC record proves ${qname} does not exist` };
}
