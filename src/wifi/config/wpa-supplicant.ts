/**
 * wpa_supplicant.conf (wpa_supplicant/wpa_supplicant.conf in hostap, "network={ … }" blocks of `field=value`, strings in
 * double quotes, hex SSIDs unquoted). Pure: text in, profiles out. Defaults follow wpa_supplicant 2.10: key_mgmt
 * `WPA-PSK WPA-EAP`, ieee80211w from the global `pmf` (0 when unset).
 */
import { MitmError } from '../../errors.js';
import type { EapSettings, KeyMgmt, WifiProfile } from './profile.js';
import { checkText, list, MAX_PROFILES_PER_FILE, passphraseLength } from './text.js';

const KEY_MGMT: Record<string, KeyMgmt> = {
  none: 'none', 'wpa-psk': 'wpa-psk', 'wpa-psk-sha256': 'wpa-psk-sha256', 'ft-psk': 'ft-psk', sae: 'sae', 'sae-ext-key': 'sae-ext-key', 'ft-sae': 'ft-sae',
  owe: 'owe', 'wpa-eap': 'wpa-eap', ieee8021x: 'wpa-eap', 'wpa-eap-sha256': 'wpa-eap-sha256', 'ft-eap': 'ft-eap', 'wpa-eap-suite-b-192': 'wpa-eap-suite-b-192', 'wpa-eap-suite-b': 'wpa-eap-suite-b-192',
};
const PMF: Record<string, WifiProfile['pmf']> = { '0': 'disabled', '1': 'optional', '2': 'required' };
const NAME_MATCH = ['domain_suffix_match', 'domain_match', 'altsubject_match', 'subject_match', 'check_cert_subject'];
const SECRET_KEYS = ['psk', 'password', 'sae_password', 'private_key_passwd', 'wep_key0', 'wep_key1', 'wep_key2', 'wep_key3', 'pin'];

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function ssidOf(v: string | undefined): string | null {
  if (v === undefined) return null;
  if (v.startsWith('"')) return unquote(v);
  if (/^[0-9a-fA-F]*$/.test(v) && v.length % 2 === 0) return Buffer.from(v, 'hex').toString('utf8');
  return v;
}

export function parseWpaSupplicant(text: string, file: string): WifiProfile[] {
  checkText(text, file);
  const globals = new Map<string, string>();
  const blocks: { line: number; values: Map<string, string> }[] = [];
  let block: { line: number; values: Map<string, string> } | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/^network\s*=\s*\{$/.test(line)) {
      if (block) throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: network block inside a network block`, { details: { file, line: i + 1 } });
      if (blocks.length >= MAX_PROFILES_PER_FILE) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${MAX_PROFILES_PER_FILE} network blocks`);
      block = { line: i + 1, values: new Map() };
      return;
    }
    if (line === '}') {
      if (!block) throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: '}' without a network block`, { details: { file, line: i + 1 } });
      blocks.push(block);
      block = null;
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: expected field=value`, { details: { file, line: i + 1 } });
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    (block ? (block as { values: Map<string, string> }).values : globals).set(key, value);
  });
  if (block) throw new MitmError('MG_ERR_CONFIG', `${file}: network block at line ${(block as { line: number }).line} is not closed`);
  const globalPmf = PMF[globals.get('pmf') ?? '0'] ?? 'disabled';
  return blocks.map((b, index) => profileOf(b.values, b.line, index, file, globalPmf));
}

function profileOf(v: Map<string, string>, line: number, index: number, file: string, globalPmf: WifiProfile['pmf']): WifiProfile {
  const get = (k: string) => (v.has(k) ? unquote(v.get(k)!) : undefined);
  const hasWep = [0, 1, 2, 3].some((n) => v.has(`wep_key${n}`));
  let keyMgmt = list(get('key_mgmt') ?? 'WPA-PSK WPA-EAP').map((k): KeyMgmt => KEY_MGMT[k] ?? 'other');
  if (hasWep && keyMgmt.includes('none')) keyMgmt = keyMgmt.map((k) => (k === 'none' ? 'wep' : k));
  // A network without key_mgmt but with a PSK is a WPA-PSK network; one without PSK keeps the EAP default.
  if (!v.has('key_mgmt')) keyMgmt = v.has('psk') || v.has('sae_password') ? ['wpa-psk'] : v.has('eap') || v.has('identity') ? ['wpa-eap'] : keyMgmt;
  const eapUsed = keyMgmt.some((k) => k.startsWith('wpa-eap') || k === 'ft-eap');
  const methods = list(get('eap'));
  const phase2 = list(get('phase2')).map((p) => p.replace(/^(auth|autheap)=/, ''));
  const nameKey = NAME_MATCH.find((k) => v.has(k));
  const eap: EapSettings | null = eapUsed
    ? { methods: methods.length ? methods : ['(any)'], phase2, caCertificate: v.has('ca_cert') || v.has('ca_path'), serverNameMatch: nameKey ? `${nameKey}=${get(nameKey)}` : null }
    : null;
  const ieee80211w = v.get('ieee80211w');
  const ssid = ssidOf(v.get('ssid'));
  return {
    file, format: 'wpa_supplicant', role: 'client', name: `network ${index + 1}`, ssid, line, keyMgmt,
    wpa1: list(get('proto')).includes('wpa'),
    pairwise: list(get('pairwise')), group: list(get('group')),
    pmf: ieee80211w !== undefined ? (PMF[ieee80211w] ?? 'disabled') : globalPmf,
    eap,
    autoConnect: get('disabled') !== '1',
    pskLength: v.get('psk')?.startsWith('"') ? passphraseLength(get('psk')) : null,
    holdsSecret: SECRET_KEYS.some((k) => v.has(k)),
    saePwe: null,
    readableByOthers: null,
    wps: false,
  };
}
