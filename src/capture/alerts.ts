/**
 * What the capture detectors can raise, as data: one row per finding id, with its pillar, default severity, title,
 * remediation and references. The detectors build findings from these rows; src/checks/capture.ts registers the same
 * rows in the catalogue, so every id a capture can raise is documented in docs/checks.md.
 */
import { MitmError } from '../errors.js';
import type { Finding, Pillar, Severity } from '../model/index.js';

export interface CaptureAlertDefinition {
  id: string;
  pillar: Pillar;
  severity: Severity;
  title: string;
  description: string;
  remediation: string;
  references: string[];
}

const RFC826 = 'https://www.rfc-editor.org/rfc/rfc826';
const RFC5227 = 'https://www.rfc-editor.org/rfc/rfc5227';
const RFC2131 = 'https://www.rfc-editor.org/rfc/rfc2131';
const RFC4861 = 'https://www.rfc-editor.org/rfc/rfc4861';
const RFC6105 = 'https://www.rfc-editor.org/rfc/rfc6105';
const RFC8415 = 'https://www.rfc-editor.org/rfc/rfc8415';
const RFC4795 = 'https://www.rfc-editor.org/rfc/rfc4795';
const RFC6762 = 'https://www.rfc-editor.org/rfc/rfc6762';
const RFC5452 = 'https://www.rfc-editor.org/rfc/rfc5452';
const RFC5280 = 'https://www.rfc-editor.org/rfc/rfc5280';
const RFC8996 = 'https://www.rfc-editor.org/rfc/rfc8996';
const RFC7469 = 'https://www.rfc-editor.org/rfc/rfc7469';
const RFC8314 = 'https://www.rfc-editor.org/rfc/rfc8314';
const RFC792 = 'https://www.rfc-editor.org/rfc/rfc792';

