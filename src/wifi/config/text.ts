/** Shared text handling of the configuration parsers: size and binary limits, line splitting, INI sections. */
import { MitmError } from '../../errors.js';

/** A configuration file larger than this is refused before it is parsed (real ones are a few kilobytes). */
export const MAX_WIFI_CONFIG_BYTES = 1024 * 1024;
/** Profiles read from one file (network blocks, INI files hold one). */
export const MAX_PROFILES_PER_FILE = 1000;

/** Refuse binary garbage and oversized input before any parsing. */
export function checkText(text: string, file: string): void {
  if (text.length > MAX_WIFI_CONFIG_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: larger than ${MAX_WIFI_CONFIG_BYTES} bytes`);
  // NUL or many control characters: not a text configuration file.
  const controls = text.match(/[\x00-\x08\x0e-\x1f]/g)?.length ?? 0;
  if (text.includes('\x00') || controls > 8) throw new MitmError('MG_ERR_CONFIG', `${file}: binary content, not a text configuration file`);
}

export interface IniSection {
  name: string;
  line: number;
  values: Map<string, string>;
}

/** INI as NetworkManager keyfiles and iwd profiles write it (GKeyFile: `[section]`, `key=value`, `#` comments). */
export function parseIni(text: string, file: string): IniSection[] {
  checkText(text, file);
  const sections: IniSection[] = [];
  let current: IniSection | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      current = { name: sec[1]!.trim(), line: i + 1, values: new Map() };
      sections.push(current);
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: expected [section] or key=value`, { details: { file, line: i + 1 } });
    (current as IniSection).values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return sections;
}

/** A list value as NM writes it (`peap;ttls;`) or wpa_supplicant (`WPA-PSK SAE`). */
export function list(v: string | undefined): string[] {
  return (v ?? '').split(/[;\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** The length of a passphrase; null for a 64-hex raw PSK (no length to judge) or nothing. */
export function passphraseLength(psk: string | undefined): number | null {
  if (psk === undefined || psk === '') return null;
  if (/^[0-9a-fA-F]{64}$/.test(psk)) return null;
  return [...psk].length;
}
