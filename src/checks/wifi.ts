/**
 * Checks of the Wi-Fi area (issue 14), pillar network: the security each network on the air advertises
 * (`wifi.network.*`, observation `wifi-network`), the intrusion alerts of the detectors (`wifi.ids.*`, observation
 * `wifi-alert`) and the configuration audit of supplicant and access point profiles (`wifi.config.*`, `wifi-profile`).
 */
import '../wifi/observations.js';
import { defineCheck } from './registry.js';
import type { WifiAlertKind, WifiAlertObservation } from '../wifi/observations.js';
import { wifiConfigChecks } from './wifi-config.js';

const WPA3 = 'https://www.wi-fi.org/file/wpa3-specification';
const IEEE80211 = 'https://standards.ieee.org/ieee/802.11/7028/';
const KRACK = 'https://www.krackattacks.com/';
const DRAGONBLOOD = 'https://wpa3.mathyvanhoef.com/';
const PMKID = 'https://hashcat.net/forum/thread-7717.html';
const WPS_PIXIE = 'https://www.kb.cert.org/vuls/id/723755';
const KARMA = 'https://www.sensepost.com/blog/2015/improvements-in-rogue-ap-attacks-mana-1-2/';
const OWE = 'https://www.rfc-editor.org/rfc/rfc8110';

const PERSONAL_OR_ENTERPRISE = new Set(['wpa2-personal', 'wpa2-enterprise', 'wpa-wpa2', 'wpa3-personal-transition', 'wpa3-enterprise-transition']);

