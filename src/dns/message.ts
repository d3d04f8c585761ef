/**
 * Sans-IO decoder of DNS messages (RFC 1035 §4.1). We keep each record's rdata as canonical bytes (names inside it
 * expanded, RFC 3597 §4 lists which types may carry compressed names) so that DNSSEC can rebuild the signed data
 * exactly, and decode typed values through the table in ./rdata.ts. Every malformed input fails with MG_ERR_DNS_PACKET.
 */
import { ByteReader } from '../bytes.js';
import { MitmError, isMitmError } from '../errors.js';
import { DNS_LIMITS } from './limits.js';
import { readName, wireOf } from './name.js';
import { decodeRdata, type Rdata } from './rdata.js';
import { typeName } from './types.js';

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsRecord {
  /** Owner name as received (case preserved, trailing dot). */
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** Rdata with any compressed names expanded, case preserved. */
  rdata: Uint8Array;
  /** Typed view of the rdata. */
  data: Rdata;
}

export interface DnsEdns {
  udpSize: number;
  extendedRcode: number;
  version: number;
  dnssecOk: boolean;
  /** Extended DNS Errors (RFC 8914) the server sent: info code and text. */
  ede: { code: number; text: string }[];
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  edns: DnsEdns | null;
}

const TYPE_OPT = 41;

function packetError(message: string, cause?: unknown): MitmError {
  return new MitmError('MG_ERR_DNS_PACKET', message, cause === undefined ? {} : { cause });
}


/**
 * Rdata layouts that may contain compressed names (RFC 3597 §4: only the RFC 1035 types; RFC 4034 forbids it in
 * DNSSEC types). Each entry lists the fields in order: 'name', or a fixed number of octets, or 'rest'.
 */
const COMPRESSIBLE: Record<number, readonly ('name' | number | 'rest')[]> = {
  2: ['name'], // NS
  5: ['name'], // CNAME
  6: ['name', 'name', 20], // SOA
  12: ['name'], // PTR
  15: [2, 'name'], // MX
  39: ['name'], // DNAME (RFC 6672 §2.5 says no compression on send, but expand if received)
};

function expandRdata(msg: Uint8Array, start: number, length: number, type: number): Uint8Array {
  const layout = COMPRESSIBLE[type];
  const end = start + length;
  if (!layout) return msg.slice(start, end);
  const parts: number[] = [];
  let pos = start;
  for (const field of layout) {
    if (field === 'name') {
      const { name, next } = readName(msg, pos);
      if (next > end) throw packetError(`${typeName(type)} rdata name runs past its rdlength`);
      parts.push(...wireOf(name));
      pos = next;
    } else if (field === 'rest') {
      parts.push(...msg.subarray(pos, end));
      pos = end;
    } else {
      if (pos + field > end) throw packetError(`${typeName(type)} rdata is truncated`);
      parts.push(...msg.subarray(pos, pos + field));
      pos += field;
    }
  }
  if (pos !== end) throw packetError(`${typeName(type)} rdata has ${end - pos} trailing bytes`);
  return Uint8Array.from(parts);
}


function readRecord(msg: Uint8Array, r: ByteReader): DnsRecord {
  const { name, next } = readName(msg, r.position);
  r.skip(next - r.position, 'owner name');
  const type = r.u16('type');
  const klass = r.u16('class');
  const ttl = r.u32('ttl');
  const rdlength = r.u16('rdlength');
  const start = r.position;
  r.skip(rdlength, 'rdata');
  const rdata = expandRdata(msg, start, rdlength, type);
  return { name, type, class: klass, ttl, rdata, data: decodeRdata(type, rdata) };
}

/** Decode one DNS message. Throws MitmError MG_ERR_DNS_PACKET on anything malformed, truncated or oversized. */
export function decodeMessage(msg: Uint8Array): DnsMessage {
  if (msg.length > DNS_LIMITS.maxMessageBytes) throw new MitmError('MG_ERR_TOO_LARGE', `DNS message of ${msg.length} bytes`);
  try {
    const r = new ByteReader(msg, 'dns message');
    const id = r.u16('id');
    const flags = r.u16('flags');
    const counts = [r.u16('qdcount'), r.u16('ancount'), r.u16('nscount'), r.u16('arcount')] as const;
    if (counts[0] > DNS_LIMITS.maxQuestions) throw packetError(`${counts[0]} questions (limit ${DNS_LIMITS.maxQuestions})`);
    if (counts[1] + counts[2] + counts[3] > DNS_LIMITS.maxRecords) {
      throw packetError(`${counts[1] + counts[2] + counts[3]} records (limit ${DNS_LIMITS.maxRecords}): oversized answer`);
    }
    const questions: DnsQuestion[] = [];
    for (let i = 0; i < counts[0]; i++) {
      const { name, next } = readName(msg, r.position);
      r.skip(next - r.position, 'question name');
      questions.push({ name, type: r.u16('qtype'), class: r.u16('qclass') });
    }
    const sections: DnsRecord[][] = [[], [], []];
    for (let s = 0; s < 3; s++) for (let i = 0; i < counts[s + 1]!; i++) sections[s]!.push(readRecord(msg, r));
    r.end('dns message');
    const [answers, authorities, allAdditionals] = sections as [DnsRecord[], DnsRecord[], DnsRecord[]];
    const opts = allAdditionals.filter((x) => x.type === TYPE_OPT);
    if (opts.length > 1) throw packetError('more than one OPT record (RFC 6891 §6.1.1)');
    const opt = opts[0];
    const edns = opt ? decodeOpt(opt) : null;
    return {
      id,
      qr: (flags & 0x8000) !== 0,
      opcode: (flags >> 11) & 0xf,
      aa: (flags & 0x0400) !== 0,
      tc: (flags & 0x0200) !== 0,
      rd: (flags & 0x0100) !== 0,
      ra: (flags & 0x0080) !== 0,
      ad: (flags & 0x0020) !== 0,
      cd: (flags & 0x0010) !== 0,
      rcode: (flags & 0xf) | ((edns?.extendedRcode ?? 0) << 4),
      questions,
      answers,
      authorities,
      additionals: allAdditionals.filter((x) => x.type !== TYPE_OPT),
      edns,
    };
  } catch (err) {
    if (isMitmError(err, 'MG_ERR_DNS_PACKET')) throw err;
    if (isMitmError(err)) throw packetError(err.message, err);
    throw packetError(`DNS message could not be decoded: ${(err as Error).message}`, err);
  }
}

/** RFC 6891 §6.1.3: the OPT TTL field carries extended rcode, version and the DO bit; rdata holds options. */
function decodeOpt(opt: DnsRecord): DnsEdns {
  const ede: { code: number; text: string }[] = [];
  const r = new ByteReader(opt.rdata, 'OPT rdata');
  while (!r.done) {
    const code = r.u16('option code');
    const body = r.vector(2, 'option');
    if (code === 15) {
      // RFC 8914 §2: INFO-CODE then UTF-8 EXTRA-TEXT.
      const info = body.u16('EDE info code');
      ede.push({ code: info, text: Buffer.from(body.rest()).toString('utf8') });
    }
  }
  return {
    udpSize: opt.class,
    extendedRcode: opt.ttl >>> 24,
    version: (opt.ttl >>> 16) & 0xff,
    dnssecOk: (opt.ttl & 0x8000) !== 0,
    ede,
  };
}
