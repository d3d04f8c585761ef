/**
 * DNSSEC chain validation from a trust anchor down to one name (RFC 4035 §5). The validator asks questions with
 * DO+CD, walks the delegations label by label (DS at the parent, DNSKEY at the child), and verifies the final answer
 * or its authenticated denial. The result is one of SECURE, INSECURE, BOGUS or INDETERMINATE (RFC 4033 §5), with the
 * reason in words and the chain it checked.
 *
 * I/O is confined to the `ask` function passed in, so the walk is tested with real servers and reasoned about alone.
 */
import { timingSafeEqual } from 'node:crypto';
import { toHex } from '../../bytes.js';
import { MitmError, toMitmError } from '../../errors.js';
import type { QueryAnomaly, QueryResult } from '../client.js';
import { DNS_LIMITS } from '../limits.js';
import type { DnsMessage, DnsRecord } from '../message.js';
import { isSubdomain, nameLabels, normalizeName, parentName } from '../name.js';
import type { DnskeyRdata, DsRdata, Rdata } from '../rdata.js';
import { RR_TYPES, RCODES, typeName } from '../types.js';
import { ALGORITHMS, DIGESTS, algorithmName } from './algorithms.js';
import type { TrustAnchor } from './anchors.js';
import { dsDigest } from './canonical.js';
import { keyTag } from './keytag.js';
import { nsecEntries, nsecProveNodata, nsecProveNxdomain, nsecProveWildcardAnswer, type NsecProof } from './nsec.js';
import { nsec3Entries, nsec3ProveNodata, nsec3ProveNxdomain, nsec3ProveWildcardAnswer, type Nsec3Proof } from './nsec3.js';
import { reason, type Reason, type DnssecVerdict } from './reasons.js';
import { rrsigsFor, verifyRrset, type VerifyBudget, type ZoneKey } from './rrsig.js';

/** One zone of the checked chain, as the JSON output shows it. */
export interface ChainLink {
  zone: string;
  /** How this zone's keys were trusted: by the anchor, by a DS in the parent, or not at all. */
  trust: 'anchor' | 'ds' | 'insecure' | 'bogus';
  ds: { keyTag: number; algorithm: string; digestType: string }[];
  dnskeys: { keyTag: number; algorithm: string; flags: number; sep: boolean }[];
  note: string;
}

export interface AnswerRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DnssecResult {
  name: string;
  type: string;
  verdict: DnssecVerdict;
  reason: Reason | null;
  rcode: string;
  answers: AnswerRecord[];
  /** Typed rdata of the final answer RRset (for CAA, TLSA, TXT, MX consumers). */
  rdata: Rdata[];
  chain: ChainLink[];
  /** Names followed through CNAMEs, in order. */
  cnames: string[];
  queries: number;
  anomalies: QueryAnomaly[];
  /** Facts worth knowing that do not change the verdict (e.g. a proof that relies on NSEC3 opt-out). */
  notes: string[];
}

export type Ask = (name: string, type: number) => Promise<QueryResult>;

export interface ValidatorOptions {
  anchors: readonly TrustAnchor[];
  ask: Ask;
  /** Validation time in seconds since the epoch (default: now). */
  now?: number;
}

class Stop extends Error {
  constructor(readonly verdict: DnssecVerdict, readonly why: Reason) {
    super(why.text);
  }
}

function rdataText(r: DnsRecord): string {
  const d = r.data as Record<string, unknown>;
  const parts = Object.entries(d)
    .filter(([k]) => k !== 'type' && k !== 'signedPrefix')
    .map(([, v]) => (v instanceof Uint8Array ? toHex(v) : Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)));
  return parts.join(' ');
}

function group(records: readonly DnsRecord[], name: string, type: number): DnsRecord[] {
  const n = normalizeName(name);
  return records.filter((r) => r.type === type && normalizeName(r.name) === n);
}

/** Validates names against a fixed set of anchors; one instance per validation run keeps the caches honest. */
export class Validator {
  private readonly anchors: readonly TrustAnchor[];
  private readonly askRaw: Ask;
  private readonly now: number;
  private readonly budget: VerifyBudget = { verifications: 0 };
  private readonly keyCache = new Map<string, ZoneKey[]>();
  private readonly answerCache = new Map<string, Promise<QueryResult>>();
  private queries = 0;
  private anomalies: QueryAnomaly[] = [];
  private chain: ChainLink[] = [];

