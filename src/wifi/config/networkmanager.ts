/**
 * NetworkManager keyfiles (`/etc/NetworkManager/system-connections/*.nmconnection`, nm-settings-keyfile(5)): GKeyFile INI
 * with [connection], [wifi] (or [802-11-wireless]), [wifi-security] (or [802-11-wireless-security]) and [802-1x].
 * NM's `pmf` is 0 default (= the global default, optional), 1 disable, 2 optional, 3 required; `autoconnect` defaults true.
 */
import { MitmError } from '../../errors.js';
import type { KeyMgmt, WifiProfile } from './profile.js';
import { list, parseIni, passphraseLength, type IniSection } from './text.js';

const KEY_MGMT: Record<string, KeyMgmt> = {
  none: 'none', ieee8021x: 'wpa-eap', 'wpa-psk': 'wpa-psk', sae: 'sae', owe: 'owe', 'wpa-eap': 'wpa-eap', 'wpa-eap-suite-b-192': 'wpa-eap-suite-b-192',
};
const PMF: Record<string, WifiProfile['pmf']> = { '0': 'optional', '1': 'disabled', '2': 'optional', '3': 'required' };
const NAME_MATCH = ['domain-suffix-match', 'domain-match', 'altsubject-matches', 'subject-match'];
const SECRETS = ['psk', 'password', 'private-key-password', 'wep-key0', 'wep-key1', 'wep-key2', 'wep-key3', 'phase2-private-key-password'];

export function parseNmKeyfile(text: string, file: string): WifiProfile[] {
  const sections = parseIni(text, file);
  const sec = (...names: string[]): Map<string, string> => sections.find((s: IniSection) => names.includes(s.name))?.values ?? new Map();
  const connection = sec('connection');
  const type = connection.get('type');
  if (type !== 'wifi' && type !== '802-11-wireless') {
    if (type === undefined) throw new MitmError('MG_ERR_CONFIG', `${file}: no [connection] type; not a NetworkManager keyfile`);
    return []; // a wired or VPN connection: nothing of Wi-Fi to audit
  }
  const wifi = sec('wifi', '802-11-wireless');
  const security = sec('wifi-security', '802-11-wireless-security');
  const dot1x = sec('802-1x');
  const hasSecurity = sections.some((s) => s.name === 'wifi-security' || s.name === '802-11-wireless-security');
  const km = security.get('key-mgmt');
  const wep = [0, 1, 2, 3].some((n) => security.has(`wep-key${n}`));
  let keyMgmt: KeyMgmt[] = !hasSecurity ? ['none'] : [KEY_MGMT[km ?? ''] ?? 'other'];
  if (keyMgmt[0] === 'none' && wep) keyMgmt = ['wep'];
  const eapUsed = keyMgmt.some((k) => k.startsWith('wpa-eap'));
  const nameKey = NAME_MATCH.find((k) => dot1x.has(k) && dot1x.get(k) !== '');
  const phase2 = [...list(dot1x.get('phase2-auth')), ...list(dot1x.get('phase2-autheap'))];
  const sectionLine = sections.find((s) => s.name === 'connection')?.line ?? 1;
  return [
    {
      file, format: 'networkmanager', role: wifi.get('mode') === 'ap' ? 'ap' : 'client', name: connection.get('id') ?? file, ssid: wifi.get('ssid') ?? null, line: sectionLine,
      keyMgmt,
      wpa1: list(security.get('proto')).includes('wpa'),
      pairwise: list(security.get('pairwise')), group: list(security.get('group')),
      pmf: PMF[security.get('pmf') ?? '0'] ?? 'optional',
      eap: eapUsed
        ? {
            methods: list(dot1x.get('eap')),
            phase2,
            caCertificate: dot1x.has('ca-cert') || dot1x.has('ca-path') || dot1x.get('system-ca-certs') === 'true',
            serverNameMatch: nameKey ? `${nameKey}=${dot1x.get(nameKey)}` : null,
          }
        : null,
      autoConnect: connection.get('autoconnect') !== 'false',
      pskLength: passphraseLength(security.get('psk')),
      holdsSecret: SECRETS.some((k) => security.has(k) || dot1x.has(k)),
      saePwe: null,
      readableByOthers: null,
      wps: false,
    },
  ];
}