const rows: CaptureAlertDefinition[] = [
  {
    id: 'capture.arp.mac-changed', pillar: 'network', severity: 'high', title: 'An IP address moved to another MAC address',
    description: 'ARP replies or announcements bound an IPv4 address to one MAC, then to another: the mark of ARP poisoning (arpspoof, ettercap, bettercap), or of a host replaced without notice.',
    remediation: 'Find the port the new MAC sits on; if the move is not planned, disconnect it. Enable Dynamic ARP Inspection on the switches and pin the gateway\'s ARP entry on critical hosts.',
    references: [RFC826, RFC5227],
  },
  {
    id: 'capture.arp.gateway-claimed', pillar: 'network', severity: 'critical', title: 'Another MAC address claims the gateway\'s IP address',
    description: 'ARP says the baseline gateway\'s IP now belongs to a MAC that is not the gateway\'s: every host that believes it sends its traffic through the claimant.',
    remediation: 'Locate and remove the claimant; enable Dynamic ARP Inspection / DHCP snooping; keep the baseline gateway MAC up to date.',
    references: [RFC826],
  },
  {
    id: 'capture.arp.mac-claims-many-ips', pillar: 'network', severity: 'high', title: 'One MAC address claims many IP addresses',
    description: 'A single MAC announced or answered for more distinct IPv4 addresses than a host has: an attacker poisoning a whole subnet, or an unlisted router or proxy-ARP device.',
    remediation: 'Confirm whether the MAC belongs to a router doing proxy ARP (then add it to the baseline\'s allowMacs); otherwise isolate it.',
    references: [RFC826],
  },
  {
    id: 'capture.arp.sender-mismatch', pillar: 'network', severity: 'high', title: 'ARP sender address differs from the Ethernet source',
    description: 'The ARP sender MAC inside the packet is not the frame\'s Ethernet source: crafted ARP, as spoofing tools send it.',
    remediation: 'Find the Ethernet source port and investigate; Dynamic ARP Inspection drops such frames.',
    references: [RFC826],
  },
  {
    id: 'capture.arp.unsolicited-replies', pillar: 'network', severity: 'high', title: 'A host keeps sending ARP replies nobody asked for',
    description: 'Repeated ARP replies (or gratuitous announcements) without a matching request: the steady drip that keeps a poisoned ARP cache poisoned.',
    remediation: 'Identify the sender MAC and its switch port; enable Dynamic ARP Inspection and rate-limit ARP.',
    references: [RFC826, RFC5227],
  },
  {
    id: 'capture.dhcp.rogue-server', pillar: 'network', severity: 'critical', title: 'DHCP answers from a server outside the baseline',
    description: 'A DHCP OFFER or ACK came from a server the baseline does not list: a rogue DHCP server can hand out itself as gateway and DNS server and so sit in the middle of every new client.',
    remediation: 'Find and remove the server; enable DHCP snooping with only the real servers\' ports trusted.',
    references: [RFC2131],
  },
  {
    id: 'capture.dhcp.multiple-servers', pillar: 'network', severity: 'high', title: 'More than one DHCP server answers',
    description: 'Offers or acknowledgements came from more than one server: unless they are a planned failover pair, one of them is rogue.',
    remediation: 'List the real DHCP servers in the baseline (dhcpServers) and remove the others; enable DHCP snooping.',
    references: [RFC2131],
  },
  {
    id: 'capture.dhcp.options-changed', pillar: 'network', severity: 'medium', title: 'A DHCP server changed the router or DNS servers it hands out',
    description: 'The same server offered different routers or DNS servers within the capture, or ones the baseline does not list.',
    remediation: 'Check the DHCP scope configuration; an unexpected router or DNS server in an offer is how a rogue server redirects clients.',
    references: [RFC2131],
  },
  {
    id: 'capture.ipv6.rogue-router', pillar: 'network', severity: 'critical', title: 'Router advertisement from a router outside the baseline',
    description: 'An IPv6 router advertisement came from a router the baseline does not list: hosts accept it and route (and often resolve) through it.',
    remediation: 'Enable RA Guard on the switches (RFC 6105); if IPv6 is not used, disable router discovery on the hosts.',
    references: [RFC4861, RFC6105],
  },
  {
    id: 'capture.ipv6.multiple-routers', pillar: 'network', severity: 'high', title: 'More than one IPv6 router advertises',
    description: 'Router advertisements came from more than one router; unless planned, one is rogue.',
    remediation: 'List the real routers in the baseline (routers) and enable RA Guard.',
    references: [RFC4861, RFC6105],
  },
  {
    id: 'capture.ipv6.rdnss-injected', pillar: 'network', severity: 'high', title: 'Router advertisement hands out unexpected DNS servers',
    description: 'An RA carried RDNSS or DNSSL options naming DNS servers or search domains the baseline does not list (RFC 8106): a way to take over name resolution.',
    remediation: 'Enable RA Guard; list the real DNS servers in the baseline.',
    references: ['https://www.rfc-editor.org/rfc/rfc8106', RFC6105],
  },
  {
    id: 'capture.ipv6.ra-flood', pillar: 'network', severity: 'high', title: 'Router advertisement flood',
    description: 'More router advertisements in a short window than any router sends: a denial-of-service or an attempt to win the race for hosts\' default route.',
    remediation: 'Enable RA Guard and rate-limit ICMPv6 on access ports.',
    references: [RFC4861],
  },
  {
    id: 'capture.ipv6.dhcpv6-rogue-server', pillar: 'network', severity: 'critical', title: 'DHCPv6 server outside the baseline hands out DNS servers',
    description: 'A DHCPv6 ADVERTISE or REPLY came from a server the baseline does not list, naming itself or another host as DNS server: the mitm6 attack on networks that do not use DHCPv6.',
    remediation: 'Block DHCPv6 server messages on access ports (DHCPv6 Guard), or disable IPv6 DHCP on clients that do not need it.',
    references: [RFC8415],
  },
  {
    id: 'capture.ipv6.nd-mac-changed', pillar: 'network', severity: 'high', title: 'An IPv6 address moved to another MAC address',
    description: 'Neighbor advertisements bound one IPv6 address to one MAC, then another: Neighbor Discovery spoofing, the IPv6 form of ARP poisoning.',
    remediation: 'Investigate the new MAC; use SAVI / ND inspection on the switches.',
    references: [RFC4861],
  },
  {
    id: 'capture.icmp.redirect', pillar: 'network', severity: 'high', title: 'ICMP redirect seen',
    description: 'A host was told to send traffic for a destination through another gateway. Legitimate redirects are rare on a well-run network; an attacker uses them to insert itself as the next hop.',
    remediation: 'Disable acceptance of ICMP redirects on hosts (net.ipv4.conf.all.accept_redirects=0) and find the sender.',
    references: [RFC792, RFC4861],
  },
  {
    id: 'capture.names.poisoner', pillar: 'network', severity: 'critical', title: 'One host answers LLMNR/NBT-NS/mDNS queries for many names',
    description: 'A host answered multicast or broadcast name queries for several different names with its own address: Responder-style poisoning that captures NTLM hashes and clear-text logins.',
    remediation: 'Disable LLMNR and NetBIOS over TCP/IP by group policy, find the host, and make sure clients resolve through DNS.',
    references: [RFC4795, 'https://attack.mitre.org/techniques/T1557/001/'],
  },
  {
    id: 'capture.names.unexpected-responder', pillar: 'network', severity: 'high', title: 'LLMNR/NBT-NS answer from a host outside the baseline',
    description: 'A broadcast/multicast name query was answered by a host the baseline does not list as a responder. On networks where DNS is authoritative, such answers are how Responder poisons clients.',
    remediation: 'Disable LLMNR and NBT-NS on clients; if the responder is legitimate, add it to nameResponders in the baseline.',
    references: [RFC4795],
  },
  {
    id: 'capture.names.mdns-conflict', pillar: 'network', severity: 'medium', title: 'Two hosts answer mDNS for the same name with different addresses',
    description: 'mDNS answers for one name came from more than one host with different addresses: a name conflict or a spoofed answer.',
    remediation: 'Find both hosts; restrict mDNS to the segments that need it.',
    references: [RFC6762],
  },
  {
    id: 'capture.dns.racing-answers', pillar: 'network', severity: 'critical', title: 'Two different DNS answers raced for one query',
    description: 'One query got two responses with different answers: one of them is a spoofed answer injected on the path (dnsspoof, bettercap dns.spoof).',
    remediation: 'Find who sent the losing or winning answer (compare TTLs and sources), use DNSSEC validation and DNS over TLS to the resolver.',
    references: [RFC5452],
  },
  {
    id: 'capture.dns.unexpected-source', pillar: 'network', severity: 'high', title: 'DNS answer from an address that was not asked',
    description: 'A DNS response for a pending query came from an address other than the server the query went to.',
    remediation: 'Investigate the sender; it is either a misconfigured anycast setup or an off-path spoofing attempt.',
    references: [RFC5452],
  },
  {
    id: 'capture.dns.unexpected-resolver', pillar: 'network', severity: 'medium', title: 'Clients resolve through a DNS server outside the baseline',
    description: 'DNS answers came from a server the baseline does not list as a resolver: a rogue DHCP/RA/DHCPv6 server may have handed it out.',
    remediation: 'Find how the clients learnt this resolver; list the real ones in the baseline (dnsServers).',
    references: [RFC5452],
  },
  {
    id: 'capture.dns.answer-mismatch', pillar: 'network', severity: 'high', title: 'DNS answer differs from the baseline',
    description: 'A name the baseline pins to addresses was answered with an address outside the pinned set.',
    remediation: 'Check the zone and the path to the resolver; validate with DNSSEC.',
    references: [RFC5452],
  },
  {
    id: 'capture.dns.txid-guessing', pillar: 'network', severity: 'high', title: 'Many DNS responses match no query',
    description: 'More responses arrived with transaction ids no pending query used than a healthy network produces: an attacker guessing ids to poison a cache (the Kaminsky attack).',
    remediation: 'Make sure resolvers randomise source ports and ids (RFC 5452), validate DNSSEC, and find the sender.',
    references: [RFC5452],
  },
  {
    id: 'capture.tls.chain-invalid', pillar: 'certificates', severity: 'high', title: 'A server presented a certificate chain that does not validate',
    description: 'A TLS ≤ 1.2 server flight carried a chain that fails RFC 5280 validation for the name the client asked for (untrusted issuer, wrong name, expired at capture time): an interception proxy presents exactly this.',
    remediation: 'Find who terminated the connection; if it is a corporate TLS inspection box, add its CA with --ca; otherwise treat the connection as intercepted.',
    references: [RFC5280, 'https://www.rfc-editor.org/rfc/rfc6125'],
  },
  {
    id: 'capture.tls.pin-mismatch', pillar: 'certificates', severity: 'critical', title: 'A server\'s key differs from the baseline pin',
    description: 'The certificate presented for a name carries a public key the baseline does not pin for it: a certificate change nobody planned, or an interceptor.',
    remediation: 'Confirm with the service owner; update the pin if the change is legitimate, otherwise investigate the path.',
    references: [RFC7469],
  },
  {
    id: 'capture.tls.certificate-changed', pillar: 'certificates', severity: 'high', title: 'One name presented different certificates during the capture',
    description: 'Connections to the same server name were answered with certificates of different keys or issuers within one capture: a sign that some connections were intercepted.',
    remediation: 'Compare the issuers and the paths of the connections; a load balancer with mixed certificates is harmless, an unknown issuer is not.',
    references: [RFC5280],
  },
  {
    id: 'capture.tls.weak-version', pillar: 'encryption', severity: 'high', title: 'A TLS connection negotiated SSL 3.0, TLS 1.0 or TLS 1.1',
    description: 'A server agreed to a deprecated protocol version (RFC 8996): weaker integrity, and a downgrade an attacker can force.',
    remediation: 'Disable protocols below TLS 1.2 on the server (and the client).',
    references: [RFC8996],
  },
  {
    id: 'capture.tls.weak-suite', pillar: 'encryption', severity: 'high', title: 'A TLS connection negotiated a weak cipher suite',
    description: 'The suite the server chose gives no confidentiality (NULL, anonymous, export), uses a broken cipher (RC4, DES, 3DES), or has no forward secrecy (static RSA or DH key exchange): whoever records the traffic and later gets the server key reads it all.',
    remediation: 'Offer only ECDHE/DHE suites with AEAD ciphers (TLS 1.2) and TLS 1.3 on the server.',
    references: ['https://www.rfc-editor.org/rfc/rfc7525', 'https://www.rfc-editor.org/rfc/rfc9325'],
  },
  {
    id: 'capture.tls.downgrade', pillar: 'encryption', severity: 'high', title: 'A server negotiated a version below its baseline',
    description: 'The baseline records a minimum TLS version for this name; a connection negotiated less, which an interceptor that only speaks older TLS would cause.',
    remediation: 'Find out which middlebox or server answered; restore the minimum version.',
    references: [RFC8996],
  },
  {
    id: 'capture.plaintext.credentials', pillar: 'encryption', severity: 'critical', title: 'Credentials crossed the network in plain text',
    description: 'A login (password, HTTP Basic, bearer token, SASL PLAIN/LOGIN, SNMP community) travelled unencrypted: anyone on the path can read and reuse it. The secret itself is never shown — only a salted hash prefix.',
    remediation: 'Rotate the credential, and require TLS (implicit TLS or STARTTLS with the plain-text login disabled, RFC 8314) for this service.',
    references: [RFC8314, 'https://www.rfc-editor.org/rfc/rfc7617'],
  },
  {
    id: 'capture.plaintext.session-cookie', pillar: 'encryption', severity: 'high', title: 'A session cookie crossed the network in plain text',
    description: 'An HTTP request without TLS carried a cookie named like a session: whoever reads it can take over the session.',
    remediation: 'Serve the site over HTTPS only, mark cookies Secure, and enable HSTS.',
    references: ['https://www.rfc-editor.org/rfc/rfc6265'],
  },
  {
    id: 'capture.plaintext.protocol', pillar: 'encryption', severity: 'medium', title: 'An unencrypted protocol carries internal traffic',
    description: 'A flow of a protocol that has an encrypted form (HTTP, FTP, Telnet, SMTP/IMAP/POP3 without STARTTLS, LDAP, Redis, database wire protocols, SNMPv1/v2c) crossed the network in the clear.',
    remediation: 'Move the service to its TLS form (HTTPS, LDAPS/StartTLS, SMTPS, Redis TLS …) or tunnel it; then verify with a fresh capture.',
    references: [RFC8314],
  },
];

export const CAPTURE_ALERTS: readonly CaptureAlertDefinition[] = rows;
const BY_ID = new Map(rows.map((r) => [r.id, r]));
export type CaptureAlertId = (typeof rows)[number]['id'];

/** A finding for alert `id` — the one place detectors turn an observation into the shared vocabulary. */
export function alertFinding(id: string, target: string, evidence: string, severity?: Severity): Finding {
  const def = BY_ID.get(id);
  if (!def) throw new MitmError('MG_ERR_INTERNAL', `unknown capture alert ${id}`);
  return { id, pillar: def.pillar, severity: severity ?? def.severity, target, title: def.title, evidence, remediation: def.remediation, references: def.references };
}
