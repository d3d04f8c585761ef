/**
 * The capture analyser: frames in, decoded events to the detectors, findings and a summary out. Pure — no file, no
 * socket, no clock: ./file.ts feeds it a file, ./live.ts a tcpdump pipe, and both give the same answer for the same
 * frames. Every malformed frame is counted under its error code and skipped; nothing in a frame can stop the run.
 */
import { toMitmError } from '../errors.js';
import type { CapturedFrame, Detector, Finding } from '../model/index.js';
import { sortFindings } from '../model/index.js';
import { EMPTY_BASELINE, type Baseline } from './baseline.js';
import { LdapBindDecoder, PostgresPasswordDecoder, TelnetLoginDecoder, type PlainDialogue } from './decode/binary-auth.js';
import { decodeDhcp, decodeDhcpv6 } from './decode/dhcp.js';
import { decodeNameMessage, NAME_PORTS, type NameMessage } from './decode/names.js';
import { ENCRYPTED_PORTS, looksLikeHttpRequest, PLAINTEXT_PORTS, PlaintextDecoder, snmpCommunity, type Credential, type PlaintextCallbacks } from './decode/plaintext.js';
import { looksLikeTls, TlsHandshakeDecoder } from './decode/tls.js';
import { DETECTORS, type ChainJudge } from './detectors/index.js';
import { flowRef, type CaptureEvent, type FlowRef } from './events.js';
import { FlowTable, type Direction, type Endpoint, type Flow, type StreamConsumer } from './flows.js';
import { CAPTURE_LIMITS, type CaptureLimits } from './limits.js';
import { decodeLink, ETHER_TYPE, WIFI_LINK_TYPES } from './link.js';
import { decodeArp, decodeIcmpRedirect, decodeIpv4, decodeIpv6, decodeNd, decodeTcp, decodeUdp, FragmentReassembler, IP_PROTOCOL, type IpPacket } from './packet.js';
import type { BaselineLearner } from './learn.js';
import { redact } from './redact.js';

export interface AnalyserOptions {
  baseline?: Baseline;
  /** Judges TLS ≤ 1.2 chains (./chain-judge.ts wires src/x509); without it chains are listed, not judged. */
  judge?: ChainJudge | null;
  /** Salt of the credential hashes: random per run (the caller's), fixed only in tests. */
  salt: string;
  limits?: Partial<CaptureLimits>;
  /** Only these detectors (by name); default all. */
  detectors?: readonly string[];
  /** Frames of link types this wing does not decode (802.11, radiotap, Prism, AVS), handed on untouched — the Wi-Fi wing's input. */
  onLinkFrame?: (frame: CapturedFrame) => void;
  /** Each finding as it is raised (live alerts); every finding is also in the result. */
  onFinding?: (finding: Finding) => void;
  /** Also learn a baseline from the events (`--learn`). */
  learner?: BaselineLearner;
}

export interface ProtocolStats {
  flows: number;
  bytes: number;
  encrypted: boolean | null;
}

export interface TlsSessionFacts {
  frameNumber: number;
  flow: FlowRef;
  sni: string | null;
  clientVersions: string[];
  clientSuites: string[];
  groups: string[];
  alpn: string[];
  version: string | null;
  cipherSuite: string | null;
  serverAlpn: string | null;
  certificates: number;
  ja3: string | null;
  ja4: string | null;
  ja4s: string | null;
}

export interface DnsAnswerFacts {
  frameNumber: number;
  id: number;
  server: string;
  client: string;
  name: string;
  type: string;
  rcode: number;
  answers: string[];
}

