/** Which parser reads a file: by name first (iwd, .nmconnection), then by content. Pure. */
import { MitmError } from '../../errors.js';
import { parseHostapd } from './hostapd.js';
import { parseIwdProfile } from './iwd.js';
import { parseNmKeyfile } from './networkmanager.js';
import type { WifiProfile } from './profile.js';
import { checkText } from './text.js';
import { parseWpaSupplicant } from './wpa-supplicant.js';

export function parseWifiConfig(text: string, file: string): WifiProfile[] {
  checkText(text, file);
  if (/\.(open|psk|8021x)$/.test(file)) return parseIwdProfile(text, file);
  if (file.endsWith('.nmconnection') || /^\s*\[connection\]/m.test(text)) return parseNmKeyfile(text, file);
  if (/^\s*network\s*=\s*\{/m.test(text) || /^\s*ctrl_interface\s*=/m.test(text) && !/^\s*interface\s*=/m.test(text)) return parseWpaSupplicant(text, file);
  if (/^\s*(interface|ssid|wpa|hw_mode)\s*=/m.test(text)) return parseHostapd(text, file);
  throw new MitmError('MG_ERR_CONFIG', `${file}: not a wpa_supplicant, NetworkManager, iwd or hostapd configuration`);
}
