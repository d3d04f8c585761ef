/**
 * Rogue DHCP (RFC 2131): offers or acks from a server outside the baseline, from more than one server, and routers
 * or DNS servers that change or are not the baseline's.
 */
import type { Detector, Finding } from '../../model/index.js';
import type { Baseline } from '../baseline.js';
import type { CaptureEvent } from '../events.js';
import { at, BoundedMap, Raiser } from './state.js';

export const DHCP_LIMITS = { maxServers: 256 } as const;

export function createDhcpDetector(baseline: Baseline, limits = DHCP_LIMITS): Detector<CaptureEvent> {
  const servers = new BoundedMap<string, { routers: string; dns: string; frame: number }>(limits.maxServers);
  const allowed = baseline.dhcpServers ? new Set(baseline.dhcpServers) : null;
  const gateways = baseline.gateways.length ? new Set(baseline.gateways.map((g) => g.ip)) : null;
  const resolvers = baseline.dnsServers ? new Set(baseline.dnsServers) : null;
  const raiser = new Raiser();
  return {
    name: 'dhcp',
    observe(e) {
      if (e.kind !== 'dhcp' || e.dhcp.op !== 'reply' || (e.dhcp.messageType !== 'OFFER' && e.dhcp.messageType !== 'ACK')) return [];
      const out: Finding[] = [];
      const d = e.dhcp;
      const server = d.serverId !== '0.0.0.0' ? d.serverId : e.src;
      const where = at(e.frameNumber, e.timestampUs);
      const offer = `${d.messageType} to ${d.clientMac} of ${d.yourAddress}, router ${d.routers.join(',') || '-'}, DNS ${d.dnsServers.join(',') || '-'}`;
      if (allowed && !allowed.has(server) && !allowed.has(e.src)) {
        raiser.raise(out, 'capture.dhcp.rogue-server', server, server, `DHCP server ${server} (from ${e.src}${e.ethSrc ? ` / ${e.ethSrc}` : ''}) is not in the baseline [${[...allowed].join(', ')}]: ${offer}, ${where}`);
      }
      const prior = servers.get(server);
      if (!prior && !allowed && servers.size >= 1) {
        const others = [...servers.entries()].map(([k]) => k).join(', ');
        raiser.raise(out, 'capture.dhcp.multiple-servers', [server, others].sort().join('|'), server, `DHCP server ${server} answers besides ${others}: ${offer}, ${where}`);
      }
      const routers = d.routers.join(',');
      const dns = d.dnsServers.join(',');
      if (prior && (prior.routers !== routers || prior.dns !== dns)) {
        raiser.raise(out, 'capture.dhcp.options-changed', `${server}|${routers}|${dns}`, server, `server ${server} handed out router ${prior.routers || '-'} / DNS ${prior.dns || '-'} (frame ${prior.frame}), now router ${routers || '-'} / DNS ${dns || '-'}, ${where}`);
      }
      const badRouter = gateways ? d.routers.filter((r) => !gateways.has(r)) : [];
      const badDns = resolvers ? d.dnsServers.filter((r) => !resolvers.has(r)) : [];
      if (badRouter.length || badDns.length) {
        raiser.raise(out, 'capture.dhcp.options-changed', `${server}|baseline|${badRouter}|${badDns}`, server, `server ${server} hands out ${badRouter.length ? `router ${badRouter.join(',')}` : ''}${badRouter.length && badDns.length ? ' and ' : ''}${badDns.length ? `DNS ${badDns.join(',')}` : ''}, not in the baseline, ${where}`);
      }
      servers.set(server, { routers, dns, frame: prior?.frame ?? e.frameNumber });
      return out;
    },
    finish: () => [],
  };
}
