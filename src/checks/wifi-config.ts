/**
 * `wifi.config.*`: checks of Wi-Fi profiles read from configuration files (wpa_supplicant, NetworkManager, iwd, hostapd),
 * observation `wifi-profile` (src/wifi/config/profile.ts). Pillar network. Secrets are never in the evidence.
 */
import '../wifi/observations.js';
import { defineCheck } from './registry.js';
import type { WifiProfile } from '../wifi/config/profile.js';

const EAP_TLS = 'https://www.rfc-editor.org/rfc/rfc5216#section-5.2';
const WPA_SUPPLICANT_CONF = 'https://w1.fi/cgit/hostap/plain/wpa_supplicant/wpa_supplicant.conf';
const HOSTAPD_CONF = 'https://w1.fi/cgit/hostap/plain/hostapd/hostapd.conf';
const WPA3 = 'https://www.wi-fi.org/file/wpa3-specification';
const DRAGONBLOOD = 'https://wpa3.mathyvanhoef.com/';
const MSCHAPV2 = 'https://www.rfc-editor.org/rfc/rfc2759';

const PASSWORD_INNER = new Set(['mschapv2', 'pap', 'chap', 'mschap', 'gtc', 'md5']);
const PSK = new Set(['wpa-psk', 'wpa-psk-sha256', 'ft-psk']);
const SAE = new Set(['sae', 'sae-ext-key', 'ft-sae']);
const where = (p: WifiProfile) => `${p.format} ${p.role} profile ${JSON.stringify(p.ssid ?? p.name)}`;
const tunnelled = (p: WifiProfile) => p.eap !== null && !p.eap.methods.every((m) => m === 'tls');
const passwordInner = (p: WifiProfile) => !!p.eap && (p.eap.phase2.some((x) => PASSWORD_INNER.has(x)) || p.eap.methods.some((m) => m === 'pwd' || m === 'leap' || m === 'md5' || m === '(any)'));

