/**
 * The lab's DNS data and answers, sans-IO: the zone `lab.mitmguard.test.` signed at lab start with src/dns/dnssec's
 * signer (one ECDSA P-256 combined signing key, NSEC for denial), an unsigned child zone delegated without a DS, and
 * a responder that answers a query's bytes with a response's bytes the way a recursive resolver passes records through
 * to a validating client (RA set, RRSIG and NSEC only when DO is set, TC when the answer does not fit a UDP payload).
 *
 * What each name shows is documented in docs/lab.md and src/lab/dns-names.ts. The spoofed name is the man in the
 * middle: its A record was signed with the genuine address and is served with the lab's address under that signature.
 */
import { createHash } from 'node:crypto';
import { ByteWriter, toHex } from '../bytes.js';
import { dsDigest } from '../dns/dnssec/canonical.js';
import { generateZoneKey, signRrset, type SigningKey } from '../dns/dnssec/signer.js';
import { encodeMessage } from '../dns/encode.js';
import { decodeMessage, type DnsMessage, type DnsRecord } from '../dns/message.js';
import { wireOf } from '../dns/name.js';
import { compareCanonical, isSubdomain, normalizeName, parentName } from '../dns/name.js';
import { decodeRdata } from '../dns/rdata.js';
import { CLASS_IN, RR_TYPES } from '../dns/types.js';
import { LAB_CA_ID, LAB_DNS_NAMES, LAB_ZONE } from './dns-names.js';

/** Bounds of the responder: what a query may ask and how large an answer over UDP may be. */
export const LAB_DNS_LIMITS = {
  /** Largest query accepted (a query is one question plus an OPT record: far below this). */
  maxQueryBytes: 512,
  /** UDP payload the server offers and honours at most (the DNS flag day 2020 value). */
  maxUdpPayload: 1232,
  /** RFC 1035 §4.2.1: without EDNS a UDP answer is at most 512 bytes. */
  plainUdpPayload: 512,
} as const;

const TTL = 300;
/** RFC 5737 TEST-NET-1: the address the spoofed name's owner published and signed; the man in the middle serves another. */
export const GENUINE_SPOOFED_ADDRESS = '192.0.2.53';
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;

export interface LabZoneInput {
  /** The address every lab name points at (the endpoints listen there). */
  address: string;
  /** Ports of the endpoints whose TLSA records the zone publishes (`_port._tcp.name`). */
  securePort: number;
  danePort: number;
  /** SPKI (DER) of the key the secure endpoint presents: its TLSA 3 1 1 record matches it. */
  secureSpki: Uint8Array;
  /** SPKI (DER) of a key no endpoint presents: the dane name's TLSA record (a rollover without a TLSA update). */
  staleSpki: Uint8Array;
  /** Signature validity start, seconds since the epoch (default: now − 1 h). */
  now?: number;
}

interface RrsetEntry {
  records: DnsRecord[];
  sigs: DnsRecord[];
}

export interface LabZone {
  zone: string;
  /** The unsigned child zone, delegated from `zone` without a DS record. */
  child: string;
  key: SigningKey;
  /** The DS record of the zone's key, in zone-file form: the trust anchor (`dns check --anchor`). */
  anchorText: string;
  /** The same anchor in BIND `trust-anchors` syntax, for `delv -a`. */
  bindAnchorText: string;
  signed: Map<string, Map<number, RrsetEntry>>;
  unsigned: Map<string, Map<number, DnsRecord[]>>;
  /** NSEC owners of the signed zone in canonical order. */
  owners: string[];
}

function record(name: string, type: number, rdata: Uint8Array, ttl = TTL): DnsRecord {
  return { name: normalizeName(name), type, class: CLASS_IN, ttl, rdata, data: decodeRdata(type, rdata) };
}

const aRdata = (address: string) => Uint8Array.from(address.split('.').map(Number));
const nameRdata = (n: string) => Uint8Array.from(wireOf(normalizeName(n)));
const soaRdata = (zone: string) =>
  new ByteWriter().bytes(wireOf(`ns.${LAB_ZONE}`)).bytes(wireOf(`hostmaster.${zone}`)).u32(1).u32(3600).u32(600).u32(86400).u32(TTL).finish();
const caaRdata = (tag: string, value: string) =>
  new ByteWriter().u8(0).vector(1, (w) => w.bytes(Buffer.from(tag, 'latin1'))).bytes(Buffer.from(value, 'utf8')).finish();
