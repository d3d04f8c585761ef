/**
 * The VPN leak test's observation and its pure assessment helpers: where would traffic to a TEST-NET destination go
 * (IPv4 and IPv6), which resolvers are configured and by which interface they are reached, and which interfaces are
 * tunnels. The I/O that fills it lives in src/vpn/leaks.ts.
 */

/** Destinations asked of the routing table: TEST-NET-1 and the documentation prefix (RFC 5737, RFC 3849). */
export const PROBE_DESTINATIONS = { ipv4: '192.0.2.1', ipv6: '2001:db8::1' } as const;

export interface RouteAnswer {
  destination: string;
  /** Outgoing interface; null when there is no route (unreachable). */
  dev: string | null;
  gateway: string | null;
}

export interface VpnRoutingObservation {
  /** The network namespace inspected, or null for the host's. */
  namespace: string | null;
  /** Interfaces of kind tun or wireguard (or named tunN / wgN). */
  tunnels: string[];
  ipv4: RouteAnswer;
  ipv6: RouteAnswer;
  /** nameserver lines of the resolver configuration, with the route to each. */
  dns: RouteAnswer[];
  /** The user said a tunnel must be up (`--expect-tunnel`). */
  expectTunnel: boolean;
}

export const viaTunnel = (o: VpnRoutingObservation, r: RouteAnswer): boolean => r.dev !== null && o.tunnels.includes(r.dev);
