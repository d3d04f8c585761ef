/**
 * Learning the network's normal (`--learn`): from a capture of a quiet period, the IP↔MAC bindings, the gateways (DHCP
 * routers with their ARP binding), DHCP and DHCPv6 servers, IPv6 routers, DNS servers, LLMNR/NBT-NS responders, and per
 * TLS name the keys that validated and the lowest version negotiated — the baseline later runs compare against.
 * Learning trusts what it sees: learn on a period you trust, and review the file before using it.
 */
import { stringify } from 'yaml';
import type { Baseline } from './baseline.js';
import type { ChainJudge } from './detectors/index.js';
import type { CaptureEvent } from './events.js';
import { BoundedMap } from './detectors/state.js';

export const LEARN_LIMITS = { maxHosts: 65_536, maxServers: 256, maxTlsNames: 4096, maxPinsPerName: 8 } as const;

const VERSION_RANK = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
type Version = (typeof VERSION_RANK)[number];

export class BaselineLearner {
  private readonly bindings = new BoundedMap<string, string | null>(LEARN_LIMITS.maxHosts);
  private readonly dhcpServers = new Set<string>();
  private readonly dhcpv6Servers = new Set<string>();
  private readonly routers = new Set<string>();
  private readonly gatewayIps = new Set<string>();
  private readonly dnsServers = new Set<string>();
  private readonly responders = new Set<string>();
  private readonly sniByFlow = new BoundedMap<number, string | null>(65_536);
  private readonly tls = new BoundedMap<string, { pins: Set<string>; minVersion: Version | null }>(LEARN_LIMITS.maxTlsNames);

  constructor(private readonly judge: ChainJudge | null) {}

  private add(set: Set<string>, v: string): void {
    if (set.size < LEARN_LIMITS.maxServers) set.add(v);
  }

  observe(e: CaptureEvent): void {
    switch (e.kind) {
      case 'arp': {
        if (e.arp.senderIp === '0.0.0.0') return;
        const prior = this.bindings.get(e.arp.senderIp);
        // An address seen at two MACs while learning is not pinned (null): the detectors judge it by change alone.
        this.bindings.set(e.arp.senderIp, prior === undefined || prior === e.arp.senderMac ? e.arp.senderMac : null);
        return;
      }
      case 'dhcp':
        if (e.dhcp.op === 'reply' && (e.dhcp.messageType === 'OFFER' || e.dhcp.messageType === 'ACK')) {
          this.add(this.dhcpServers, e.dhcp.serverId !== '0.0.0.0' ? e.dhcp.serverId : e.src);
          for (const r of e.dhcp.routers) this.add(this.gatewayIps, r);
          for (const d of e.dhcp.dnsServers) this.add(this.dnsServers, d);
        }
        return;
      case 'dhcpv6':
        if (e.dhcpv6.messageType === 'ADVERTISE' || e.dhcpv6.messageType === 'REPLY') this.add(this.dhcpv6Servers, e.src);
        return;
      case 'nd':
        if (e.nd.type === 'router-advertisement') {
          this.add(this.routers, e.src);
          for (const d of e.nd.rdnss) this.add(this.dnsServers, d);
        }
        return;
      case 'name':
        if (!e.message.response) return;
        if (e.message.protocol === 'dns') this.add(this.dnsServers, e.src);
        else if (e.message.protocol !== 'mdns' && e.message.answers.length) this.add(this.responders, e.src);
        return;
      case 'tls-client-hello':
        this.sniByFlow.set(e.flow.id, e.hello.sni);
        return;
      case 'tls-server-hello': {
        const sni = this.sniByFlow.get(e.flow.id);
        if (!sni || !(VERSION_RANK as readonly string[]).includes(e.hello.version)) return;
        const t = this.tls.get(sni) ?? { pins: new Set<string>(), minVersion: null };
        const v = e.hello.version as Version;
        if (t.minVersion === null || VERSION_RANK.indexOf(v) < VERSION_RANK.indexOf(t.minVersion)) t.minVersion = v;
        this.tls.set(sni, t);
        return;
      }
      case 'tls-certificates': {
        if (!e.sni || !this.judge) return;
        const verdict = this.judge(e.ders, e.sni, new Date(Math.floor(e.timestampUs / 1000)));
        if (!verdict.valid || !verdict.spkiPin) return;
        const t = this.tls.get(e.sni) ?? { pins: new Set<string>(), minVersion: null };
        if (t.pins.size < LEARN_LIMITS.maxPinsPerName) t.pins.add(verdict.spkiPin);
        this.tls.set(e.sni, t);
        return;
      }
      default:
    }
  }

  /** What was learnt, as a baseline (lists sorted, so two learnings of the same traffic give the same file). */
  baseline(): Baseline {
    const sorted = (s: Iterable<string>) => [...s].sort();
    const hosts = [...this.bindings.entries()].filter((x): x is [string, string] => x[1] !== null).map(([ip, mac]) => ({ ip, mac })).sort((a, b) => a.ip.localeCompare(b.ip));
    const gateways = hosts.filter((h) => this.gatewayIps.has(h.ip));
    const tls: Baseline['tls'] = {};
    for (const [name, t] of [...this.tls.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      tls[name] = { ...(t.pins.size ? { pins: sorted(t.pins) } : {}), ...(t.minVersion ? { minVersion: t.minVersion } : {}) };
    }
    // A list is written only when something was seen: an absent list means "judge by change", an empty one "none".
    const list = (key: 'dhcpServers' | 'dhcpv6Servers' | 'routers' | 'dnsServers' | 'nameResponders', s: Set<string>) => (s.size ? { [key]: sorted(s) } : {});
    return {
      gateways,
      hosts: hosts.filter((h) => !this.gatewayIps.has(h.ip)),
      allowMacs: [],
      ...list('dhcpServers', this.dhcpServers),
      ...list('dhcpv6Servers', this.dhcpv6Servers),
      ...list('routers', this.routers),
      ...list('dnsServers', this.dnsServers),
      ...list('nameResponders', this.responders),
      dnsAnswers: {},
      tls,
    };
  }

  /** The baseline as YAML, with a header saying where it came from. */
  yaml(source: string): string {
    return `# mitmguard baseline learnt from ${source}. Review before use: learning trusts what it saw.\n${stringify(this.baseline())}`;
  }
}
