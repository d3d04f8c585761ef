/**
 * iwd network profiles (iwd.network(5)): the file name is the SSID and the extension the security — `.open`, `.psk`,
 * `.8021x` — with [Security] (Passphrase, PreSharedKey, EAP-Method, EAP-<METHOD>-CACert, EAP-<METHOD>-ServerDomainMask,
 * EAP-<METHOD>-Phase2-Method) and [Settings] AutoConnect (default true). iwd uses PMF whenever the AP offers it.
 */
import { MitmError } from '../../errors.js';
import type { KeyMgmt, WifiProfile } from './profile.js';
import { parseIni, passphraseLength } from './text.js';

const BY_EXTENSION: Record<string, KeyMgmt[]> = { open: ['none'], psk: ['wpa-psk', 'sae'], '8021x': ['wpa-eap'] };

export function parseIwdProfile(text: string, file: string): WifiProfile[] {
  const m = /([^/]+)\.(open|psk|8021x)$/.exec(file);
  if (!m) throw new MitmError('MG_ERR_CONFIG', `${file}: an iwd profile is named SSID.open, SSID.psk or SSID.8021x`);
  const sections = parseIni(text, file);
  const get = (section: string, key: string) => sections.find((s) => s.name === section)?.values.get(key);
  const security = sections.find((s) => s.name === 'Security')?.values ?? new Map<string, string>();
  let ssid = m[1]!;
  if (ssid.startsWith('=')) ssid = Buffer.from(ssid.slice(1), 'hex').toString('utf8'); // iwd writes "=<hex>" for non-printable SSIDs
  const kind = m[2]!;
  const method = security.get('EAP-Method')?.toUpperCase();
  const inner = method ? security.get(`EAP-${method}-Phase2-Method`) : undefined;
  const domain = method ? security.get(`EAP-${method}-ServerDomainMask`) : undefined;
  return [
    {
      file, format: 'iwd', role: 'client', name: ssid, ssid, line: 1, keyMgmt: BY_EXTENSION[kind]!,
      wpa1: false, pairwise: [], group: [], pmf: 'optional',
      eap: kind === '8021x'
        ? {
            methods: method ? [method.toLowerCase()] : [],
            phase2: inner ? [inner.toLowerCase().replace(/^tunneled-/, '')] : [],
            caCertificate: method ? security.has(`EAP-${method}-CACert`) : false,
            serverNameMatch: domain ? `EAP-${method}-ServerDomainMask=${domain}` : null,
          }
        : null,
      autoConnect: get('Settings', 'AutoConnect') !== 'false',
      pskLength: passphraseLength(security.get('Passphrase')),
      holdsSecret: [...security.keys()].some((k) => /Passphrase|PreSharedKey|Password/.test(k)),
      saePwe: null,
      readableByOthers: null,
      wps: false,
    },
  ];
}
