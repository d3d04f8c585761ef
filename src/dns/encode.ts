/**
 * Encode a DnsMessage back to wire form without compression (RFC 1035 §4.1). The hostile and spoofing servers of the
 * tests build their answers with it, and so can any tool that needs to relay an edited answer.
 */
import { ByteWriter } from '../bytes.js';
import type { DnsMessage, DnsRecord } from './message.js';
import { wireOf } from './name.js';

function writeRecord(w: ByteWriter, r: DnsRecord): void {
  w.bytes(wireOf(r.name)).u16(r.type).u16(r.class).u32(r.ttl).vector(2, (x) => x.bytes(r.rdata));
}

export function encodeMessage(m: DnsMessage): Uint8Array {
  const flags =
    (m.qr ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.aa ? 0x0400 : 0) | (m.tc ? 0x0200 : 0) | (m.rd ? 0x0100 : 0) |
    (m.ra ? 0x0080 : 0) | (m.ad ? 0x0020 : 0) | (m.cd ? 0x0010 : 0) | (m.rcode & 0xf);
  const w = new ByteWriter().u16(m.id).u16(flags);
  const opt = m.edns ? 1 : 0;
  w.u16(m.questions.length).u16(m.answers.length).u16(m.authorities.length).u16(m.additionals.length + opt);
  for (const q of m.questions) w.bytes(wireOf(q.name)).u16(q.type).u16(q.class);
  for (const r of [...m.answers, ...m.authorities, ...m.additionals]) writeRecord(w, r);
  if (m.edns) {
    // RFC 6891 §6.1.3: extended rcode, version, DO bit in the TTL field; options dropped.
    const ttl = (((m.rcode >> 4) & 0xff) << 24) | ((m.edns.version & 0xff) << 16) | (m.edns.dnssecOk ? 0x8000 : 0);
    w.u8(0).u16(41).u16(m.edns.udpSize).u32(ttl >>> 0).u16(0);
  }
  return w.finish();
}