  constructor(options: ValidatorOptions) {
    this.anchors = options.anchors;
    this.askRaw = options.ask;
    this.now = options.now ?? Math.floor(Date.now() / 1000);
  }

  private async ask(name: string, type: number): Promise<DnsMessage> {
    const key = `${normalizeName(name)}/${type}`;
    let p = this.answerCache.get(key);
    if (!p) {
      if (++this.queries > DNS_LIMITS.maxQueriesPerValidation) {
        throw new Stop('INDETERMINATE', reason('DNSSEC_INDETERMINATE', `more than ${DNS_LIMITS.maxQueriesPerValidation} queries: stopped`));
      }
      p = this.askRaw(name, type);
      this.answerCache.set(key, p);
    }
    try {
      const res = await p;
      for (const a of res.anomalies) if (!this.anomalies.includes(a)) this.anomalies.push(a);
      const m = res.message;
      if (m.rcode !== 0 && m.rcode !== 3) {
        throw new Stop('INDETERMINATE', reason('NETWORK_ERROR', `${res.server} answered ${RCODES[m.rcode] ?? m.rcode} for ${name} ${typeName(type)}`));
      }
      return m;
    } catch (err) {
      if (err instanceof Stop) throw err;
      const e = toMitmError(err, 'MG_ERR_DNS');
      throw new Stop('INDETERMINATE', reason('NO_REACHABLE_AUTHORITY', `no usable answer for ${name} ${typeName(type)}: ${e.code}: ${e.message}`));
    }
  }

  /**
   * Validate `name`/`type`. Never throws on network or data problems: those become INDETERMINATE or BOGUS.
   *
   * @example
   * const r = await new Validator({ anchors, ask }).validate('www.example.', RR_TYPES.A);
   * r.verdict; // 'SECURE'
   */
  async validate(name: string, type: number): Promise<DnssecResult> {
    const qname = normalizeName(name);
    const result: DnssecResult = {
      name: qname, type: typeName(type), verdict: 'INDETERMINATE', reason: null, rcode: 'NOERROR', answers: [], rdata: [], chain: [], cnames: [], queries: 0, anomalies: [], notes: [],
    };
    try {
      let current = qname;
      for (let hop = 0; ; hop++) {
        const step = await this.validateOne(current, type, result);
        if (!step) break;
        if (hop >= DNS_LIMITS.maxCnameChain) throw new Stop('BOGUS', reason('DNSSEC_BOGUS', `more than ${DNS_LIMITS.maxCnameChain} CNAMEs from ${qname}`));
        result.cnames.push(step);
        current = step;
      }
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      result.verdict = err.verdict;
      result.reason = err.why;
    }
    result.chain = this.chain;
    result.queries = this.queries;
    result.anomalies = this.anomalies;
    return result;
  }

  /** One name (no CNAME following): returns the CNAME target to follow, or null when done. Sets the verdict. */
  private async validateOne(qname: string, qtype: number, result: DnssecResult): Promise<string | null> {
    const anchor = [...this.anchors].filter((a) => isSubdomain(qname, a.zone)).sort((a, b) => nameLabels(b.zone).length - nameLabels(a.zone).length)[0];
    if (!anchor) throw new Stop('INDETERMINATE', reason('DNSSEC_INDETERMINATE', `no trust anchor covers ${qname}`));
    // A DS record lives in the parent zone (RFC 4035 §3.1.4.1), so its answer is checked with the parent's keys.
    const walkName = qtype === RR_TYPES.DS && qname !== anchor.zone ? parentName(qname) ?? qname : qname;
    const walk = await this.walkToZone(walkName, anchor);
    if (walk.insecure) {
      // Still fetch the answer so the user sees it, but it cannot be SECURE.
      const m = await this.ask(qname, qtype);
      result.rcode = RCODES[m.rcode] ?? String(m.rcode);
      result.answers = m.answers.filter((r) => r.type !== RR_TYPES.RRSIG).map((r) => ({ name: normalizeName(r.name), type: typeName(r.type), ttl: r.ttl, data: rdataText(r) }));
      result.rdata = m.answers.filter((r) => r.type === qtype).map((r) => r.data);
      if (result.verdict !== 'BOGUS') {
        result.verdict = 'INSECURE';
        result.reason = walk.insecure;
      }
      const cname = group(m.answers, qname, RR_TYPES.CNAME)[0];
      return qtype !== RR_TYPES.CNAME && cname && cname.data.type === 'CNAME' ? normalizeName(cname.data.target) : null;
    }
    try {
      return await this.answerInZone(qname, qtype, walk.zone, walk.keys, result);
    } catch (err) {
      // Only failures an unsigned delegation would also cause (no signatures, another signer, no denial) turn into
      // INSECURE under doubt; a signature of this zone that does not verify stays BOGUS.
      const unsignedLike = err instanceof Stop && (['RRSIGS_MISSING', 'NSEC_MISSING'].includes(err.why.edeName) || /is signed by .*, not by its zone/.test(err.why.text));
      if (!(err instanceof Stop) || err.verdict !== 'BOGUS' || !walk.doubt || !unsignedLike) throw err;
      this.settle(result, 'INSECURE', walk.doubt);
      return null;
    }
  }