export interface CaptureSummary {
  frames: number;
  capturedBytes: number;
  firstTimestampUs: number | null;
  lastTimestampUs: number | null;
  linkTypes: Record<string, number>;
  packets: { arp: number; ipv4: number; ipv6: number; tcp: number; udp: number; icmp: number; icmpv6: number; other: number };
  /** 802.11/radiotap frames handed on to the Wi-Fi wing. */
  handedOn: number;
  /** Frames skipped, by error code (MG_ERR_TRUNCATED, MG_ERR_MALFORMED, MG_ERR_UNSUPPORTED …). */
  skipped: Record<string, number>;
  /** The first few skipped frames, for a person to look at. */
  skippedSamples: Array<{ frameNumber: number; code: string; message: string }>;
  fragments: { reassembled: number; expired: number };
  flows: { total: number; tcp: number; udp: number; evicted: number; gaps: number };
  /** Flows and payload bytes per application protocol. */
  protocols: Record<string, ProtocolStats>;
  /** The zero-trust number: how much of the traffic was encrypted (unknown: payload we could not classify). */
  encryption: {
    /** infrastructure: link-local plumbing no one encrypts (DHCP, DHCPv6, LLMNR, NBT-NS, mDNS, SSDP), left out of the shares. */
    flows: { encrypted: number; plain: number; unknown: number; infrastructure: number };
    bytes: { encrypted: number; plain: number; unknown: number; infrastructure: number };
    /** Encrypted share of classified flows / bytes, 0..1; null when nothing was classified. */
    encryptedFlowShare: number | null;
    encryptedByteShare: number | null;
  };
  /** The largest plain-text flows. */
  plaintextFlows: Array<{ protocol: string; client: string; server: string; serverPort: number; bytes: number; firstFrame: number }>;
  hosts: number;
  tls: TlsSessionFacts[];
  dns: DnsAnswerFacts[];
  credentials: number;
  /** Detector repeats (the same finding again) are counted here, not raised twice. */
  findingsByDetector: Record<string, number>;
}

export interface CaptureAnalysis {
  summary: CaptureSummary;
  findings: Finding[];
}

/** UDP ports of protocols that encrypt (QUIC, IPsec NAT-T/IKE, WireGuard, OpenVPN, DTLS-SRTP is not port-bound). */
const UDP_ENCRYPTED: Readonly<Record<number, string>> = { 443: 'quic', 500: 'ipsec', 4500: 'ipsec', 51820: 'wireguard', 1194: 'openvpn', 853: 'dns-over-quic' };
const UDP_PLAIN: Readonly<Record<number, string>> = { 53: 'dns', 5353: 'mdns', 5355: 'llmnr', 137: 'nbns', 138: 'netbios-dgm', 67: 'dhcp', 68: 'dhcp', 546: 'dhcpv6', 547: 'dhcpv6', 161: 'snmp', 162: 'snmp', 123: 'ntp', 514: 'syslog', 69: 'tftp', 1900: 'ssdp' };

/** Protocols of the local link's plumbing: counted apart from the encrypted/plain shares. */
const INFRASTRUCTURE = new Set(['dhcp', 'dhcpv6', 'llmnr', 'nbns', 'mdns', 'ssdp', 'netbios-dgm']);

const MAX_HOSTS = 65_536;
const MAX_SAMPLES = 20;

export class CaptureAnalyser {
  private readonly limits: CaptureLimits;
  private readonly baseline: Baseline;
  private readonly detectors: Detector<CaptureEvent>[];
  private readonly findings: Finding[] = [];
  private readonly byDetector: Record<string, number> = {};
  private readonly fragments: FragmentReassembler;
  private readonly flows: FlowTable;
  private readonly hosts = new Set<string>();
  private readonly tlsByFlow = new Map<number, TlsSessionFacts>();
  private readonly s: CaptureSummary;
  private reassembled = 0;

  constructor(private readonly options: AnalyserOptions) {
    this.limits = { ...CAPTURE_LIMITS, ...options.limits };
    this.baseline = options.baseline ?? EMPTY_BASELINE;
    const wanted = options.detectors ? new Set(options.detectors) : null;
    this.detectors = DETECTORS.filter((d) => !wanted || wanted.has(d.name)).map((d) => d.create(this.baseline, options.judge ?? null));
    this.fragments = new FragmentReassembler(this.limits);
    this.flows = new FlowTable({ open: (f) => this.openFlow(f), close: (f) => this.closeFlow(f) }, this.limits);
    this.s = {
      frames: 0, capturedBytes: 0, firstTimestampUs: null, lastTimestampUs: null, linkTypes: {},
      packets: { arp: 0, ipv4: 0, ipv6: 0, tcp: 0, udp: 0, icmp: 0, icmpv6: 0, other: 0 },
      handedOn: 0, skipped: {}, skippedSamples: [], fragments: { reassembled: 0, expired: 0 },
      flows: { total: 0, tcp: 0, udp: 0, evicted: 0, gaps: 0 }, protocols: {},
      encryption: { flows: { encrypted: 0, plain: 0, unknown: 0, infrastructure: 0 }, bytes: { encrypted: 0, plain: 0, unknown: 0, infrastructure: 0 }, encryptedFlowShare: null, encryptedByteShare: null },
      plaintextFlows: [], hosts: 0, tls: [], dns: [], credentials: 0, findingsByDetector: this.byDetector,
    };
  }

