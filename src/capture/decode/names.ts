/**
 * The DNS family on the wire: unicast DNS (RFC 1035), mDNS (RFC 6762), LLMNR (RFC 4795) share the message format
 * and go through src/dns's decoder; NetBIOS Name Service (RFC 1002 §4.2) also does, its names "first-level encoded"
 * (RFC 1001 §14.1) and its NB records decoded here.
 */
import { MitmError } from '../../errors.js';
import { decodeMessage, type DnsMessage } from '../../dns/message.js';
import { typeName } from '../../dns/types.js';
import { ipv4At } from '../packet.js';

export type NameProtocol = 'dns' | 'mdns' | 'llmnr' | 'nbns';

/** UDP ports of each protocol (a server port on either side selects the decoder). */
export const NAME_PORTS: Readonly<Record<number, NameProtocol>> = { 53: 'dns', 5353: 'mdns', 5355: 'llmnr', 137: 'nbns' };

export interface NameAnswer {
  name: string;
  type: string;
  /** An address, a target name, or text. */
  value: string;
  ttl: number;
}

export interface NameMessage {
  protocol: NameProtocol;
  id: number;
  response: boolean;
  rcode: number;
  /** Question names, lower-case without the trailing dot (NBNS names decoded, suffix byte dropped). */
  questions: Array<{ name: string; type: string }>;
  answers: NameAnswer[];
  /** The full DNS message for callers that need more (DNSSEC records, authority section). */
  message: DnsMessage;
}

const typeOf = (protocol: NameProtocol, t: number): string => (protocol === 'nbns' && t === 32 ? 'NB' : typeName(t));

const lower = (n: string) => (n.endsWith('.') ? n.slice(0, -1) : n).toLowerCase();

/** RFC 1001 §14.1: each byte as two letters 'A'+nibble; 16 bytes, the last a service suffix, space-padded. */
export function decodeNetbiosName(label: string): string {
  if (label.length !== 32 || !/^[A-P]+$/i.test(label)) return label.toLowerCase();
  let out = '';
  for (let i = 0; i < 30; i += 2) out += String.fromCharCode(((label.charCodeAt(i) & 0x1f) - 1) * 16 + ((label.charCodeAt(i + 1) & 0x1f) - 1));
  return out.trimEnd().toLowerCase();
}

function nbnsName(n: string): string {
  const first = lower(n).split('.')[0] ?? '';
  return decodeNetbiosName(first.toUpperCase());
}

export function decodeNameMessage(protocol: NameProtocol, payload: Uint8Array): NameMessage {
  const message = decodeMessage(payload);
  const nameOf = protocol === 'nbns' ? nbnsName : lower;
  const answers: NameAnswer[] = [];
  for (const r of message.answers) {
    const type = typeOf(protocol, r.type);
    if (r.data.type === 'A' || r.data.type === 'AAAA') answers.push({ name: nameOf(r.name), type, value: r.data.address, ttl: r.ttl });
    else if ('target' in r.data) answers.push({ name: nameOf(r.name), type, value: lower(r.data.target), ttl: r.ttl });
    else if (protocol === 'nbns' && r.type === 32) {
      // RFC 1002 §4.2.2: NB_FLAGS u16 then an IPv4 address, repeated.
      if (r.rdata.length % 6 !== 0) throw new MitmError('MG_ERR_DNS_PACKET', `NB record of ${r.rdata.length} bytes`, { details: { length: r.rdata.length } });
      for (let o = 0; o + 6 <= r.rdata.length; o += 6) answers.push({ name: nameOf(r.name), type: 'NB', value: ipv4At(r.rdata, o + 2), ttl: r.ttl });
    }
  }
  return {
    protocol,
    id: message.id,
    response: message.qr,
    rcode: message.rcode,
    questions: message.questions.map((q) => ({ name: nameOf(q.name), type: typeOf(protocol, q.type) })),
    answers,
    message,
  };
}
