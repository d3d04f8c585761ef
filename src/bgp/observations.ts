/**
 * What the BGP monitors observe: one alert, as plain data, per thing they saw. The `bgp.*` checks
 * (src/checks/bgp.ts) turn each into a finding with its id, severity, evidence and remediation.
 */

export const BGP_ALERT_KINDS = [
  'hijack-exact', 'hijack-more-specific', 'moas', 'rpki-invalid', 'rpki-not-covered', 'roa-expiring', 'visibility-loss',
  'new-prefix', 'unexpected-upstream', 'unexpected-downstream', 'path-match',
] as const;
export type BgpAlertKind = (typeof BGP_ALERT_KINDS)[number];

export interface BgpAlert {
  kind: BgpAlertKind;
  /** The prefix the alert is about (the announced one, or ours for configuration-level alerts). */
  prefix: string;
  /** The monitored prefix (from the monitor file) it falls under, when there is one. */
  monitored?: string;
  description?: string;
  /** The route's origin AS; null when the path ends in an AS_SET (no single origin, RFC 6811 §2). */
  origin?: number | null;
  expectedOrigins?: number[];
  /** Peers that saw it, "address ASn", first ones first (bounded). */
  peers: string[];
  /** The AS path as text (sequences space-separated, sets in braces). */
  path?: string;
  /** ISO time from the data (MRT timestamp or the collector's receive time); the VRP or data time for RPKI alerts. */
  time: string;
  /** One sentence of what was seen, with the values. */
  detail: string;
  /** The RPKI verdict where one was made, and the VRPs that decided it. */
  rov?: { state: string; reason?: string; vrps: string[] };
}

declare module '../checks/types.js' {
  interface ObservationMap {
    'bgp-alert': BgpAlert;
  }
}