const tlsaRdata = (spki: Uint8Array) => new ByteWriter().u8(3).u8(1).u8(1).bytes(createHash('sha256').update(spki).digest()).finish();

/** RFC 4034 §4.1.2: the NSEC type bit map, one window block per 256 types. */
export function typeBitmap(types: readonly number[]): Uint8Array {
  const w = new ByteWriter();
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  for (let window = 0; window < 256; window++) {
    const inWindow = sorted.filter((t) => t >> 8 === window).map((t) => t & 0xff);
    if (inWindow.length === 0) continue;
    const bits = new Uint8Array((Math.max(...inWindow) >> 3) + 1);
    for (const t of inWindow) bits[t >> 3]! |= 0x80 >> (t & 7);
    w.u8(window).u8(bits.length).bytes(bits);
  }
  return w.finish();
}

/**
 * Build and sign the lab zone (a few milliseconds: one P-256 key, one signature per RRset).
 *
 * @example const zone = buildLabZone({ address: '127.0.0.1', securePort: 21115, danePort: 21118, secureSpki, staleSpki });
 */
export function buildLabZone(input: LabZoneInput): LabZone {
  const zone = LAB_ZONE;
  const child = normalizeName(LAB_DNS_NAMES.insecure);
  const fq = (n: string) => normalizeName(n);
  const now = input.now ?? Math.floor(Date.now() / 1000) - 3600;
  const window = { inception: now, expiration: now + 30 * 86400 };
  const key = generateZoneKey(zone, 13, 257);

  // Authoritative data of the signed zone, as served; `signedAs` holds what was signed where the two differ.
  const data: DnsRecord[] = [
    record(zone, RR_TYPES.SOA, soaRdata(zone)),
    record(zone, RR_TYPES.NS, nameRdata(`ns.${zone}`)),
    key.record,
    record(zone, RR_TYPES.CAA, caaRdata('issue', LAB_CA_ID)),
    record(`ns.${zone}`, RR_TYPES.A, aRdata(input.address)),
    record(LAB_DNS_NAMES.secure, RR_TYPES.A, aRdata(input.address)),
    record(LAB_DNS_NAMES.secure, RR_TYPES.CAA, caaRdata('issue', LAB_CA_ID)),
    record(`_${input.securePort}._tcp.${LAB_DNS_NAMES.secure}`, RR_TYPES.TLSA, tlsaRdata(input.secureSpki)),
    record(LAB_DNS_NAMES.spoofed, RR_TYPES.A, aRdata(input.address)),
    record(LAB_DNS_NAMES.dane, RR_TYPES.A, aRdata(input.address)),
    record(`_${input.danePort}._tcp.${LAB_DNS_NAMES.dane}`, RR_TYPES.TLSA, tlsaRdata(input.staleSpki)),
    // The delegation: NS only, no DS — the child is not signed.
    record(child, RR_TYPES.NS, nameRdata(`ns.${zone}`)),
  ];
  const signedAs = new Map<string, DnsRecord[]>([[`${fq(LAB_DNS_NAMES.spoofed)}/${RR_TYPES.A}`, [record(LAB_DNS_NAMES.spoofed, RR_TYPES.A, aRdata(GENUINE_SPOOFED_ADDRESS))]]]);

  const signed = new Map<string, Map<number, RrsetEntry>>();
  for (const r of data) {
    const node = signed.get(r.name) ?? new Map<number, RrsetEntry>();
    signed.set(r.name, node);
    const set = node.get(r.type) ?? { records: [], sigs: [] };
    node.set(r.type, set);
    set.records.push(r);
  }
  const owners = [...signed.keys()].sort(compareCanonical);
  // RFC 4034 §4: one NSEC per owner, each pointing at the next in canonical order, the last back to the apex.
  owners.forEach((owner, i) => {
    const node = signed.get(owner)!;
    const next = owners[(i + 1) % owners.length]!;
    const types = [...node.keys(), RR_TYPES.RRSIG, RR_TYPES.NSEC];
    const rdata = new ByteWriter().bytes(wireOf(next)).bytes(typeBitmap(types)).finish();
    node.set(RR_TYPES.NSEC, { records: [record(owner, RR_TYPES.NSEC, rdata)], sigs: [] });
  });
  for (const [owner, node] of signed) {
    for (const [type, set] of node) {
      // RFC 4035 §2.2: the NS set at a delegation point is not signed (the child is authoritative for it).
      if (owner === child && type === RR_TYPES.NS) continue;
      set.sigs = [signRrset(signedAs.get(`${owner}/${type}`) ?? set.records, key, window)];
    }
  }

  const unsigned = new Map<string, Map<number, DnsRecord[]>>();
  for (const r of [record(child, RR_TYPES.SOA, soaRdata(child)), record(child, RR_TYPES.NS, nameRdata(`ns.${zone}`)), record(child, RR_TYPES.A, aRdata(input.address))]) {
    const node = unsigned.get(r.name) ?? new Map<number, DnsRecord[]>();
    unsigned.set(r.name, node);
    node.set(r.type, [...(node.get(r.type) ?? []), r]);
  }

  const digest = toHex(dsDigest(zone, key.rdata, 'sha256')).toUpperCase();
  const anchorText = `; trust anchor of the mitmguard lab zone (made at lab start; valid while this lab runs)\n${zone} IN DS ${key.tag} 13 2 ${digest}\n`;
  const bindAnchorText = `trust-anchors {\n  "${zone}" static-ds ${key.tag} 13 2 "${digest}";\n};\n`;
  return { zone, child, key, anchorText, bindAnchorText, signed, unsigned, owners };
}