  /** Feed one frame. Never throws on frame content. */
  frame(f: CapturedFrame): void {
    const s = this.s;
    s.frames++;
    s.capturedBytes += f.data.length;
    if (f.timestampUs > 0) {
      if (s.firstTimestampUs === null || f.timestampUs < s.firstTimestampUs) s.firstTimestampUs = f.timestampUs;
      if (s.lastTimestampUs === null || f.timestampUs > s.lastTimestampUs) s.lastTimestampUs = f.timestampUs;
    }
    const lt = String(f.linkType);
    s.linkTypes[lt] = (s.linkTypes[lt] ?? 0) + 1;
    if (WIFI_LINK_TYPES.has(f.linkType)) {
      s.handedOn++;
      this.options.onLinkFrame?.(f);
      return;
    }
    try {
      const link = decodeLink(f.linkType, f.data);
      if (link.etherType === ETHER_TYPE.ARP) {
        s.packets.arp++;
        this.emit({ kind: 'arp', timestampUs: f.timestampUs, frameNumber: f.frameNumber, ethSrc: link.srcMac, ethDst: link.dstMac, arp: decodeArp(link.payload) });
      } else if (link.etherType === ETHER_TYPE.IPV4 || link.etherType === ETHER_TYPE.IPV6) {
        const ip = link.etherType === ETHER_TYPE.IPV4 ? decodeIpv4(link.payload) : decodeIpv6(link.payload);
        if (ip.version === 4) s.packets.ipv4++;
        else s.packets.ipv6++;
        this.ip(ip, f, link.srcMac);
      } else s.packets.other++;
    } catch (err) {
      const e = toMitmError(err, 'MG_ERR_MALFORMED');
      s.skipped[e.code] = (s.skipped[e.code] ?? 0) + 1;
      if (s.skippedSamples.length < MAX_SAMPLES) s.skippedSamples.push({ frameNumber: f.frameNumber, code: e.code, message: e.message });
    }
  }

  /** The input ended: close every flow, let detectors raise what needs the whole capture, and return the result. */
  finish(): CaptureAnalysis {
    this.flows.finish();
    for (const d of this.detectors) this.collect(d.name, d.finish());
    const s = this.s;
    s.fragments = { reassembled: this.reassembled, expired: this.fragments.expired };
    s.flows.evicted = this.flows.evicted;
    s.hosts = this.hosts.size;
    const e = s.encryption;
    const flowsClassified = e.flows.encrypted + e.flows.plain;
    const bytesClassified = e.bytes.encrypted + e.bytes.plain;
    e.encryptedFlowShare = flowsClassified ? e.flows.encrypted / flowsClassified : null;
    e.encryptedByteShare = bytesClassified ? e.bytes.encrypted / bytesClassified : null;
    s.plaintextFlows.sort((a, b) => b.bytes - a.bytes);
    return { summary: s, findings: sortFindings([...this.findings]) };
  }

  private host(ip: string): void {
    if (this.hosts.size < MAX_HOSTS) this.hosts.add(ip);
  }

  private ip(packet: IpPacket, f: CapturedFrame, ethSrc: string | null): void {
    let ip = packet;
    this.host(ip.src);
    this.host(ip.dst);
    if (ip.fragment) {
      const whole = this.fragments.add(ip, f.timestampUs);
      if (!whole) return;
      this.reassembled++;
      ip = { ...ip, payload: whole, fragment: null };
    }
    const at = { timestampUs: f.timestampUs, frameNumber: f.frameNumber };
    switch (ip.protocol) {
      case IP_PROTOCOL.TCP: {
        this.s.packets.tcp++;
        this.flows.tcp(ip.src, ip.dst, decodeTcp(ip.payload), f.timestampUs, f.frameNumber);
        return;
      }
      case IP_PROTOCOL.UDP: {
        this.s.packets.udp++;
        this.udp(ip, decodeUdp(ip.payload), f, ethSrc);
        return;
      }
      case IP_PROTOCOL.ICMP: {
        this.s.packets.icmp++;
        const r = decodeIcmpRedirect(ip.payload);
        if (r) this.emit({ kind: 'icmp-redirect', ...at, version: 4, src: ip.src, dst: ip.dst, gateway: r.gateway, destination: r.destination });
        return;
      }
      case IP_PROTOCOL.IPV6_ICMP: {
        this.s.packets.icmpv6++;
        const nd = decodeNd(ip.payload);
        if (nd) this.emit({ kind: 'nd', ...at, src: ip.src, dst: ip.dst, ethSrc, nd });
        return;
      }
      case IP_PROTOCOL.ESP:
        this.protocol('ipsec-esp', 0, ip.payload.length, true);
        return;
      default:
        this.s.packets.other++;
    }
  }

