/**
 * DHCPv4 (RFC 2131 §2, options RFC 2132) and DHCPv6 (RFC 8415 §8, §21) messages: what a rogue-server detector needs —
 * message type, server identity, offered address, routers and DNS servers. Lengths are checked against the datagram.
 */
import { MitmError } from '../../errors.js';
import { macAt } from '../link.js';
import { ipv4At, ipv6At } from '../packet.js';

export const DHCP_MESSAGE_TYPES: Readonly<Record<number, string>> = {
  1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 4: 'DECLINE', 5: 'ACK', 6: 'NAK', 7: 'RELEASE', 8: 'INFORM',
};

export interface DhcpMessage {
  op: 'request' | 'reply';
  transactionId: number;
  clientMac: string;
  /** Option 53 by name (`OFFER`, `ACK`, …); `BOOTP` when the option is absent. */
  messageType: string;
  yourAddress: string;
  /** Option 54, else siaddr. */
  serverId: string;
  routers: string[];
  dnsServers: string[];
  domainName: string | null;
}

/** RFC 2131 §3: the magic cookie 99.130.83.99 that starts the options. */
const MAGIC = [99, 130, 83, 99];

function ipv4List(b: Uint8Array): string[] {
  const out: string[] = [];
  for (let o = 0; o + 4 <= b.length; o += 4) out.push(ipv4At(b, o));
  return out;
}

export function decodeDhcp(d: Uint8Array): DhcpMessage {
  // RFC 2131 §2: 236 fixed bytes, then the cookie and options.
  if (d.length < 240) throw new MitmError('MG_ERR_TRUNCATED', `DHCP message of ${d.length} bytes (needs 240)`, { details: { length: d.length } });
  if (d[0] !== 1 && d[0] !== 2) throw new MitmError('MG_ERR_MALFORMED', `DHCP op ${d[0]}`, { details: { op: d[0] } });
  if (!MAGIC.every((m, i) => d[236 + i] === m)) throw new MitmError('MG_ERR_MALFORMED', 'DHCP message without the magic cookie');
  const msg: DhcpMessage = {
    op: d[0] === 1 ? 'request' : 'reply',
    transactionId: ((d[4]! << 24) >>> 0) + ((d[5]! << 16) | (d[6]! << 8) | d[7]!),
    clientMac: macAt(d, 28),
    messageType: 'BOOTP',
    yourAddress: ipv4At(d, 16),
    serverId: ipv4At(d, 20),
    routers: [],
    dnsServers: [],
    domainName: null,
  };
  let off = 240;
  while (off < d.length) {
    const code = d[off]!;
    if (code === 255) break;
    if (code === 0) { off++; continue; }
    if (off + 2 > d.length) throw new MitmError('MG_ERR_TRUNCATED', `DHCP option ${code} has no length`, { details: { code } });
    const len = d[off + 1]!;
    if (off + 2 + len > d.length) throw new MitmError('MG_ERR_TRUNCATED', `DHCP option ${code} of ${len} bytes runs past the message`, { details: { code, length: len } });
    const v = d.subarray(off + 2, off + 2 + len);
    if (code === 53 && len >= 1) msg.messageType = DHCP_MESSAGE_TYPES[v[0]!] ?? `type-${v[0]}`;
    else if (code === 54 && len === 4) msg.serverId = ipv4At(v, 0);
    else if (code === 3) msg.routers = ipv4List(v);
    else if (code === 6) msg.dnsServers = ipv4List(v);
    else if (code === 15) msg.domainName = String.fromCharCode(...v);
    off += 2 + len;
  }
  return msg;
}

export const DHCPV6_MESSAGE_TYPES: Readonly<Record<number, string>> = {
  1: 'SOLICIT', 2: 'ADVERTISE', 3: 'REQUEST', 4: 'CONFIRM', 5: 'RENEW', 6: 'REBIND', 7: 'REPLY', 8: 'RELEASE',
  9: 'DECLINE', 10: 'RECONFIGURE', 11: 'INFORMATION-REQUEST', 12: 'RELAY-FORW', 13: 'RELAY-REPL',
};

export interface Dhcpv6Message {
  messageType: string;
  transactionId: number;
  /** Server identifier (option 2) DUID in hex, or null. */
  serverDuid: string | null;
  clientDuid: string | null;
  /** OPTION_DNS_SERVERS (23, RFC 3646). */
  dnsServers: string[];
  /** OPTION_DOMAIN_LIST (24). */
  domains: string[];
  /** IA_NA addresses (option 3 → 5). */
  addresses: string[];
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function v6Options(d: Uint8Array, start: number, each: (code: number, v: Uint8Array) => void): void {
  let off = start;
  while (off + 4 <= d.length) {
    const code = (d[off]! << 8) | d[off + 1]!;
    const len = (d[off + 2]! << 8) | d[off + 3]!;
    if (off + 4 + len > d.length) throw new MitmError('MG_ERR_TRUNCATED', `DHCPv6 option ${code} of ${len} bytes runs past the message`, { details: { code, length: len } });
    each(code, d.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  if (off !== d.length) throw new MitmError('MG_ERR_MALFORMED', 'DHCPv6 options end in the middle of an option header');
}

function dnsNames(b: Uint8Array): string[] {
  const out: string[] = [];
  let labels: string[] = [];
  let off = 0;
  while (off < b.length) {
    const len = b[off++]!;
    if (len === 0) { out.push(labels.join('.')); labels = []; continue; }
    if (len > 63 || off + len > b.length) throw new MitmError('MG_ERR_MALFORMED', 'DHCPv6 domain label runs past its option');
    labels.push(String.fromCharCode(...b.subarray(off, off + len)));
    off += len;
  }
  return out;
}

/** RFC 8415 §8: msg-type, transaction-id (3 bytes), options. Relay messages are not unwrapped. */
export function decodeDhcpv6(d: Uint8Array): Dhcpv6Message {
  if (d.length < 4) throw new MitmError('MG_ERR_TRUNCATED', `DHCPv6 message of ${d.length} bytes`, { details: { length: d.length } });
  const msg: Dhcpv6Message = {
    messageType: DHCPV6_MESSAGE_TYPES[d[0]!] ?? `type-${d[0]}`,
    transactionId: (d[1]! << 16) | (d[2]! << 8) | d[3]!,
    serverDuid: null, clientDuid: null, dnsServers: [], domains: [], addresses: [],
  };
  if (d[0] === 12 || d[0] === 13) return msg;
  v6Options(d, 4, (code, v) => {
    if (code === 1) msg.clientDuid = hex(v);
    else if (code === 2) msg.serverDuid = hex(v);
    else if (code === 23) for (let o = 0; o + 16 <= v.length; o += 16) msg.dnsServers.push(ipv6At(v, o));
    else if (code === 24) msg.domains.push(...dnsNames(v));
    else if (code === 3 && v.length >= 12) {
      // IA_NA: IAID, T1, T2, then options; IAADDR (5) holds the address first.
      v6Options(v, 12, (c, a) => {
        if (c === 5 && a.length >= 16) msg.addresses.push(ipv6At(a, 0));
      });
    }
  });
  return msg;
}