interface Lookup {
  rcode: number;
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

/** The NSEC owner whose span covers `name` (owner < name < next, wrapping at the end of the zone). */
function coveringOwner(z: LabZone, name: string): string {
  let best = z.owners[z.owners.length - 1]!;
  for (const o of z.owners) if (compareCanonical(o, name) < 0) best = o;
  return best;
}

function nsecOf(z: LabZone, owner: string, dnssec: boolean): DnsRecord[] {
  if (!dnssec) return [];
  const set = z.signed.get(owner)!.get(RR_TYPES.NSEC)!;
  return [...set.records, ...set.sigs];
}

function soaOf(z: LabZone, dnssec: boolean): DnsRecord[] {
  const set = z.signed.get(z.zone)!.get(RR_TYPES.SOA)!;
  return [...set.records, ...(dnssec ? set.sigs : [])];
}

const existsBelow = (z: LabZone, name: string) => z.owners.some((o) => o !== name && isSubdomain(o, name));

/** Answer one question from the signed zone (with NSEC proofs when `dnssec`). */
function lookupSigned(z: LabZone, qname: string, qtype: number, dnssec: boolean): Lookup {
  const node = z.signed.get(qname);
  if (node) {
    if (qtype === RR_TYPES.RRSIG && dnssec) {
      const sigs = [...node.values()].flatMap((s) => s.sigs);
      if (sigs.length) return { rcode: RCODE.NOERROR, answers: sigs, authorities: [] };
    }
    const set = node.get(qtype);
    if (set && !(qtype === RR_TYPES.NSEC && !dnssec)) return { rcode: RCODE.NOERROR, answers: [...set.records, ...(dnssec ? set.sigs : [])], authorities: [] };
    // NODATA (RFC 4035 §3.1.3.1): the NSEC at the name lists the types it has.
    return { rcode: RCODE.NOERROR, answers: [], authorities: [...soaOf(z, dnssec), ...nsecOf(z, qname, dnssec)] };
  }
  if (existsBelow(z, qname)) {
    // An empty non-terminal (e.g. `_tcp.secure…`): NODATA, proven by the NSEC whose span holds the name (§3.1.3.2).
    return { rcode: RCODE.NOERROR, answers: [], authorities: [...soaOf(z, dnssec), ...nsecOf(z, coveringOwner(z, qname), dnssec)] };
  }
  // NXDOMAIN (§3.1.3.2): an NSEC covering the name and one covering the wildcard at its closest encloser.
  let encloser = parentName(qname)!;
  while (encloser !== z.zone && !z.signed.has(encloser) && !existsBelow(z, encloser)) encloser = parentName(encloser)!;
  const proofs = [...new Set([coveringOwner(z, qname), coveringOwner(z, `*.${encloser}`)])];
  return { rcode: RCODE.NXDOMAIN, answers: [], authorities: [...soaOf(z, dnssec), ...proofs.flatMap((o) => nsecOf(z, o, dnssec))] };
}

/** Answer from the unsigned child zone: data without any DNSSEC records, as such a zone's servers give it. */
function lookupUnsigned(z: LabZone, qname: string, qtype: number): Lookup {
  const soa = z.unsigned.get(z.child)!.get(RR_TYPES.SOA)!;
  const node = z.unsigned.get(qname);
  const set = node?.get(qtype);
  if (set) return { rcode: RCODE.NOERROR, answers: set, authorities: [] };
  return { rcode: node ? RCODE.NOERROR : RCODE.NXDOMAIN, answers: [], authorities: soa };
}

/** What a resolver in front of the lab zone would pass on for `qname`/`qtype`. */
export function lookupLab(z: LabZone, qname: string, qtype: number, dnssec: boolean): Lookup {
  const name = normalizeName(qname);
  if (!isSubdomain(name, z.zone)) return { rcode: RCODE.REFUSED, answers: [], authorities: [] };
  // The DS of the child lives in the parent (RFC 4035 §3.1.4.1); everything else at or below the cut is the child's.
  if (isSubdomain(name, z.child) && !(name === z.child && qtype === RR_TYPES.DS)) return lookupUnsigned(z, name, qtype);
  return lookupSigned(z, name, qtype, dnssec);
}

function emptyResponse(id: number, opcode: number, rcode: number): Uint8Array {
  return encodeMessage({
    id, qr: true, opcode, aa: false, tc: false, rd: false, ra: true, ad: false, cd: false, rcode,
    questions: [], answers: [], authorities: [], additionals: [], edns: null,
  });
}

/**
 * Answer the bytes of one query with the bytes of the response, or null when nothing should be sent (a response, or
 * fewer than 12 bytes: not even a header to answer). Malformed queries get FORMERR; other opcodes NOTIMP; names
 * outside the lab zone REFUSED. Never throws.
 *
 * @example socket.on('message', (q, r) => { const a = answerLabQuery(zone, q, 'udp'); if (a) socket.send(a, r.port, r.address); });
 */
export function answerLabQuery(z: LabZone, raw: Uint8Array, transport: 'udp' | 'tcp'): Uint8Array | null {
  if (raw.length < 12 || raw.length > LAB_DNS_LIMITS.maxQueryBytes) {
    return raw.length < 12 ? null : emptyResponse((raw[0]! << 8) | raw[1]!, 0, RCODE.FORMERR);
  }
  const id = (raw[0]! << 8) | raw[1]!;
  if (raw[2]! & 0x80) return null; // a response: never answer one (no reflection loops)
  let q: DnsMessage;
  try {
    q = decodeMessage(raw);
  } catch {
    return emptyResponse(id, (raw[2]! >> 3) & 0xf, RCODE.FORMERR);
  }
  if (q.opcode !== 0) return emptyResponse(id, q.opcode, RCODE.NOTIMP);
  const question = q.questions[0];
  if (q.questions.length !== 1 || !question || q.answers.length || q.authorities.length) return emptyResponse(id, 0, RCODE.FORMERR);
  const edns = q.edns ? { udpSize: LAB_DNS_LIMITS.maxUdpPayload, extendedRcode: 0, version: 0, dnssecOk: q.edns.dnssecOk, ede: [] } : null;
  const base: DnsMessage = {
    id, qr: true, opcode: 0, aa: false, tc: false, rd: q.rd, ra: true, ad: false, cd: q.cd, rcode: RCODE.NOERROR,
    questions: [question], answers: [], authorities: [], additionals: [], edns,
  };
  // RFC 6891 §6.1.3: only EDNS version 0 exists.
  if (q.edns && q.edns.version !== 0) return encodeMessage({ ...base, rcode: RCODE.BADVERS });
  let found: Lookup;
  if (question.class !== CLASS_IN) found = { rcode: RCODE.REFUSED, answers: [], authorities: [] };
  else {
    try {
      found = lookupLab(z, question.name, question.type, q.edns?.dnssecOk === true);
    } catch {
      found = { rcode: RCODE.FORMERR, answers: [], authorities: [] }; // a name normalizeName refuses
    }
  }
  const full = encodeMessage({ ...base, rcode: found.rcode, answers: found.answers, authorities: found.authorities });
  if (transport === 'tcp') return full;
  const limit = q.edns ? Math.min(Math.max(q.edns.udpSize, LAB_DNS_LIMITS.plainUdpPayload), LAB_DNS_LIMITS.maxUdpPayload) : LAB_DNS_LIMITS.plainUdpPayload;
  // RFC 7766 §5 / RFC 2181 §9: too big for this UDP payload — say so with TC, and the client asks again over TCP.
  return full.length <= limit ? full : encodeMessage({ ...base, tc: true, rcode: found.rcode });
}
