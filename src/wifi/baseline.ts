/**
 * The air baseline (`mitmguard wifi capture --baseline air.yaml`): the organisation's own networks with the BSSIDs
 * that may serve them and the security they must advertise, allow-lists of neighbours, the policy (WPA3 only?) and the
 * detector thresholds. Pure: text in, a validated baseline out (MG_ERR_CONFIG with file:line:col otherwise).
 *
 * ```yaml
 * networks:
 *   - ssid: CorpNet
 *     bssids: ["02:00:00:00:01:01"]
 *     security: wpa3-personal
 * allow: { bssids: ["02:00:00:00:09:09"], ssids: [CoffeeShop] }
 * policy: { requireWpa3: true }
 * thresholds: { deauthFrames: 20, windowSeconds: 10, karmaSsids: 3, beaconFloodBssids: 50 }
 * ```
 */
import { z } from 'zod';
import { parseYamlConfig } from '../policy/yaml-config.js';
import { SECURITY_LABELS, type SecurityLabel } from './security.js';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const macSchema = z.string().transform((s) => s.toLowerCase()).pipe(z.string().regex(MAC, 'a BSSID is six hex octets separated by colons'));

export const DEFAULT_THRESHOLDS = {
  /** Deauthentication (or disassociation) frames from one transmitter within the window that make a flood. */
  deauthFrames: 20,
  /** The sliding window for floods, in seconds of capture time. */
  windowSeconds: 10,
  /** Distinct SSIDs one BSSID answers probes for before it is a KARMA/MANA access point. */
  karmaSsids: 3,
  /** New BSSIDs beaconing within the window that make a beacon flood. */
  beaconFloodBssids: 50,
} as const;

const baselineSchema = z.strictObject({
  networks: z
    .array(
      z.strictObject({
        ssid: z.string().min(1).max(32),
        bssids: z.array(macSchema).default([]),
        security: z.enum(SECURITY_LABELS).optional(),
      }),
    )
    .default([]),
  allow: z.strictObject({ bssids: z.array(macSchema).default([]), ssids: z.array(z.string()).default([]) }).default({ bssids: [], ssids: [] }),
  policy: z.strictObject({ requireWpa3: z.boolean().default(false) }).default({ requireWpa3: false }),
  thresholds: z
    .strictObject({
      deauthFrames: z.number().int().min(2).max(100_000).optional(),
      windowSeconds: z.number().positive().max(86_400).optional(),
      karmaSsids: z.number().int().min(2).max(64).optional(),
      beaconFloodBssids: z.number().int().min(2).max(100_000).optional(),
    })
    .default({}),
});

export interface KnownNetwork {
  ssid: string;
  bssids: string[];
  security: SecurityLabel | null;
}

export interface AirBaseline {
  networks: KnownNetwork[];
  allowBssids: string[];
  allowSsids: string[];
  requireWpa3: boolean;
  thresholds: { deauthFrames: number; windowSeconds: number; karmaSsids: number; beaconFloodBssids: number };
}

export const EMPTY_BASELINE: AirBaseline = { networks: [], allowBssids: [], allowSsids: [], requireWpa3: false, thresholds: { ...DEFAULT_THRESHOLDS } };

/** @example parseAirBaseline('networks:\n  - ssid: CorpNet\n    bssids: ["02:00:00:00:01:01"]\n', 'air.yaml') */
export function parseAirBaseline(text: string, file = '<baseline>'): AirBaseline {
  const b = parseYamlConfig(text, baselineSchema, file);
  return {
    networks: b.networks.map((n) => ({ ssid: n.ssid, bssids: n.bssids, security: n.security ?? null })),
    allowBssids: b.allow.bssids,
    allowSsids: b.allow.ssids,
    requireWpa3: b.policy.requireWpa3,
    thresholds: { ...DEFAULT_THRESHOLDS, ...Object.fromEntries(Object.entries(b.thresholds).filter(([, v]) => v !== undefined)) },
  };
}
