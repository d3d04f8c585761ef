/**
 * The network's normal, in YAML: which MAC owns the gateway, which DHCP/DHCPv6 servers, routers, DNS servers and
 * LLMNR/NBT-NS responders are real, which MACs may answer for many addresses (VRRP/HSRP/CARP virtual MACs, proxy-ARP
 * routers), which keys each TLS name presents and what it must at least negotiate. Every list is optional: without a
 * baseline the detectors judge by what the capture itself shows (changes, races, several servers).
 *
 * ```yaml
 * gateways: [{ ip: 198.18.0.1, mac: "02:00:00:00:00:01" }]
 * dhcpServers: [198.18.0.1]
 * routers: ["fe80::1"]
 * dnsServers: [198.18.0.53]
 * tls:
 *   intranet.example: { pins: ["sha256//…"], minVersion: TLSv1.2 }   # as `mitmguard cert pin` prints them
 * ```
 */
import { z } from 'zod';
import { parseYamlConfig } from '../policy/yaml-config.js';
import { normalizePin, PIN_PATTERN, PIN_SYNTAX } from '../x509/pin.js';

const mac = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, 'a MAC address like 02:00:00:00:00:01').transform((s) => s.toLowerCase());
const ip = z.string().min(2).max(64);
const version = z.enum(['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

export const baselineSchema = z.strictObject({
  gateways: z.array(z.strictObject({ ip, mac })).max(64).default([]),
  hosts: z.array(z.strictObject({ ip, mac })).max(65_536).default([]),
  allowMacs: z.array(mac).max(1024).default([]),
  dhcpServers: z.array(ip).max(64).optional(),
  dhcpv6Servers: z.array(ip).max(64).optional(),
  routers: z.array(ip).max(64).optional(),
  dnsServers: z.array(ip).max(64).optional(),
  nameResponders: z.array(ip).max(256).optional(),
  dnsAnswers: z.record(z.string(), z.array(ip).max(64)).default({}),
  tls: z.record(z.string(), z.strictObject({ pins: z.array(z.string().regex(PIN_PATTERN, PIN_SYNTAX).transform((p) => normalizePin(p)!)).max(16).optional(), minVersion: version.optional() })).default({}),
});

export type Baseline = z.output<typeof baselineSchema>;

export const EMPTY_BASELINE: Baseline = baselineSchema.parse({});

/** Parse a baseline file's text; errors are MG_ERR_CONFIG with file:line:col. */
export function parseBaseline(text: string, file = '<baseline>'): Baseline {
  return parseYamlConfig(text, baselineSchema, file);
}

/** VRRP (RFC 5798 §7.3, also CARP) and HSRP virtual router MACs: they legitimately move between routers. */
export function isVirtualRouterMac(m: string): boolean {
  return /^00:00:5e:00:0[12]:/.test(m) || /^00:00:0c:07:ac:/.test(m) || /^00:00:0c:9f:f/.test(m);
}
