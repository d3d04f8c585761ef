/**
 * What a network's beacon says about its protection, as the labels users know (Wi-Fi Alliance WPA3 Specification v3.x
 * §2–§4 for WPA3-Personal/Enterprise/192-bit and their transition modes; Enhanced Open for OWE). Derived only from the
 * decoded elements: pure.
 */
import type { BeaconLike } from './frame.js';
import type { ElementSummary } from './elements.js';
import { akmInfo, RSN_CIPHERS, type AkmFamily } from './suites.js';

export const SECURITY_LABELS = [
  'open', 'owe-transition', 'wep', 'wpa', 'wpa-wpa2', 'wpa2-personal', 'wpa2-enterprise', 'wpa3-personal-transition',
  'wpa3-personal', 'wpa3-enterprise-transition', 'wpa3-enterprise', 'wpa3-enterprise-192', 'owe', 'other',
] as const;
export type SecurityLabel = (typeof SECURITY_LABELS)[number];

/** Strength order for "weaker than the baseline": higher is stronger. Transition modes rank with what an attacker can force. */
export const SECURITY_RANK: Record<SecurityLabel, number> = {
  open: 0, 'owe-transition': 0, wep: 1, wpa: 2, 'wpa-wpa2': 2, other: 2, 'wpa2-personal': 3, 'wpa3-personal-transition': 3,
  owe: 3, 'wpa2-enterprise': 4, 'wpa3-enterprise-transition': 4, 'wpa3-personal': 5, 'wpa3-enterprise': 6, 'wpa3-enterprise-192': 7,
};

export type PmfState = 'required' | 'capable' | 'off';

export interface NetworkSecurity {
  label: SecurityLabel;
  akms: string[];
  pairwiseCiphers: string[];
  groupCipher: string | null;
  pmf: PmfState;
  /** TKIP offered for pairwise or group traffic (WPA vendor element or RSN). */
  tkip: boolean;
  /** WPS is advertised and the AP is not locked. */
  wps: boolean;
  /** SAE hash-to-element advertised (RSNXE). */
  saeH2e: boolean;
  /** The network accepts a weaker mode beside its strongest (PSK beside SAE, 802.1X beside 802.1X-SHA256, WPA beside WPA2, open beside OWE). */
  transition: boolean;
}

function families(names: readonly { oui: string; type: number }[]): Set<AkmFamily> {
  return new Set(names.map((s) => akmInfo(s.oui, s.type)?.family ?? 'other'));
}

export function classifySecurity(privacy: boolean, e: ElementSummary): NetworkSecurity {
  const rsn = e.rsn;
  const wpa = e.wpa;
  const akms = [...(rsn?.akms ?? []), ...(wpa?.akms ?? [])];
  const pairwise = [...(rsn?.pairwiseCiphers ?? []), ...(wpa?.pairwiseCiphers ?? [])];
  const group = rsn?.groupCipher ?? wpa?.groupCipher ?? null;
  const pmf: PmfState = rsn?.mfpr ? 'required' : rsn?.mfpc ? 'capable' : 'off';
  const tkip = [...pairwise, ...(group ? [group] : [])].some((s) => s.name === 'TKIP');
  const wps = !!e.wps && e.wps.apSetupLocked !== true && e.wps.state === 2;
  const base = {
    akms: [...new Set(akms.map((s) => s.name))],
    pairwiseCiphers: [...new Set(pairwise.map((s) => s.name))],
    groupCipher: group?.name ?? null,
    pmf,
    tkip,
    wps,
    saeH2e: e.rsnx?.saeH2e ?? false,
  };
  const label = (l: SecurityLabel, transition = false): NetworkSecurity => ({ ...base, label: l, transition });

  if (!rsn && !wpa) {
    if (privacy) return label('wep');
    return e.oweTransition ? label('owe-transition', true) : label('open');
  }
  if (!rsn) return label('wpa');
  // A missing AKM list means 802.1X by default (§9.4.2.24.1).
  const fam = rsn.akms.length ? families(rsn.akms) : new Set<AkmFamily>(['eap']);
  const types = new Set(rsn.akms.filter((s) => s.oui === '00-0f-ac').map((s) => s.type));
  const mixedWpa = !!wpa;
  if (fam.has('owe') && fam.size === 1) return label('owe');
  if (fam.has('eap-suite-b')) {
    const gcmp256 = rsn.pairwiseCiphers.some((c) => c.name === 'GCMP-256');
    if (rsn.mfpr && gcmp256 && fam.size === 1) return label('wpa3-enterprise-192');
  }
  if (fam.has('sae')) {
    if (fam.has('psk') || mixedWpa) return label('wpa3-personal-transition', true);
    return rsn.mfpr ? label('wpa3-personal') : label('wpa3-personal-transition', true);
  }
  if (fam.has('psk')) return mixedWpa ? label('wpa-wpa2', true) : label('wpa2-personal');
  if (fam.has('eap') || fam.has('eap-suite-b')) {
    // WPA3-Enterprise: 802.1X-SHA256 (5) (or FT) with PMF required; beside plain 802.1X (1) and PMF capable = transition.
    const sha256 = types.has(5);
    const legacy = types.has(1) || types.has(3);
    if (mixedWpa) return label('wpa-wpa2', true);
    if (sha256 && rsn.mfpr && !legacy) return label('wpa3-enterprise');
    if (legacy && rsn.mfpc && (sha256 || rsn.mfpr)) return label('wpa3-enterprise-transition', true);
    return label('wpa2-enterprise');
  }
  return label('other');
}

const classified = new WeakMap<ElementSummary, [NetworkSecurity | undefined, NetworkSecurity | undefined]>();

/** The security a beacon or probe response advertises (memoised per shared element summary; results are shared, never mutated). */
export function beaconSecurity(f: BeaconLike): NetworkSecurity {
  let pair = classified.get(f.elements);
  if (!pair) classified.set(f.elements, (pair = [undefined, undefined]));
  const i = f.privacy ? 1 : 0;
  return (pair[i] ??= classifySecurity(f.privacy, f.elements));
}

export const WEAK_CIPHER_NAMES = new Set(Object.values(RSN_CIPHERS).filter((c) => c.weak).map((c) => c.name));
