/**
 * Observation kinds of the Wi-Fi wing on the shared ObservationMap (src/checks/types.ts): a network seen on the air,
 * an intrusion alert raised by a detector, and a Wi-Fi profile read from a configuration file. Plain data.
 */
import type { Severity } from '../model/index.js';
import type { NetworkSecurity } from './security.js';
import type { WifiProfile } from './config/profile.js';

/** One BSS (BSSID + SSID) of the air inventory. */
export interface WifiNetworkObservation {
  bssid: string;
  ssid: string;
  hidden: boolean;
  channel: number | null;
  /** Strongest signal seen, dBm. */
  signalDbm: number | null;
  security: NetworkSecurity;
  beacons: number;
  probeResponses: number;
  firstFrame: number;
  /** The baseline demands WPA3 only (policy.requireWpa3). */
  requireWpa3: boolean;
  /** The network is one of the baseline's own (its SSID is listed). */
  known: boolean;
}

export const WIFI_ALERTS = [
  'evil-twin', 'evil-twin-weaker', 'security-mismatch', 'karma', 'deauth-flood', 'disassoc-flood', 'beacon-flood', 'downgrade', 'pmkid-harvest',
] as const;
export type WifiAlertKind = (typeof WIFI_ALERTS)[number];

/** What a detector saw: the kind, who, when (capture time) and which frames, in words a person can check. */
export interface WifiAlertObservation {
  alert: WifiAlertKind;
  /** A sentence: the evidence of the finding. */
  summary: string;
  ssid: string | null;
  bssid: string | null;
  /** Frame numbers in the capture (the first few). */
  frames: number[];
  firstUs: number;
  lastUs: number;
  severity?: Severity;
}

declare module '../checks/types.js' {
  interface ObservationMap {
    'wifi-network': WifiNetworkObservation;
    'wifi-alert': WifiAlertObservation;
    'wifi-profile': WifiProfile;
  }
}
