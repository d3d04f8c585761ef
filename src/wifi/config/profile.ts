/**
 * A Wi-Fi profile as the configuration audit sees it, whatever file it came from (wpa_supplicant.conf network block,
 * NetworkManager keyfile, iwd profile, hostapd.conf): the facts the `wifi.config.*` checks read. Secrets never enter it:
 * a PSK is reduced to its length, a password to its presence.
 */

export type ProfileFormat = 'wpa_supplicant' | 'networkmanager' | 'iwd' | 'hostapd';

/** Key management normalised across formats (wpa_supplicant's key_mgmt names, lower case). */
export type KeyMgmt =
  | 'none' | 'wep' | 'wpa-psk' | 'wpa-psk-sha256' | 'ft-psk' | 'sae' | 'sae-ext-key' | 'ft-sae' | 'owe'
  | 'wpa-eap' | 'wpa-eap-sha256' | 'ft-eap' | 'wpa-eap-suite-b-192' | 'other';

export interface EapSettings {
  /** Outer methods: peap, ttls, tls, pwd, fast, leap, md5 … */
  methods: string[];
  /** Inner (phase 2) authentication, e.g. mschapv2, pap, gtc. */
  phase2: string[];
  /** A CA certificate (file or blob) is configured, or the system store is named. */
  caCertificate: boolean;
  /** The server's name is pinned: domain_suffix_match, domain_match, altsubject_match, subject_match, NM domain-suffix-match … */
  serverNameMatch: string | null;
}

export interface WifiProfile {
  file: string;
  format: ProfileFormat;
  /** `client` for supplicant profiles, `ap` for hostapd. */
  role: 'client' | 'ap';
  /** The profile's name in the file (NM id, network block index) for the finding's target. */
  name: string;
  ssid: string | null;
  /** Line of the block in the file, from 1. */
  line: number;
  keyMgmt: KeyMgmt[];
  /** WPA (vendor element) allowed beside RSN. */
  wpa1: boolean;
  pairwise: string[];
  group: string[];
  /** Management frame protection as configured; `disabled` is also the default when nothing says otherwise. */
  pmf: 'required' | 'optional' | 'disabled';
  eap: EapSettings | null;
  /** The profile joins by itself when the network is in range. */
  autoConnect: boolean;
  /** Length of a passphrase PSK (8–63); null when none or a 64-hex raw PSK. Never the PSK itself. */
  pskLength: number | null;
  /** The file holds a secret (PSK, password, private key passphrase). */
  holdsSecret: boolean;
  /** hostapd `sae_pwe`: 0 hunting-and-pecking only, 1 hash-to-element only, 2 both; null when unset. */
  saePwe: number | null;
  /** An access point with WPS enabled (hostapd wps_state 1 or 2). */
  wps: boolean;
  /** Set by the reader: the file's mode lets group or others read it. null when not known (text given directly). */
  readableByOthers: boolean | null;
}