export const wifiConfigChecks = [
  defineCheck({
    id: 'wifi.config.eap-no-ca',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'high',
    title: '802.1X profile without a CA certificate',
    description: 'The enterprise profile names no CA certificate, so the supplicant accepts any RADIUS server certificate: an evil twin with a self-signed certificate receives the inner authentication — with PEAP/TTLS and MSCHAPv2 or PAP, the user\'s password or a crackable hash of it.',
    remediation: 'Set the CA that issued the RADIUS server certificate (wpa_supplicant ca_cert, NM 802-1x.ca-cert, iwd EAP-<method>-CACert) and pin its name (domain_suffix_match).',
    references: [EAP_TLS, WPA_SUPPLICANT_CONF, MSCHAPV2],
    evaluate: (p) =>
      p.role === 'client' && p.eap !== null && !p.eap.caCertificate && {
        evidence: `${where(p)}: EAP ${p.eap.methods.join('/')}${p.eap.phase2.length ? ` with ${p.eap.phase2.join('/')}` : ''}, no CA certificate`,
        severity: passwordInner(p) ? 'critical' : 'high',
      },
  }),
  defineCheck({
    id: 'wifi.config.eap-no-server-name',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'high',
    title: '802.1X profile does not check the server\'s name',
    description: 'A CA is configured but the server name is not matched: any certificate that CA ever issued — for a public CA, any website\'s — is accepted as the RADIUS server.',
    remediation: 'Pin the RADIUS server name: wpa_supplicant domain_suffix_match (or domain_match / altsubject_match), NM 802-1x.domain-suffix-match, iwd EAP-<method>-ServerDomainMask.',
    references: [WPA_SUPPLICANT_CONF, 'https://www.rfc-editor.org/rfc/rfc9190'],
    evaluate: (p) => p.role === 'client' && p.eap !== null && p.eap.caCertificate && !p.eap.serverNameMatch && tunnelled(p) && { evidence: `${where(p)}: EAP ${p.eap.methods.join('/')} with a CA but no server name match` },
  }),
  defineCheck({
    id: 'wifi.config.open-autoconnect',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'medium',
    title: 'Open network profile joins automatically',
    description: 'The device joins an unencrypted network of this name whenever one is in range; anyone can broadcast the name (KARMA/MANA) and become the device\'s network.',
    remediation: 'Remove saved open networks, or disable auto-connect for them (wpa_supplicant disabled=1, NM connection.autoconnect=false, iwd AutoConnect=false) and use a VPN on them.',
    references: ['https://www.sensepost.com/blog/2015/improvements-in-rogue-ap-attacks-mana-1-2/'],
    evaluate: (p) => p.role === 'client' && p.keyMgmt.length === 1 && p.keyMgmt[0] === 'none' && p.autoConnect && { evidence: `${where(p)}: open, auto-connect` },
  }),
  defineCheck({
    id: 'wifi.config.wep',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'critical',
    title: 'WEP configured',
    description: 'The profile uses WEP, whose keys are recovered from minutes of traffic.',
    remediation: 'Move the network to WPA3 (SAE) or at least WPA2 with CCMP.',
    references: ['https://eprint.iacr.org/2007/120'],
    evaluate: (p) => p.keyMgmt.includes('wep') && { evidence: `${where(p)}: WEP key configured` },
  }),
  defineCheck({
    id: 'wifi.config.tkip',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'high',
    title: 'WPA (version 1) or TKIP configured',
    description: 'The profile explicitly allows the WPA vendor protocol or the TKIP cipher, deprecated since 2012 and open to injection and decryption attacks on short frames.',
    remediation: 'Use proto=RSN with pairwise=CCMP (hostapd: wpa=2, rsn_pairwise=CCMP, no wpa_pairwise).',
    references: [WPA_SUPPLICANT_CONF, HOSTAPD_CONF],
    evaluate: (p) => (p.wpa1 || [...p.pairwise, ...p.group].includes('tkip')) && { evidence: `${where(p)}: ${p.wpa1 ? 'proto WPA' : ''}${p.wpa1 && [...p.pairwise, ...p.group].includes('tkip') ? ', ' : ''}${[...p.pairwise, ...p.group].includes('tkip') ? 'TKIP' : ''}` },
  }),
  defineCheck({
    id: 'wifi.config.psk-without-pmf',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'medium',
    title: 'WPA2-Personal profile without management frame protection required',
    description: 'A PSK network with PMF not required: forged deauthentication frames disconnect the device at will, the first step of handshake capture and evil-twin attacks.',
    remediation: 'Require PMF (wpa_supplicant ieee80211w=2 or global pmf=2, NM wifi-security.pmf=3, hostapd ieee80211w=2) or move to SAE, where it is mandatory.',
    references: [WPA_SUPPLICANT_CONF, WPA3],
    evaluate: (p) => p.role === 'client' && p.keyMgmt.some((k) => PSK.has(k)) && p.pmf !== 'required' && { evidence: `${where(p)}: key management ${p.keyMgmt.join(' ')}, PMF ${p.pmf}`, severity: p.pmf === 'disabled' ? 'medium' : 'low' },
  }),
  defineCheck({
    id: 'wifi.config.ap-pmf-not-required',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'medium',
    title: 'Access point does not require management frame protection',
    description: 'hostapd runs without ieee80211w=2: clients may connect unprotected and forged deauthentication frames disconnect them.',
    remediation: 'Set ieee80211w=2 (required); ieee80211w=1 only while old clients are retired.',
    references: [HOSTAPD_CONF],
    evaluate: (p) => p.role === 'ap' && !p.keyMgmt.every((k) => k === 'none' || k === 'wep') && p.pmf !== 'required' && { evidence: `${where(p)}: ieee80211w ${p.pmf === 'disabled' ? '0 (or unset)' : '1'}` },
  }),
  defineCheck({
    id: 'wifi.config.wpa3-transition',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'medium',
    title: 'Profile allows both WPA2-PSK and WPA3-SAE',
    description: 'PSK is allowed beside SAE: an evil twin that offers only WPA2-PSK downgrades the device, and the captured handshake allows an offline attack on the password.',
    remediation: 'Where every device supports it, use SAE only (key_mgmt=SAE, ieee80211w=2); on access points, a separate WPA2 SSID for old devices.',
    references: [WPA3, DRAGONBLOOD],
    evaluate: (p) => p.keyMgmt.some((k) => PSK.has(k)) && p.keyMgmt.some((k) => SAE.has(k)) && { evidence: `${where(p)}: key management ${p.keyMgmt.join(' ')}` },
  }),
  defineCheck({
    id: 'wifi.config.sae-hunting-and-pecking',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'medium',
    title: 'SAE without hash-to-element on the access point',
    description: 'hostapd offers SAE with sae_pwe 0 (the default) or unset: only the hunting-and-pecking password element derivation, exposed to the Dragonblood timing and cache side channels.',
    remediation: 'Set sae_pwe=1 (hash-to-element only) or 2 (both, while old clients remain).',
    references: [DRAGONBLOOD, HOSTAPD_CONF],
    evaluate: (p) => p.role === 'ap' && p.keyMgmt.some((k) => SAE.has(k)) && (p.saePwe === null || p.saePwe === 0) && { evidence: `${where(p)}: sae_pwe ${p.saePwe ?? 'unset'} (hunting-and-pecking)` },
  }),
  defineCheck({
    id: 'wifi.config.short-psk',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'high',
    title: 'Short WPA passphrase',
    description: 'The WPA2 passphrase is short enough for an offline dictionary or brute-force attack on a captured handshake or PMKID. (Only its length is read; it is never printed.)',
    remediation: 'Use a random passphrase of at least 20 characters, or SAE (WPA3), which resists offline attacks.',
    references: ['https://hashcat.net/forum/thread-7717.html'],
    evaluate: (p) =>
      p.pskLength !== null && p.pskLength < 20 && p.keyMgmt.some((k) => PSK.has(k)) && { evidence: `${where(p)}: passphrase of ${p.pskLength} characters`, severity: p.pskLength < 12 ? 'high' : 'medium' },
  }),
  defineCheck({
    id: 'wifi.config.secret-readable',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'high',
    title: 'Wi-Fi secret in a world-readable file',
    description: 'The file holds a PSK or password and any local user or process can read it.',
    remediation: 'chmod 600 the file (NetworkManager ignores keyfiles that are not 0600 and owned by root).',
    references: ['https://networkmanager.dev/docs/api/latest/nm-settings-keyfile.html'],
    evaluate: (p) => p.holdsSecret && p.readableByOthers === true && { evidence: `${p.file}: readable by all users and holds a secret` },
  }),
  defineCheck({
    id: 'wifi.config.ap-wps',
    source: 'wifi-profile',
    pillar: 'network',
    severity: 'high',
    title: 'Access point enables WPS',
    description: 'hostapd has wps_state set: the WPS PIN can be brute-forced or recovered offline (Pixie Dust) and gives the network key away.',
    remediation: 'Set wps_state=0.',
    references: ['https://www.kb.cert.org/vuls/id/723755'],
    evaluate: (p) => p.role === 'ap' && p.wps && { evidence: `${where(p)}: WPS enabled` },
  }),
];