  /** The final question, asked in the deepest zone whose keys we trust. */
  private async answerInZone(qname: string, qtype: number, zone: string, keys: ZoneKey[], result: DnssecResult): Promise<string | null> {
    const m = await this.ask(qname, qtype);
    result.rcode = RCODES[m.rcode] ?? String(m.rcode);
    const wanted = group(m.answers, qname, qtype);
    if (wanted.length > 0) {
      const v = this.verify(wanted, m.answers, keys, zone);
      if (v.wildcard) this.requireWildcardProof(qname, v.labels, m, keys, zone);
      result.answers = wanted.map((r) => ({ name: normalizeName(r.name), type: typeName(r.type), ttl: r.ttl, data: rdataText(r) }));
      result.rdata = wanted.map((r) => r.data);
      this.settle(result, 'SECURE', null);
      return null;
    }
    // RFC 6672 §5.3.3: a signed DNAME at an ancestor rewrites the name; the CNAME beside it is synthesised and
    // unsigned, so we check it only against the rewrite and follow the rewritten name.
    const dname = m.answers.find((r) => r.type === RR_TYPES.DNAME && r.data.type === 'DNAME' && qname !== normalizeName(r.name) && isSubdomain(qname, normalizeName(r.name)));
    if (dname && dname.data.type === 'DNAME') {
      const owner = normalizeName(dname.name);
      const v = this.verify(group(m.answers, owner, RR_TYPES.DNAME), m.answers, keys, zone);
      if (v.wildcard) throw new Stop('BOGUS', reason('DNSSEC_BOGUS', `the DNAME at ${owner} claims to come from a wildcard (RFC 6672 §3.3 forbids it)`));
      const target = normalizeName(qname.slice(0, qname.length - owner.length) + normalizeName(dname.data.target).replace(/^\.$/, ''));
      result.answers = [{ name: owner, type: 'DNAME', ttl: dname.ttl, data: rdataText(dname) }];
      this.settle(result, 'SECURE', null);
      return target;
    }
    const cname = group(m.answers, qname, RR_TYPES.CNAME);
    if (cname.length > 0 && cname[0]!.data.type === 'CNAME') {
      const v = this.verify(cname, m.answers, keys, zone);
      if (v.wildcard) this.requireWildcardProof(qname, v.labels, m, keys, zone);
      result.answers = cname.map((r) => ({ name: normalizeName(r.name), type: 'CNAME', ttl: r.ttl, data: rdataText(r) }));
      this.settle(result, 'SECURE', null);
      return normalizeName(cname[0]!.data.target);
    }
    // No answer: NXDOMAIN or NODATA must be proven by signed NSEC or NSEC3 records.
    this.verifyDenialRecords(m, keys, zone);
    const nx = m.rcode === 3;
    const proof = this.prove(qname, qtype, nx ? 'nxdomain' : 'nodata', m, zone);
    if (!proof.ok) {
      if ('insecure' in proof && proof.insecure) {
        this.settle(result, 'INSECURE', reason('UNSUPPORTED_NSEC3_ITERATIONS', proof.reason));
        return null;
      }
      throw new Stop('BOGUS', reason('NSEC_MISSING', proof.reason));
    }
    if (proof.kind === 'opt-out') {
      // RFC 5155 §8.4 asks only for the closest encloser and wildcard proofs, so this is SECURE (as BIND rules); but
      // §9.2 warns that opt-out cannot rule out an unsigned delegation at the next closer name, so we say so.
      result.notes.push(`the NXDOMAIN proof for ${qname} relies on an NSEC3 opt-out span of ${zone}; an unsigned delegation there would not be excluded (RFC 5155 §9.2)`);
    }
    this.settle(result, 'SECURE', null);
    return null;
  }