  private udp(ip: IpPacket, u: ReturnType<typeof decodeUdp>, f: CapturedFrame, ethSrc: string | null): void {
    const { flow } = this.flows.udp({ ip: ip.src, port: u.srcPort }, { ip: ip.dst, port: u.dstPort }, u.payload, f.timestampUs, f.frameNumber);
    const at = { timestampUs: f.timestampUs, frameNumber: f.frameNumber };
    const port = (p: Record<number, string>) => p[flow.server.port] ?? p[u.dstPort] ?? p[u.srcPort];
    if (flow.protocol === null) {
      const enc = port(UDP_ENCRYPTED);
      const plain = port(UDP_PLAIN);
      flow.protocol = enc ?? plain ?? null;
      flow.encrypted = enc !== undefined;
    }
    const nameProto = NAME_PORTS[u.srcPort] ?? NAME_PORTS[u.dstPort];
    if (nameProto) {
      this.nameMessage(decodeNameMessage(nameProto, u.payload), { ip: ip.src, port: u.srcPort }, { ip: ip.dst, port: u.dstPort }, at.timestampUs, at.frameNumber, ethSrc);
      return;
    }
    if ((u.srcPort === 67 || u.srcPort === 68) && (u.dstPort === 67 || u.dstPort === 68)) {
      this.emit({ kind: 'dhcp', ...at, src: ip.src, dst: ip.dst, ethSrc, dhcp: decodeDhcp(u.payload) });
      return;
    }
    if ((u.srcPort === 546 || u.srcPort === 547) && (u.dstPort === 546 || u.dstPort === 547)) {
      this.emit({ kind: 'dhcpv6', ...at, src: ip.src, dst: ip.dst, ethSrc, dhcpv6: decodeDhcpv6(u.payload) });
      return;
    }
    if (u.dstPort === 161 || u.dstPort === 162) {
      const c = snmpCommunity(u.payload);
      if (c) {
        this.s.credentials++;
        this.emit({ kind: 'credential', ...at, flow: flowRef(flow), credential: { protocol: `snmpv${c.version === 2 ? '2c' : '1'}`, kind: 'community', user: null, secret: redact(c.community, this.options.salt) } });
      }
    }
  }

  /** @internal A DNS-family message (UDP, or DNS over TCP from a flow decoder): to the detectors and the DNS list. */
  nameMessage(message: NameMessage, src: Endpoint, dst: Endpoint, timestampUs: number, frameNumber: number, ethSrc: string | null): void {
    this.emit({ kind: 'name', timestampUs, frameNumber, src: src.ip, srcPort: src.port, dst: dst.ip, dstPort: dst.port, ethSrc, message });
    if (message.protocol === 'dns' && message.response && this.s.dns.length < this.limits.maxListedSessions) {
      const q = message.questions[0];
      this.s.dns.push({ frameNumber, id: message.id, server: src.ip, client: dst.ip, name: q?.name ?? '', type: q?.type ?? '', rcode: message.rcode, answers: message.answers.map((a) => a.value) });
    }
  }

  private openFlow(flow: Flow): StreamConsumer | null {
    this.s.flows.total++;
    if (flow.transport === 'udp') {
      this.s.flows.udp++;
      return null;
    }
    this.s.flows.tcp++;
    return new FlowDecoder(flow, this);
  }

