/**
 * Cipher and AKM suite selectors as data (IEEE 802.11-2020 §9.4.2.24.2 Table 9-149 ciphers, §9.4.2.24.3 Table 9-151
 * AKMs; WPA vendor element: Wi-Fi Alliance WPA spec, OUI 00-50-F2). A suite is an OUI plus a type; we name it
 * `00-0f-ac:8` and give it a short name users recognise.
 */

export const IEEE_OUI = '00-0f-ac';
export const MICROSOFT_OUI = '00-50-f2';
export const WFA_OUI = '50-6f-9a';

export interface CipherInfo {
  name: string;
  /** Broken or deprecated for data protection (WEP, TKIP). */
  weak: boolean;
}

/** 802.11-2020 Table 9-149. */
export const RSN_CIPHERS: Record<number, CipherInfo> = {
  0: { name: 'group', weak: false },
  1: { name: 'WEP-40', weak: true },
  2: { name: 'TKIP', weak: true },
  4: { name: 'CCMP-128', weak: false },
  5: { name: 'WEP-104', weak: true },
  6: { name: 'BIP-CMAC-128', weak: false },
  7: { name: 'group-not-allowed', weak: false },
  8: { name: 'GCMP-128', weak: false },
  9: { name: 'GCMP-256', weak: false },
  10: { name: 'CCMP-256', weak: false },
  11: { name: 'BIP-GMAC-128', weak: false },
  12: { name: 'BIP-GMAC-256', weak: false },
  13: { name: 'BIP-CMAC-256', weak: false },
};

export type AkmFamily = 'psk' | 'sae' | 'eap' | 'eap-suite-b' | 'owe' | 'fils' | 'other';

export interface AkmInfo {
  name: string;
  family: AkmFamily;
  /** Fast BSS transition (802.11r) variant. */
  ft: boolean;
}

/** 802.11-2020 Table 9-151 (and 802.11-2020 amendments for SAE-EXT-KEY 24/25). */
export const RSN_AKMS: Record<number, AkmInfo> = {
  1: { name: '802.1X', family: 'eap', ft: false },
  2: { name: 'PSK', family: 'psk', ft: false },
  3: { name: 'FT-802.1X', family: 'eap', ft: true },
  4: { name: 'FT-PSK', family: 'psk', ft: true },
  5: { name: '802.1X-SHA256', family: 'eap', ft: false },
  6: { name: 'PSK-SHA256', family: 'psk', ft: false },
  7: { name: 'TDLS', family: 'other', ft: false },
  8: { name: 'SAE', family: 'sae', ft: false },
  9: { name: 'FT-SAE', family: 'sae', ft: true },
  10: { name: 'APPeerKey', family: 'other', ft: false },
  11: { name: '802.1X-SuiteB-SHA256', family: 'eap-suite-b', ft: false },
  12: { name: '802.1X-SuiteB-SHA384', family: 'eap-suite-b', ft: false },
  13: { name: 'FT-802.1X-SHA384', family: 'eap-suite-b', ft: true },
  14: { name: 'FILS-SHA256', family: 'fils', ft: false },
  15: { name: 'FILS-SHA384', family: 'fils', ft: false },
  16: { name: 'FT-FILS-SHA256', family: 'fils', ft: true },
  17: { name: 'FT-FILS-SHA384', family: 'fils', ft: true },
  18: { name: 'OWE', family: 'owe', ft: false },
  19: { name: 'FT-PSK-SHA384', family: 'psk', ft: true },
  20: { name: 'PSK-SHA384', family: 'psk', ft: false },
  24: { name: 'SAE-EXT-KEY', family: 'sae', ft: false },
  25: { name: 'FT-SAE-EXT-KEY', family: 'sae', ft: true },
};

/** WPA (pre-RSN) vendor element suites under 00-50-F2: the same numbering for ciphers 1/2/4/5, AKM 1 802.1X, 2 PSK. */
export const WPA_CIPHERS: Record<number, CipherInfo> = {
  0: { name: 'group', weak: false },
  1: { name: 'WEP-40', weak: true },
  2: { name: 'TKIP', weak: true },
  4: { name: 'CCMP-128', weak: false },
  5: { name: 'WEP-104', weak: true },
};
export const WPA_AKMS: Record<number, AkmInfo> = {
  1: { name: '802.1X', family: 'eap', ft: false },
  2: { name: 'PSK', family: 'psk', ft: false },
};

/** One suite as it appears on the air: the OUI, the type, and our name for it (`unknown` if neither table knows it). */
export interface Suite {
  oui: string;
  type: number;
  name: string;
}

export function cipherName(oui: string, type: number): string {
  const table = oui === IEEE_OUI ? RSN_CIPHERS : oui === MICROSOFT_OUI ? WPA_CIPHERS : undefined;
  return table?.[type]?.name ?? `${oui}:${type}`;
}

export function akmInfo(oui: string, type: number): AkmInfo | undefined {
  if (oui === IEEE_OUI) return RSN_AKMS[type];
  if (oui === MICROSOFT_OUI) return WPA_AKMS[type];
  return undefined;
}

export function akmName(oui: string, type: number): string {
  return akmInfo(oui, type)?.name ?? `${oui}:${type}`;
}