  /** A CNAME chain is only as strong as its weakest link: once INSECURE, it never becomes SECURE again. */
  private settle(result: DnssecResult, verdict: DnssecVerdict, why: Reason | null): void {
    if (result.verdict === 'INSECURE' && verdict === 'SECURE' && result.cnames.length > 0) return;
    result.verdict = verdict;
    result.reason = why;
  }

  private verify(rrset: DnsRecord[], section: readonly DnsRecord[], keys: ZoneKey[], zone: string): { wildcard: boolean; labels: number } {
    const v = verifyRrset(rrset, rrsigsFor(section, rrset[0]!.name, rrset[0]!.type), keys, zone, this.now, this.budget);
    if (!v.ok) throw new Stop(v.reason.edeName === 'DNSSEC_INDETERMINATE' ? 'INDETERMINATE' : 'BOGUS', v.reason);
    return { wildcard: v.wildcard, labels: v.sig.labels };
  }

  /** Every NSEC and NSEC3 RRset in the authority section must verify before it may prove anything. */
  private verifyDenialRecords(m: DnsMessage, keys: ZoneKey[], zone: string): void {
    const seen = new Set<string>();
    for (const r of m.authorities) {
      if (r.type !== RR_TYPES.NSEC && r.type !== RR_TYPES.NSEC3) continue;
      const k = `${normalizeName(r.name)}/${r.type}`;
      if (seen.has(k)) continue;
      seen.add(k);
      this.verify(group(m.authorities, r.name, r.type), m.authorities, keys, zone);
    }
  }

  private prove(qname: string, qtype: number, kind: 'nxdomain' | 'nodata', m: DnsMessage, zone: string): NsecProof | Nsec3Proof {
    const nsec = nsecEntries(m.authorities);
    const nsec3 = nsec3Entries(m.authorities, zone);
    if (nsec.length > 0) return kind === 'nxdomain' ? nsecProveNxdomain(qname, nsec, zone) : nsecProveNodata(qname, qtype, nsec, zone);
    if (nsec3.length > 0) return kind === 'nxdomain' ? nsec3ProveNxdomain(qname, nsec3, zone) : nsec3ProveNodata(qname, qtype, nsec3, zone);
    return { ok: false, reason: `the ${kind === 'nxdomain' ? 'NXDOMAIN' : 'empty'} answer for ${qname} ${typeName(qtype)} carries no NSEC or NSEC3 proof, but ${zone} is signed` };
  }

  /** RFC 4035 §5.3.4: a wildcard-expanded answer must come with proof that the exact name does not exist. */
  private requireWildcardProof(qname: string, labels: number, m: DnsMessage, keys: ZoneKey[], zone: string): void {
    this.verifyDenialRecords(m, keys, zone);
    const nsec = nsecEntries(m.authorities);
    const nsec3 = nsec3Entries(m.authorities, zone);
    const p = nsec.length ? nsecProveWildcardAnswer(qname, nsec) : nsec3.length ? nsec3ProveWildcardAnswer(qname, labels, nsec3) : null;
    if (!p || !p.ok) {
      throw new Stop('BOGUS', reason('NSEC_MISSING', p && !p.ok ? p.reason : `${qname} was expanded from a wildcard without proof that ${qname} does not exist`));
    }
  }