export const wifiNetworkChecks = [
  defineCheck({
    id: 'wifi.network.open',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'high',
    title: 'Wi-Fi network without encryption',
    description: 'The network advertises no RSN, WPA or WEP protection: every frame can be read and any access point can claim its name, so clients join an evil twin as readily as the real one.',
    remediation: 'Protect the network with WPA3 (SAE) or, for a public hotspot, Enhanced Open (OWE); until then, treat it as hostile and require a VPN.',
    references: [OWE, WPA3],
    evaluate: (o) => (o.security.label === 'open' || o.security.label === 'owe-transition') && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: ${o.security.label} (channel ${o.channel ?? '?'})` },
  }),
  defineCheck({
    id: 'wifi.network.wep',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'critical',
    title: 'Wi-Fi network protected only by WEP',
    description: 'WEP keys are recovered from a few minutes of traffic (FMS, PTW); a WEP network is an open network with extra steps.',
    remediation: 'Replace WEP with WPA3-Personal or WPA3-Enterprise; retire devices that cannot do better than WEP.',
    references: ['https://eprint.iacr.org/2007/120'],
    evaluate: (o) => o.security.label === 'wep' && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: privacy bit set without RSN or WPA element` },
  }),
  defineCheck({
    id: 'wifi.network.wpa1',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'high',
    title: 'Wi-Fi network offers WPA (version 1)',
    description: 'The WPA vendor element is advertised: clients may use the pre-RSN protocol with TKIP, deprecated since 2012 and open to the Beck-Tews and Ohigashi-Morii attacks.',
    remediation: 'Disable WPA (wpa=2 in hostapd) and offer RSN only, with CCMP or GCMP.',
    references: [IEEE80211],
    evaluate: (o) => (o.security.label === 'wpa' || o.security.label === 'wpa-wpa2') && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: ${o.security.label} (AKMs ${o.security.akms.join(', ') || 'none'})` },
  }),
  defineCheck({
    id: 'wifi.network.tkip',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'high',
    title: 'Wi-Fi network offers TKIP',
    description: 'TKIP is offered as a pairwise or group cipher; it is deprecated (802.11-2020 §12.5.2) and its MIC (Michael) lets an attacker inject and decrypt short frames.',
    remediation: 'Offer CCMP-128 (or GCMP-256) only: rsn_pairwise=CCMP and no wpa_pairwise=TKIP.',
    references: [IEEE80211],
    evaluate: (o) => o.security.tkip && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: pairwise ${o.security.pairwiseCiphers.join(', ')}, group ${o.security.groupCipher ?? '?'}` },
  }),
  defineCheck({
    id: 'wifi.network.pmf-not-required',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'medium',
    title: 'Wi-Fi network does not require management frame protection',
    description: 'Without 802.11w (PMF) required, anyone in radio range can forge deauthentication frames to knock clients off and push them towards an evil twin, and clients may join without protection.',
    remediation: 'Require PMF (ieee80211w=2); WPA3 makes it mandatory. Where old clients need it, at least make PMF capable (ieee80211w=1).',
    references: [IEEE80211, WPA3],
    evaluate: (o) =>
      PERSONAL_OR_ENTERPRISE.has(o.security.label) &&
      o.security.pmf !== 'required' && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: PMF ${o.security.pmf} (${o.security.label})`, severity: o.security.pmf === 'off' ? 'medium' : 'low' },
  }),
  defineCheck({
    id: 'wifi.network.wpa3-transition',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'medium',
    title: 'Wi-Fi network in WPA3 transition mode',
    description: 'The network accepts a weaker mode beside its strongest (PSK beside SAE, 802.1X beside 802.1X-SHA256, WPA beside WPA2): an evil twin offering only the weaker mode downgrades clients, and with PSK beside SAE the password can be attacked offline (Dragonblood).',
    remediation: 'Where every client supports it, run WPA3 only (SAE with PMF required); otherwise keep a separate WPA2 SSID and disable transition-mode downgrade on clients (transition_disable).',
    references: [WPA3, DRAGONBLOOD],
    evaluate: (o) =>
      o.security.transition &&
      o.security.label !== 'owe-transition' && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: ${o.security.label} (AKMs ${o.security.akms.join(', ')})${o.requireWpa3 ? '; the policy requires WPA3 only' : ''}`, severity: o.requireWpa3 ? 'high' : 'medium' },
  }),
  defineCheck({
    id: 'wifi.network.not-wpa3',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'high',
    title: 'Own Wi-Fi network without WPA3 where the policy requires it',
    description: 'The baseline policy requires WPA3 only, and this network of ours advertises neither WPA3 nor a transition mode.',
    remediation: 'Move the network to WPA3-Personal (SAE, PMF required) or WPA3-Enterprise.',
    references: [WPA3],
    evaluate: (o) => o.requireWpa3 && o.known && !o.security.transition && !o.security.label.startsWith('wpa3') && o.security.label !== 'owe' && { evidence: `${o.ssid} on ${o.bssid}: ${o.security.label}` },
  }),
  defineCheck({
    id: 'wifi.network.sae-without-h2e',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'low',
    title: 'SAE without hash-to-element',
    description: 'The network offers SAE but does not advertise hash-to-element (RSNXE): the hunting-and-pecking password element derivation is exposed to the Dragonblood timing and cache side channels.',
    remediation: 'Enable SAE hash-to-element (hostapd sae_pwe=1 or 2) on the access points.',
    references: [DRAGONBLOOD],
    evaluate: (o) => o.security.akms.some((a) => a === 'SAE' || a === 'FT-SAE') && !o.security.saeH2e && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: SAE without the SAE-H2E bit in RSNXE` },
  }),
  defineCheck({
    id: 'wifi.network.wps',
    source: 'wifi-network',
    pillar: 'network',
    severity: 'high',
    title: 'Wi-Fi Protected Setup enabled',
    description: 'The access point advertises a configured, unlocked WPS: the 8-digit PIN falls to online brute force (Reaver) or offline Pixie Dust attacks, and gives the network key away.',
    remediation: 'Disable WPS on the access point (wps_state=0 in hostapd).',
    references: [WPS_PIXIE],
    evaluate: (o) => o.security.wps && { evidence: `${o.ssid || '<hidden>'} on ${o.bssid}: WPS configured and not locked` },
  }),
];

interface AlertCheckSpec {
  severity: 'critical' | 'high' | 'medium' | 'low';
  title: string;
  description: string;
  remediation: string;
  references: string[];
}

const ALERTS: Record<WifiAlertKind, AlertCheckSpec> = {
  'evil-twin': {
    severity: 'high',
    title: 'Evil twin: a known SSID on an unknown BSSID',
    description: 'One of our network names is advertised by an access point that is not in the baseline: a rogue access point impersonating ours to capture clients.',
    remediation: 'Locate the transmitter (channel, signal), remove it, and make sure clients validate the network (WPA3-SAE, 802.1X with server certificate checks); add a legitimate new access point to the baseline.',
    references: [WPA3],
  },
  'evil-twin-weaker': {
    severity: 'critical',
    title: 'Evil twin with weaker security than our network',
    description: 'One of our network names is advertised by an unknown access point with weaker security than the baseline requires: clients that accept the weaker mode (open, WPA2 beside WPA3) are downgraded onto it.',
    remediation: 'Locate and remove the transmitter; on clients, disable transition modes and pin the expected security (SAE only, transition_disable).',
    references: [WPA3, DRAGONBLOOD],
  },
  'security-mismatch': {
    severity: 'medium',
    title: 'Same SSID advertised with different security',
    description: 'Two access points advertise the same network name with different security: either a misconfigured access point or an evil twin offering the weaker mode.',
    remediation: 'Check both BSSIDs; if both are ours, make their security identical and list them in the baseline; if not, find the weaker one.',
    references: [WPA3],
  },
  karma: {
    severity: 'high',
    title: 'KARMA/MANA access point answering probes for many networks',
    description: 'One BSSID answered probe requests as several different networks: a KARMA/MANA rogue access point that impersonates whatever network a client asks for.',
    remediation: 'Locate and remove the transmitter; remove open networks from client profiles and disable auto-connect to them, and stop clients from sending directed probes.',
    references: [KARMA],
  },
  'deauth-flood': {
    severity: 'high',
    title: 'Deauthentication flood',
    description: 'Many unprotected deauthentication frames in a short window: clients are being knocked off the network, the first step of an evil twin, handshake capture or denial of service.',
    remediation: 'Require management frame protection (PMF, ieee80211w=2; WPA3), which makes forged deauthentication frames ineffective; locate the transmitter.',
    references: [IEEE80211],
  },
  'disassoc-flood': {
    severity: 'high',
    title: 'Disassociation flood',
    description: 'Many unprotected disassociation frames in a short window: the same attack as a deauthentication flood, through the other management frame.',
    remediation: 'Require management frame protection (PMF, ieee80211w=2; WPA3); locate the transmitter.',
    references: [IEEE80211],
  },
  'beacon-flood': {
    severity: 'medium',
    title: 'Beacon flood',
    description: 'Many new BSSIDs began beaconing within a short window (mdk3/mdk4 style): a flood that hides a rogue access point among fakes or overwhelms client scan lists.',
    remediation: 'Locate the transmitter; a wireless IDS sensor per area makes this visible in real time.',
    references: [IEEE80211],
  },
  downgrade: {
    severity: 'critical',
    title: 'Security downgrade of a known network',
    description: 'A network advertised weaker security than before in the same capture, or than the baseline requires for one of our own BSSIDs: a spoofed beacon (the BSSID is cloned) or a changed access point configuration.',
    remediation: 'Check the access point configuration; if it is unchanged, the beacons are forged — require PMF and beacon protection, and find the transmitter.',
    references: [IEEE80211, KRACK],
  },
  'pmkid-harvest': {
    severity: 'medium',
    title: 'PMKID harvesting',
    description: 'The access point sent a PMKID in the first message of the 4-way handshake to stations that never completed it: the pattern of hcxdumptool-style attacks that collect PMKIDs to crack the PSK offline.',
    remediation: 'Use WPA3-SAE (no offline attack on the PMKID) or a long random PSK; disable PMKID caching for PSK networks where the access point allows it.',
    references: [PMKID],
  },
};

function alertEvidence(a: WifiAlertObservation): string {
  return `${a.summary} [frames ${a.frames.join(', ')}]`;
}

export const wifiAlertChecks = (Object.entries(ALERTS) as [WifiAlertKind, AlertCheckSpec][]).map(([alert, spec]) =>
  defineCheck({
    id: `wifi.ids.${alert}`,
    source: 'wifi-alert',
    pillar: 'network',
    ...spec,
    evaluate: (a) => a.alert === alert && { evidence: alertEvidence(a), ...(a.severity ? { severity: a.severity } : {}) },
  }),
);

export const wifiChecks = [...wifiNetworkChecks, ...wifiAlertChecks, ...wifiConfigChecks];
