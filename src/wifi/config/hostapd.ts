/**
 * hostapd.conf (hostapd/hostapd.conf in hostap): `field=value` lines for one BSS (further BSSes after `bss=`). Defaults
 * follow hostapd 2.10: wpa=0 (no WPA), wpa_key_mgmt WPA-PSK, ieee80211w 0, sae_pwe 0 (hunting-and-pecking only), wps_state 0.
 */
import { MitmError } from '../../errors.js';
import type { KeyMgmt, WifiProfile } from './profile.js';
import { checkText, list, MAX_PROFILES_PER_FILE, passphraseLength } from './text.js';

const KEY_MGMT: Record<string, KeyMgmt> = {
  'wpa-psk': 'wpa-psk', 'wpa-psk-sha256': 'wpa-psk-sha256', 'ft-psk': 'ft-psk', sae: 'sae', 'sae-ext-key': 'sae-ext-key', 'ft-sae': 'ft-sae', owe: 'owe',
  'wpa-eap': 'wpa-eap', 'wpa-eap-sha256': 'wpa-eap-sha256', 'ft-eap': 'ft-eap', 'wpa-eap-suite-b-192': 'wpa-eap-suite-b-192',
};
const PMF: Record<string, WifiProfile['pmf']> = { '0': 'disabled', '1': 'optional', '2': 'required' };

export function parseHostapd(text: string, file: string): WifiProfile[] {
  checkText(text, file);
  const bsses: { line: number; values: Map<string, string> }[] = [{ line: 1, values: new Map() }];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: expected field=value`, { details: { file, line: i + 1 } });
    const key = line.slice(0, eq).trim();
    if (key === 'bss') {
      if (bsses.length >= MAX_PROFILES_PER_FILE) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${MAX_PROFILES_PER_FILE} BSSes`);
      bsses.push({ line: i + 1, values: new Map() });
    }
    bsses[bsses.length - 1]!.values.set(key, line.slice(eq + 1).trim());
  });
  if (!bsses[0]!.values.has('ssid') && !bsses[0]!.values.has('interface')) throw new MitmError('MG_ERR_CONFIG', `${file}: no ssid= or interface=; not a hostapd configuration`);
  return bsses.map((b, index) => {
    const v = b.values;
    const wpa = Number(v.get('wpa') ?? '0');
    const wep = [0, 1, 2, 3].some((n) => v.has(`wep_key${n}`));
    const eap = v.get('ieee8021x') === '1';
    let keyMgmt: KeyMgmt[] = wpa === 0 ? [wep ? 'wep' : eap ? 'wpa-eap' : 'none'] : list(v.get('wpa_key_mgmt') ?? 'WPA-PSK').map((k) => KEY_MGMT[k] ?? 'other');
    if (keyMgmt.length === 0) keyMgmt = ['other'];
    const pairwise = [...list(v.get('rsn_pairwise')), ...((wpa & 1) !== 0 ? list(v.get('wpa_pairwise') ?? 'TKIP') : [])];
    const wps = Number(v.get('wps_state') ?? '0') !== 0;
    return {
      file, format: 'hostapd' as const, role: 'ap' as const, name: v.get('bss') ?? v.get('interface') ?? `bss ${index + 1}`, ssid: v.get('ssid') ?? null, line: b.line,
      keyMgmt, wpa1: (wpa & 1) !== 0, pairwise, group: list(v.get('group_cipher')),
      pmf: PMF[v.get('ieee80211w') ?? '0'] ?? 'disabled',
      eap: null,
      autoConnect: true,
      pskLength: passphraseLength(v.get('wpa_passphrase')),
      holdsSecret: v.has('wpa_passphrase') || v.has('wpa_psk') || v.has('sae_password') || wep,
      saePwe: v.has('sae_pwe') ? Number(v.get('sae_pwe')) : keyMgmt.some((k) => k.includes('sae')) ? 0 : null,
      readableByOthers: null,
      wps,
    };
  });
}
