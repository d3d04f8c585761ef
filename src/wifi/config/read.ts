/**
 * The I/O half of the Wi-Fi configuration audit: walk the named files and directories, read each (size-limited), note
 * whether its mode lets others read it, parse and check. One file's error is recorded and the others go on.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MitmError, toMitmError, type MitmErrorCode } from '../../errors.js';
import type { Finding } from '../../model/index.js';
import { sortFindings } from '../../model/index.js';
import { CheckRegistry } from '../../checks/registry.js';
import { wifiConfigChecks } from '../../checks/wifi-config.js';
import { parseWifiConfig } from './detect-format.js';
import type { WifiProfile } from './profile.js';
import { MAX_WIFI_CONFIG_BYTES } from './text.js';

/** Files read from the directories named (a system-connections directory holds dozens). */
export const MAX_CONFIG_FILES = 10_000;

export interface ConfigFileError {
  file: string;
  code: MitmErrorCode;
  message: string;
}

export interface WifiConfigAudit {
  files: number;
  profiles: WifiProfile[];
  errors: ConfigFileError[];
  findings: Finding[];
}

const registry = new CheckRegistry(wifiConfigChecks);

/** Files under the paths (directories one level of recursion deep per path, sorted), bounded by MAX_CONFIG_FILES. */
export function listConfigFiles(paths: readonly string[], errors: ConfigFileError[]): string[] {
  const out: string[] = [];
  const visit = (p: string, depth: number) => {
    if (out.length >= MAX_CONFIG_FILES) return;
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      const e = toMitmError(err, 'MG_ERR_IO');
      errors.push({ file: p, code: e.code, message: e.message });
      return;
    }
    if (st.isDirectory()) {
      if (depth > 3) return;
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) visit(join(p, name), depth + 1);
    } else if (st.isFile()) out.push(p);
  };
  for (const p of paths) visit(p, 0);
  return out;
}

export function auditWifiConfigs(paths: readonly string[]): WifiConfigAudit {
  const errors: ConfigFileError[] = [];
  const files = listConfigFiles(paths, errors);
  const profiles: WifiProfile[] = [];
  for (const file of files) {
    try {
      const st = statSync(file);
      if (st.size > MAX_WIFI_CONFIG_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: ${st.size} bytes, larger than ${MAX_WIFI_CONFIG_BYTES}`);
      const text = readFileSync(file, 'utf8');
      const readableByOthers = (st.mode & 0o004) !== 0; // world-readable: any local user or process
      for (const p of parseWifiConfig(text, file)) profiles.push({ ...p, readableByOthers });
    } catch (err) {
      const e = toMitmError(err, 'MG_ERR_IO');
      errors.push({ file, code: e.code, message: e.message });
    }
  }
  const findings = sortFindings(profiles.flatMap((p) => registry.run('wifi-profile', p, `${p.file}:${p.line} ${JSON.stringify(p.ssid ?? p.name)}`)));
  return { files: files.length, profiles, errors, findings };
}
