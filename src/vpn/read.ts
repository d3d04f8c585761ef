/**
 * The I/O half of the VPN configuration audit: read each named file (size-limited), note whether others may read it,
 * choose the parser (WireGuard by its [Interface] section, OpenVPN otherwise) and run the checks.
 */
import { readFileSync, statSync } from 'node:fs';
import { MitmError, toMitmError, type MitmErrorCode } from '../errors.js';
import type { Finding } from '../model/index.js';
import { sortFindings } from '../model/index.js';
import { CheckRegistry } from '../checks/registry.js';
import { vpnChecks } from '../checks/vpn.js';
import { parseOpenVpn, type OpenVpnConfig } from './openvpn.js';
import { MAX_VPN_CONFIG_BYTES } from './text.js';
import { parseWireGuard, type WireGuardConfig } from './wireguard.js';
import { parseIpsecConf, parseSwanctl, type IpsecConnection } from './strongswan.js';

const registry = new CheckRegistry(vpnChecks);

export type VpnConfig =
  | ({ kind: 'openvpn' } & OpenVpnConfig)
  | ({ kind: 'wireguard' } & WireGuardConfig)
  | { kind: 'strongswan'; file: string; connections: IpsecConnection[] };

export interface VpnConfigAudit {
  configs: VpnConfig[];
  errors: { file: string; code: MitmErrorCode; message: string }[];
  findings: Finding[];
}

/** Pure: text in, the parsed configuration and its findings out. */
export function auditVpnText(text: string, file: string, readableByOthers: boolean | null = null): { config: VpnConfig; findings: Finding[] } {
  if (/^\s*connections\s*\{/m.test(text) || /^conn\s+\S+/m.test(text)) {
    const connections = /^\s*connections\s*\{/m.test(text) ? parseSwanctl(text, file) : parseIpsecConf(text, file);
    return { config: { kind: 'strongswan', file, connections }, findings: connections.flatMap((c) => registry.run('vpn-ipsec', c, `${file} ${c.name}`)) };
  }
  if (/^\s*\[Interface\]\s*$/im.test(text)) {
    const config = { kind: 'wireguard' as const, ...parseWireGuard(text, file), readableByOthers };
    return { config, findings: registry.run('vpn-wireguard', config, file) };
  }
  // What is neither strongSwan nor WireGuard must at least look like OpenVPN: a file of anything else is not a config
  // with no findings, it is the wrong file.
  if (!OPENVPN_DIRECTIVE.test(text)) {
    throw new MitmError('MG_ERR_CONFIG', `${file}: not an OpenVPN, WireGuard or strongSwan configuration (no directive of any of them)`, { details: { file } });
  }
  const config = { kind: 'openvpn' as const, ...parseOpenVpn(text, file), readableByOthers };
  return { config, findings: registry.run('vpn-openvpn', config, file) };
}

/** Directives every OpenVPN configuration has at least one of (openvpn(8)); inline blocks such as <ca> count too. */
const OPENVPN_DIRECTIVE = /^\s*(client|server|mode|remote|dev|dev-type|proto|port|tls-client|tls-server|ca|cert|key|secret|ifconfig|pkcs12|<ca>|<cert>|<key>|<secret>)(\s|$)/m;

export function auditVpnConfigs(files: readonly string[]): VpnConfigAudit {
  const out: VpnConfigAudit = { configs: [], errors: [], findings: [] };
  for (const file of files) {
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new MitmError('MG_ERR_IO', `${file}: not a regular file`);
      if (st.size > MAX_VPN_CONFIG_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: ${st.size} bytes, larger than ${MAX_VPN_CONFIG_BYTES}`);
      const { config, findings } = auditVpnText(readFileSync(file, 'utf8'), file, (st.mode & 0o004) !== 0);
      out.configs.push(config);
      out.findings.push(...findings);
    } catch (err) {
      const e = toMitmError(err, 'MG_ERR_IO');
      out.errors.push({ file, code: e.code, message: e.message });
    }
  }
  sortFindings(out.findings);
  return out;
}