  private closeFlow(flow: Flow): void {
    const bytes = flow.bytes[0] + flow.bytes[1];
    const proto = flow.protocol ?? (flow.transport === 'tcp' ? ENCRYPTED_PORTS[flow.server.port] : undefined) ?? null;
    const encrypted = flow.protocol ? flow.encrypted : proto !== null;
    this.s.flows.gaps += flow.gaps;
    this.protocol(proto ?? `${flow.transport}/other`, 1, bytes, proto === null ? null : encrypted);
    if (proto !== null && !encrypted && bytes > 0 && !INFRASTRUCTURE.has(proto)) {
      const list = this.s.plaintextFlows;
      const entry = { protocol: proto, client: flow.client.ip, server: flow.server.ip, serverPort: flow.server.port, bytes, firstFrame: flow.firstFrame };
      if (list.length < this.limits.maxListedFlows) list.push(entry);
      else {
        let min = 0;
        for (let i = 1; i < list.length; i++) if (list[i]!.bytes < list[min]!.bytes) min = i;
        if (list[min]!.bytes < bytes) list[min] = entry;
      }
    }
    this.tlsByFlow.delete(flow.id);
    this.emit({ kind: 'flow-end', timestampUs: flow.lastUs, frameNumber: flow.firstFrame, flow: flowRef(flow), protocol: proto, encrypted, bytes });
  }

  private protocol(name: string, flows: number, bytes: number, encrypted: boolean | null): void {
    const p = (this.s.protocols[name] ??= { flows: 0, bytes: 0, encrypted });
    p.flows += flows;
    p.bytes += bytes;
    const bucket = INFRASTRUCTURE.has(name) ? 'infrastructure' : encrypted === null ? 'unknown' : encrypted ? 'encrypted' : 'plain';
    this.s.encryption.flows[bucket] += flows;
    this.s.encryption.bytes[bucket] += bytes;
  }

  /** @internal Flow decoders report through here. */
  emit(e: CaptureEvent): void {
    if (e.kind === 'credential' && e.credential.kind !== 'community') this.s.credentials++;
    this.session(e);
    this.options.learner?.observe(e);
    for (const d of this.detectors) {
      const out = d.observe(e);
      if (out.length) this.collect(d.name, out);
    }
  }

  /** Keep the TLS facts per flow for the report (what the differential tests compare with tshark). */
  private session(e: CaptureEvent): void {
    if (e.kind === 'tls-client-hello') {
      if (this.s.tls.length >= this.limits.maxListedSessions) return;
      const t: TlsSessionFacts = {
        frameNumber: e.frameNumber, flow: e.flow, sni: e.hello.sni, clientVersions: e.hello.supportedVersions, clientSuites: e.hello.cipherSuites,
        groups: e.hello.groups, alpn: e.hello.alpn, version: null, cipherSuite: null, serverAlpn: null, certificates: 0, ja3: e.hello.ja3, ja4: e.hello.ja4, ja4s: null,
      };
      this.s.tls.push(t);
      this.tlsByFlow.set(e.flow.id, t);
    } else if (e.kind === 'tls-server-hello') {
      const t = this.tlsByFlow.get(e.flow.id);
      if (t && !e.hello.helloRetryRequest) Object.assign(t, { version: e.hello.version, cipherSuite: e.hello.cipherSuite, serverAlpn: e.hello.alpn, ja4s: e.hello.ja4s });
    } else if (e.kind === 'tls-certificates') {
      const t = this.tlsByFlow.get(e.flow.id);
      if (t) t.certificates = e.ders.length;
    }
  }

  get salt(): string {
    return this.options.salt;
  }