  /**
   * Walk from the anchor zone to the deepest zone enclosing `qname`, trusting each child's keys through the DS in
   * its parent. Returns that zone and its keys, or why the chain became insecure.
   */
  private async walkToZone(qname: string, anchor: TrustAnchor): Promise<{ zone: string; keys: ZoneKey[]; insecure: Reason | null; doubt: Reason | null }> {
    let doubt: Reason | null = null;
    let zone = anchor.zone;
    let keys = await this.zoneKeys(zone, 'anchor', anchor);
    const labels = nameLabels(qname);
    const depth = nameLabels(zone).length;
    if (labels.length - depth > DNS_LIMITS.maxChainDepth) {
      throw new Stop('INDETERMINATE', reason('DNSSEC_INDETERMINATE', `${qname} is more than ${DNS_LIMITS.maxChainDepth} labels below ${zone}`));
    }
    for (let i = labels.length - depth - 1; i >= 0; i--) {
      const child = labels.slice(i).join('.') + '.';
      const m = await this.ask(child, RR_TYPES.DS);
      const ds = group(m.answers, child, RR_TYPES.DS);
      if (ds.length > 0) {
        this.verify(ds, m.answers, keys, zone);
        const next = await this.childKeys(child, ds);
        if ('insecure' in next) return { zone: child, keys: [], insecure: next.insecure, doubt };
        zone = child;
        keys = next.keys;
        continue;
      }
      if (group(m.answers, child, RR_TYPES.CNAME).length > 0) break; // a CNAME owner is no zone cut
      if (m.rcode === 3) break; // the name does not exist: the final question will prove the NXDOMAIN
      // No DS: the parent must prove it. NS set and DS absent at `child` is an insecure delegation.
      this.verifyDenialRecords(m, keys, zone);
      const nsec = nsecEntries(m.authorities);
      const nsec3 = nsec3Entries(m.authorities, zone);
      const proof = nsec.length ? nsecProveNodata(child, RR_TYPES.DS, nsec, zone) : nsec3.length ? nsec3ProveNodata(child, RR_TYPES.DS, nsec3, zone) : null;
      if (!proof) {
        throw new Stop('BOGUS', reason('NSEC_MISSING', `${zone} is signed, but the answer that ${child} has no DS record carries no NSEC or NSEC3 proof`));
      }
      if (!proof.ok) {
        // RFC 9276 §3.2: we will not walk NSEC3 with too many iterations. Whether `child` is an unsigned delegation
        // stays unknown, so keep walking inside `zone`: a signed answer still validates, and one that does not becomes
        // INSECURE for this reason rather than BOGUS.
        if ('insecure' in proof && proof.insecure) {
          doubt = reason('UNSUPPORTED_NSEC3_ITERATIONS', proof.reason);
          continue;
        }
        throw new Stop('BOGUS', reason('NSEC_MISSING', proof.reason));
      }
      if (proof.kind === 'opt-out') {
        this.chain.push({ zone: child, trust: 'insecure', ds: [], dnskeys: [], note: `no DS: ${child} lies in an NSEC3 opt-out span of ${zone}` });
        return { zone, keys, doubt, insecure: reason('DNSSEC_INDETERMINATE', `${child} is an unsigned delegation in an NSEC3 opt-out span of ${zone}`) };
      }
      const types = proof.matched?.types ?? [];
      // RFC 6840 §4.4: a DS denial from the child side (SOA present) cannot prove anything about the parent.
      if (types.includes(RR_TYPES.NS) && !types.includes(RR_TYPES.SOA)) {
        this.chain.push({ zone: child, trust: 'insecure', ds: [], dnskeys: [], note: `${zone} proves that the delegation to ${child} has no DS record` });
        return { zone, keys, doubt, insecure: reason('DNSSEC_INDETERMINATE', `${child} is delegated from ${zone} without a DS record: it is not signed (insecure delegation)`) };
      }
      // Not a zone cut: keep walking inside `zone`.
    }
    return { zone, keys, insecure: null, doubt };
  }

  /** Fetch and trust the DNSKEY RRset of `child` through the verified `ds` records of its parent. */
  private async childKeys(child: string, ds: DnsRecord[]): Promise<{ keys: ZoneKey[] } | { insecure: Reason }> {
    const dsData = ds.map((r) => r.data as unknown as DsRdata);
    // RFC 4035 §5.2: when no DS uses an algorithm and digest we support, the zone is treated as insecure.
    const usable = dsData.filter((d) => ALGORITHMS[d.algorithm] && DIGESTS[d.digestType]);
    if (usable.length === 0) {
      const algs = [...new Set(dsData.map((d) => `${algorithmName(d.algorithm)}/digest ${d.digestType}`))].join(', ');
      this.chain.push({ zone: child, trust: 'insecure', ds: dsData.map(dsView), dnskeys: [], note: `only unsupported DS algorithms: ${algs}` });
      const unsupportedDigest = dsData.every((d) => ALGORITHMS[d.algorithm]);
      return { insecure: reason(unsupportedDigest ? 'UNSUPPORTED_DS_DIGEST' : 'UNSUPPORTED_DNSKEY_ALGORITHM', `${child} is signed only with algorithms this validator does not support (${algs})`) };
    }
    return { keys: await this.zoneKeys(child, 'ds', { zone: child, source: 'parent DS', records: usable.map((d) => ({ kind: 'DS' as const, ...d })) }) };
  }

