/**
 * The I/O half of the VPN leak test (`mitmguard vpn check`): asks the kernel's routing table (`ip -j route get`) where
 * a packet to a TEST-NET destination would go, lists tunnel interfaces (`ip -j -d link`), reads the resolver
 * configuration (the namespace's /etc/netns/<ns>/resolv.conf, as `ip netns exec` would bind it) and routes each
 * nameserver. It sends nothing: it only inspects the local routing and resolver configuration.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { MitmError, toMitmError } from '../errors.js';
import { PROBE_DESTINATIONS, type RouteAnswer, type VpnRoutingObservation } from './routing.js';

const run = promisify(execFile);
const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

export interface InspectOptions {
  namespace?: string;
  expectTunnel?: boolean;
  signal?: AbortSignal;
}

async function ip(args: string[], o: InspectOptions): Promise<string> {
  const full = o.namespace ? ['-n', o.namespace, ...args] : args;
  try {
    const { stdout } = await run('ip', full, { timeout: 10_000, maxBuffer: 4 << 20, ...(o.signal ? { signal: o.signal } : {}) });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '');
    if (/unreachable|No route|Network is unreachable/i.test(stderr)) return '[]';
    throw toMitmError(Object.assign(new Error(`ip ${full.join(' ')}: ${stderr.trim() || (err as Error).message}`), { code: (err as { code?: unknown }).code }), 'MG_ERR_IO');
  }
}

async function routeGet(destination: string, o: InspectOptions): Promise<RouteAnswer> {
  const out = await ip(['-j', destination.includes(':') ? '-6' : '-4', 'route', 'get', destination], o);
  const routes = JSON.parse(out || '[]') as { dev?: string; gateway?: string; type?: string }[];
  const r = routes[0];
  if (!r || r.type === 'unreachable' || r.type === 'prohibit' || r.type === 'blackhole') return { destination, dev: null, gateway: null };
  return { destination, dev: r.dev ?? null, gateway: r.gateway ?? null };
}

/** nameserver addresses from resolv.conf text (resolv.conf(5)); at most three are used by the resolver. */
export function nameservers(text: string): string[] {
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!.replace(/%.*$/, '')).slice(0, 3);
}

export async function inspectVpnRouting(o: InspectOptions = {}): Promise<VpnRoutingObservation> {
  if (o.namespace !== undefined && !NAMESPACE.test(o.namespace)) throw new MitmError('MG_ERR_USAGE', `--netns ${JSON.stringify(o.namespace)} is not a namespace name`);
  const links = JSON.parse((await ip(['-j', '-d', 'link', 'show'], o)) || '[]') as { ifname: string; linkinfo?: { info_kind?: string } }[];
  const tunnels = links.filter((l) => ['tun', 'wireguard'].includes(l.linkinfo?.info_kind ?? '') || /^(tun|wg)\d*/.test(l.ifname)).map((l) => l.ifname);
  const resolvConf = o.namespace && existsSync(`/etc/netns/${o.namespace}/resolv.conf`) ? `/etc/netns/${o.namespace}/resolv.conf` : '/etc/resolv.conf';
  let servers: string[] = [];
  try {
    servers = nameservers(readFileSync(resolvConf, 'utf8'));
  } catch {
    servers = [];
  }
  const dns = await Promise.all(servers.filter((s) => !/^(127\.|::1$)/.test(s)).map((s) => routeGet(s, o)));
  return { namespace: o.namespace ?? null, tunnels, ipv4: await routeGet(PROBE_DESTINATIONS.ipv4, o), ipv6: await routeGet(PROBE_DESTINATIONS.ipv6, o), dns, expectTunnel: o.expectTunnel ?? false };
}