  private collect(name: string, out: Finding[]): void {
    this.byDetector[name] = (this.byDetector[name] ?? 0) + out.length;
    for (const f of out) {
      this.findings.push(f);
      this.options.onFinding?.(f);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Binary login dialogues by protocol; the rest are read as lines. */
const BINARY_DIALOGUES: Readonly<Record<string, new (salt: string, on: PlaintextCallbacks) => PlainDialogue>> = {
  ldap: LdapBindDecoder,
  postgresql: PostgresPasswordDecoder,
  telnet: TelnetLoginDecoder,
};

/** One TCP flow's application decoding: chooses TLS, SSH or a plain-text dialogue from the first bytes and the port. */
class FlowDecoder implements StreamConsumer {
  private mode: 'undecided' | 'tls' | 'plain' | 'dns' | 'opaque' = 'undecided';
  private dns: [Uint8Array, Uint8Array] | null = null;
  private tls: TlsHandshakeDecoder | null = null;
  private plain: PlainDialogue | null = null;
  private readonly ref: FlowRef;
  private sni: string | null = null;

  constructor(
    private readonly flow: Flow,
    private readonly a: CaptureAnalyser,
  ) {
    this.ref = flowRef(flow);
  }

  data(dir: Direction, bytes: Uint8Array, ts: number, frame: number): void {
    if (this.mode === 'undecided') this.decide(dir, bytes);
    if (this.mode === 'plain') {
      const p = this.plain!;
      if (dir === 0 && p.upgradeRequested && looksLikeTls(bytes)) {
        this.flow.protocol = `${p.protocolName}+starttls`;
        this.flow.encrypted = true;
        this.startTls();
      } else if (dir === 0) p.client(bytes, frame, ts);
      else p.server(bytes);
    }
    if (this.mode === 'tls') this.tls!.push(dir, bytes, frame, ts);
    if (this.mode === 'dns') this.dnsOverTcp(dir, bytes, frame, ts);
  }

  /** RFC 1035 §4.2.2: each message preceded by a two-byte length. A message that does not decode stops the flow. */
  private dnsOverTcp(dir: Direction, bytes: Uint8Array, frame: number, ts: number): void {
    const bufs = this.dns!;
    let b = bufs[dir].length ? concat(bufs[dir], bytes) : bytes;
    while (b.length >= 2) {
      const len = (b[0]! << 8) | b[1]!;
      if (b.length < 2 + len) break;
      const [src, dst] = dir === 0 ? [this.flow.client, this.flow.server] : [this.flow.server, this.flow.client];
      try {
        this.a.nameMessage(decodeNameMessage('dns', b.subarray(2, 2 + len)), src, dst, ts, frame, null);
      } catch {
        this.mode = 'opaque';
        return;
      }
      b = b.subarray(2 + len);
    }
    bufs[dir] = b.slice();
  }

  private decide(dir: Direction, bytes: Uint8Array): void {
    const port = this.flow.server.port;
    if (bytes.length >= 4 && bytes[0] === 0x53 && bytes[1] === 0x53 && bytes[2] === 0x48 && bytes[3] === 0x2d) {
      this.flow.protocol = 'ssh';
      this.flow.encrypted = true;
      this.mode = 'opaque';
      return;
    }
    if (looksLikeTls(bytes)) {
      this.flow.protocol = 'tls';
      this.flow.encrypted = true;
      this.startTls();
      return;
    }
    if (port === 53) {
      this.flow.protocol = 'dns';
      this.mode = 'dns';
      this.dns = [new Uint8Array(0), new Uint8Array(0)];
      return;
    }
    const enc = ENCRYPTED_PORTS[port];
    const named = PLAINTEXT_PORTS[port] ?? (dir === 0 && looksLikeHttpRequest(bytes) ? 'http' : null);
    if (enc && !named) {
      // Mid-stream capture of an encrypted protocol: classify by port, read nothing.
      this.flow.protocol = enc;
      this.flow.encrypted = true;
      this.mode = 'opaque';
      return;
    }
    this.flow.protocol = named;
    this.mode = 'plain';
    const callbacks = {
      credential: (c: Credential, frame: number, ts: number) => this.a.emit({ kind: 'credential', timestampUs: ts, frameNumber: frame, flow: this.ref, credential: c }),
      protocol: (name: string) => {
        this.flow.protocol = name;
        if (name === 'ssh') {
          this.flow.encrypted = true;
          this.mode = 'opaque';
        }
      },
    };
    const Binary = named ? BINARY_DIALOGUES[named] : undefined;
    this.plain = Binary ? new Binary(this.a.salt, callbacks) : new PlaintextDecoder(named ?? `tcp/${port}`, this.a.salt, callbacks);
  }

  private startTls(): void {
    this.mode = 'tls';
    this.tls = new TlsHandshakeDecoder({
      clientHello: (hello, frame, ts) => {
        this.sni = hello.sni;
        this.a.emit({ kind: 'tls-client-hello', timestampUs: ts, frameNumber: frame, flow: this.ref, hello });
      },
      serverHello: (hello, frame, ts) => this.a.emit({ kind: 'tls-server-hello', timestampUs: ts, frameNumber: frame, flow: this.ref, hello }),
      certificates: (ders, frame, ts) => this.a.emit({ kind: 'tls-certificates', timestampUs: ts, frameNumber: frame, flow: this.ref, sni: this.sni, ders }),
      error: () => {},
    });
  }

  gap(dir: Direction): void {
    // Decoders need contiguous bytes: after a gap in a direction, that direction is no longer read.
    if (this.mode === 'tls') this.tls!.stop(dir);
    if (this.mode === 'plain' && dir === 0) this.mode = 'opaque';
  }

  end(): void {}
}