  /**
   * The DNSKEY RRset of `zone`, trusted when a key matching the anchor or DS records signed it (RFC 4035 §5.2).
   */
  private async zoneKeys(zone: string, trust: 'anchor' | 'ds', anchor: TrustAnchor): Promise<ZoneKey[]> {
    const cached = this.keyCache.get(zone);
    if (cached) return cached;
    const m = await this.ask(zone, RR_TYPES.DNSKEY);
    const rrset = group(m.answers, zone, RR_TYPES.DNSKEY);
    const link: ChainLink = {
      zone, trust, note: '',
      ds: anchor.records.filter((r) => r.kind === 'DS').map((r) => dsView(r as unknown as DsRdata)),
      dnskeys: rrset.map((r) => {
        const d = r.data as unknown as DnskeyRdata;
        return { keyTag: keyTag(r.rdata), algorithm: algorithmName(d.algorithm), flags: d.flags, sep: (d.flags & 1) === 1 };
      }),
    };
    this.chain.push(link);
    const fail = (edeName: Parameters<typeof reason>[0], text: string): never => {
      link.trust = 'bogus';
      link.note = text;
      throw new Stop('BOGUS', reason(edeName, text));
    };
    if (rrset.length === 0) fail('DNSKEY_MISSING', `${zone} has no DNSKEY records, but ${trust === 'anchor' ? 'the trust anchor' : 'its parent\'s DS record'} says it is signed`);
    const all: ZoneKey[] = rrset.map((r) => {
      const data = r.data as unknown as DnskeyRdata;
      let key = null;
      try {
        key = ALGORITHMS[data.algorithm]?.importKey(data.publicKey) ?? null;
      } catch {
        key = null; // a malformed key simply cannot verify anything
      }
      return { zone, rdata: r.rdata, data, tag: keyTag(r.rdata), key };
    });
    // Keys the anchor or DS vouches for.
    const entry = all.filter((k) =>
      anchor.records.some((a) => {
        if (a.kind === 'DNSKEY') return Buffer.from(a.rdata).equals(Buffer.from(k.rdata));
        if (a.keyTag !== k.tag || a.algorithm !== k.data.algorithm) return false;
        const d = DIGESTS[a.digestType];
        if (!d || a.digest.length !== d.length) return false;
        return timingSafeEqual(dsDigest(zone, k.rdata, d.hash), a.digest);
      }),
    );
    if (entry.length === 0) {
      fail('DNSKEY_MISSING', `no DNSKEY of ${zone} matches ${trust === 'anchor' ? 'the trust anchor' : `the DS record in the parent zone`} (key tags served: ${all.map((k) => k.tag).join(', ')})`);
    }
    const v = verifyRrset(rrset, rrsigsFor(m.answers, zone, RR_TYPES.DNSKEY), entry, zone, this.now, this.budget);
    if (!v.ok) fail(v.reason.edeName, `the DNSKEY set of ${zone} is not signed by a trusted key: ${v.reason.text}`);
    link.note = `DNSKEY set signed by trusted key ${(v as { key: ZoneKey }).key.tag}`;
    this.keyCache.set(zone, all);
    return all;
  }
}

function dsView(d: DsRdata): ChainLink['ds'][number] {
  return { keyTag: d.keyTag, algorithm: algorithmName(d.algorithm), digestType: DIGESTS[d.digestType]?.name ?? `digest ${d.digestType}` };
}

/** Convenience: validate one name with a fresh validator. */
export async function validateName(name: string, type: number, options: ValidatorOptions): Promise<DnssecResult> {
  if (options.anchors.length === 0) throw new MitmError('MG_ERR_CONFIG', 'no trust anchors configured');
  return new Validator(options).validate(name, type);
}
