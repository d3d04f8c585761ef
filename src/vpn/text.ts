/** Limits and shared text checks of the VPN configuration parsers. */
import { MitmError } from '../errors.js';

/** A VPN configuration larger than this is refused before parsing (inline certificates make them tens of kilobytes). */
export const MAX_VPN_CONFIG_BYTES = 1024 * 1024;
/** Directives (OpenVPN) or keys (WireGuard) read from one file. */
export const MAX_DIRECTIVES = 10_000;
/** Peers in one WireGuard configuration. */
export const MAX_PEERS = 10_000;

export function checkVpnText(text: string, file: string): void {
  if (text.length > MAX_VPN_CONFIG_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: larger than ${MAX_VPN_CONFIG_BYTES} bytes`);
  const controls = text.match(/[\x00-\x08\x0e-\x1f]/g)?.length ?? 0;
  if (text.includes('\x00') || controls > 8) throw new MitmError('MG_ERR_CONFIG', `${file}: binary content, not a text configuration file`);
}
