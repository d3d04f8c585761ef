/**
 * IPv6 on the local link (RFC 4861, RFC 8415): router advertisements from routers outside the baseline, more than
 * one router, RDNSS/DNSSL options with unexpected DNS servers, RA floods, DHCPv6 servers outside the baseline (the
 * mitm6 attack), Neighbor Discovery spoofing, and ICMP/ICMPv6 redirects.
 */
import type { Detector, Finding } from '../../model/index.js';
import type { Baseline } from '../baseline.js';
import type { CaptureEvent } from '../events.js';
import { at, BoundedMap, Raiser, WindowCounter } from './state.js';

export const IPV6_LIMITS = {
  maxRouters: 256,
  maxNeighbors: 65_536,
  /** Router advertisements (all routers) within `raFloodWindowUs` that make a flood. */
  raFloodThreshold: 30,
  raFloodWindowUs: 10_000_000,
} as const;

export function createIpv6Detector(baseline: Baseline, limits = IPV6_LIMITS): Detector<CaptureEvent> {
  const routers = new BoundedMap<string, number>(limits.maxRouters);
  const neighbors = new BoundedMap<string, { mac: string; frame: number }>(limits.maxNeighbors);
  const allowedRouters = baseline.routers ? new Set(baseline.routers) : null;
  const allowedDhcpv6 = baseline.dhcpv6Servers ? new Set(baseline.dhcpv6Servers) : null;
  const resolvers = baseline.dnsServers ? new Set(baseline.dnsServers) : null;
  const allowedMacs = new Set(baseline.allowMacs);
  const ras = new WindowCounter(limits.raFloodWindowUs, limits.raFloodThreshold * 2, 1);
  const raiser = new Raiser();
  return {
    name: 'ipv6',
    observe(e) {
      const out: Finding[] = [];
      const where = at(e.frameNumber, e.timestampUs);
      if (e.kind === 'icmp-redirect') {
        if (!allowedRouters?.has(e.src)) raiser.raise(out, 'capture.icmp.redirect', `${e.src}|${e.gateway}`, e.dst, `${e.src} told ${e.dst} to reach ${e.destination} through ${e.gateway} (ICMPv${e.version === 4 ? 4 : 6} redirect), ${where}`);
        return out;
      }
      if (e.kind === 'dhcpv6') {
        const m = e.dhcpv6;
        if (m.messageType !== 'ADVERTISE' && m.messageType !== 'REPLY') return out;
        if (allowedDhcpv6?.has(e.src) || (m.serverDuid && allowedDhcpv6?.has(m.serverDuid))) return out;
        const what = `DHCPv6 ${m.messageType} from ${e.src}${e.ethSrc ? ` (${e.ethSrc})` : ''} to ${e.dst}: DNS ${m.dnsServers.join(', ') || '-'}${m.domains.length ? `, search ${m.domains.join(', ')}` : ''}${m.addresses.length ? `, address ${m.addresses.join(', ')}` : ''}`;
        const why = allowedDhcpv6 ? `not in the baseline [${[...allowedDhcpv6].join(', ')}]` : 'and the baseline lists no DHCPv6 server';
        raiser.raise(out, 'capture.ipv6.dhcpv6-rogue-server', e.src, e.src, `${what}; ${why}, ${where}`, allowedDhcpv6 || m.dnsServers.length ? undefined : 'high');
        return out;
      }
      if (e.kind !== 'nd') return out;
      const nd = e.nd;
      if (nd.type === 'router-advertisement') {
        const n = ras.add('all', e.timestampUs);
        if (n >= limits.raFloodThreshold) raiser.raise(out, 'capture.ipv6.ra-flood', 'flood', e.src, `${n} router advertisements within ${limits.raFloodWindowUs / 1e6} s (latest from ${e.src}), ${where}`);
        const router = e.src;
        const desc = `RA from ${router}${nd.sourceMac ? ` (${nd.sourceMac})` : ''}, lifetime ${nd.lifetime} s, prefixes ${nd.prefixes.join(', ') || '-'}${nd.rdnss.length ? `, RDNSS ${nd.rdnss.join(', ')}` : ''}`;
        if (allowedRouters && !allowedRouters.has(router) && !(nd.sourceMac && allowedMacs.has(nd.sourceMac))) {
          raiser.raise(out, 'capture.ipv6.rogue-router', router, router, `${desc}: not in the baseline [${[...allowedRouters].join(', ')}], ${where}`);
        } else if (!allowedRouters && !routers.has(router) && routers.size >= 1) {
          const others = [...routers.entries()].map(([k]) => k).join(', ');
          raiser.raise(out, 'capture.ipv6.multiple-routers', [router, others].sort().join('|'), router, `${desc}; also advertising: ${others}, ${where}`);
        }
        routers.set(router, e.frameNumber);
        const badDns = resolvers ? nd.rdnss.filter((a) => !resolvers.has(a)) : [];
        if (badDns.length) raiser.raise(out, 'capture.ipv6.rdnss-injected', `${router}|${badDns.join(',')}`, router, `${desc}: RDNSS ${badDns.join(', ')} not in the baseline DNS servers, ${where}`);
        else if (!resolvers && nd.rdnss.length && allowedRouters && !allowedRouters.has(router)) {
          raiser.raise(out, 'capture.ipv6.rdnss-injected', `${router}|${nd.rdnss.join(',')}`, router, `${desc}: DNS servers from a router outside the baseline, ${where}`);
        }
        return out;
      }
      if (nd.type === 'neighbor-advertisement' && nd.targetMac) {
        const prior = neighbors.get(nd.target);
        if (prior && prior.mac !== nd.targetMac && !allowedMacs.has(nd.targetMac)) {
          raiser.raise(out, 'capture.ipv6.nd-mac-changed', `${nd.target}|${prior.mac}|${nd.targetMac}`, nd.target, `${nd.target} was at ${prior.mac} (frame ${prior.frame}), now advertised at ${nd.targetMac} by ${e.src}${nd.override ? ' with the override flag' : ''}, ${where}`);
        }
        if (!prior || prior.mac !== nd.targetMac) neighbors.set(nd.target, { mac: nd.targetMac, frame: e.frameNumber });
        return out;
      }
      if (nd.type === 'redirect' && !allowedRouters?.has(e.src)) {
        raiser.raise(out, 'capture.icmp.redirect', `${e.src}|${nd.target}`, e.dst, `${e.src} told ${e.dst} to reach ${nd.destination} through ${nd.target} (ICMPv6 redirect), ${where}`);
      }
      return out;
    },
    finish: () => [],
  };
}
