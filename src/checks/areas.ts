/**
 * The check registry's areas: which module holds the checks of which observation kinds. A run loads only the areas
 * of the kinds it observes (`checksFor('tls')` for `scan --tls-only`, the DNS kinds for the DNS step), so start-up
 * pays for what is used; the catalogue (./catalogue.ts) is all of them at once, for docs/checks.md, SARIF rule
 * metadata and policy. A test keeps the two equal and each area's checks to its kinds.
 */
import type { Check, ObservationKind } from './types.js';
import { CheckRegistry } from './registry.js';

export interface CheckArea {
  name: string;
  /** The observation kinds the area's checks read; a kind belongs to exactly one area. */
  kinds: readonly ObservationKind[];
  load: () => Promise<readonly Check<any>[]>;
}

export const CHECK_AREAS: readonly CheckArea[] = [
  { name: 'tls', kinds: ['tls'], load: async () => (await import('./tls.js')).tlsChecks },
  { name: 'certificates', kinds: ['certificate-chain'], load: async () => (await import('./certificates.js')).certificateChecks },
  { name: 'posture', kinds: ['posture'], load: async () => (await import('./posture.js')).plaintextChecks },
  { name: 'starttls', kinds: ['starttls'], load: async () => (await import('./starttls.js')).starttlsChecks },
  { name: 'http', kinds: ['http'], load: async () => (await import('./http.js')).httpChecks },
  { name: 'mtls', kinds: ['mtls'], load: async () => (await import('./mtls.js')).mtlsChecks },
  { name: 'dns', kinds: ['dns-name', 'dns-caa', 'dns-tlsa', 'dns-mail'], load: async () => (await import('./dns.js')).dnsChecks },
  { name: 'audit', kinds: ['audit-scenario'], load: async () => (await import('./audit.js')).auditChecks },
  { name: 'policy', kinds: ['policy'], load: async () => (await import('./policy.js')).policyChecks },
  { name: 'bgp', kinds: ['bgp-alert'], load: async () => (await import('./bgp.js')).bgpChecks },
  { name: 'capture', kinds: ['capture-alert', 'capture-summary'], load: async () => (await import('./capture.js')).captureChecks },
  { name: 'ca', kinds: ['ca'], load: async () => (await import('./ca.js')).caChecks },
  { name: 'wifi', kinds: ['wifi-network', 'wifi-alert', 'wifi-profile'], load: async () => (await import('./wifi.js')).wifiChecks },
  { name: 'vpn', kinds: ['vpn-openvpn', 'vpn-wireguard', 'vpn-ipsec', 'vpn-routing', 'vpn-client-audit'], load: async () => (await import('./vpn.js')).vpnChecks },
];

const loaded = new Map<string, Promise<CheckRegistry>>();

/**
 * The checks that read these observation kinds, in one registry; areas are loaded on first use and kept.
 *
 * @example const checks = await checksFor('tls'); const findings = checks.run('tls', facts, target);
 */
export function checksFor(...kinds: ObservationKind[]): Promise<CheckRegistry> {
  const key = [...new Set(kinds)].sort().join(',');
  let registry = loaded.get(key);
  if (!registry) {
    const areas = CHECK_AREAS.filter((a) => a.kinds.some((k) => kinds.includes(k)));
    registry = Promise.all(areas.map((a) => a.load())).then((lists) => new CheckRegistry(lists.flat()));
    loaded.set(key, registry);
  }
  return registry;
}
