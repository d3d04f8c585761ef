/**
 * Which server answers which question. Real users point us at one recursive resolver and we ask it every record with
 * DO+CD (so it hands over unvalidated data and we validate ourselves). Private hierarchies and tests add per-zone
 * authoritative servers (`zone=ip:port`): a question goes to the server of the longest matching zone, and a DS
 * question to the server of the parent side, where DS records live (RFC 4035 §3.1.4.1).
 */
import { MitmError } from '../errors.js';
import { parseServer, type ServerAddress } from './client.js';
import { isSubdomain, nameLabels, normalizeName, parentName } from './name.js';
import { RR_TYPES } from './types.js';

export interface ServerMap {
  /** Used when no zone entry matches. */
  default: ServerAddress | null;
  zones: { zone: string; server: ServerAddress }[];
}

/** Parse `--resolver ip[:port]` and repeated `--server zone=ip[:port]` options. */
export function buildServerMap(resolver: string | undefined, zoneServers: readonly string[] = []): ServerMap {
  const zones = zoneServers.map((spec) => {
    const i = spec.indexOf('=');
    if (i <= 0) throw new MitmError('MG_ERR_USAGE', `--server must be zone=ip[:port], got ${JSON.stringify(spec)}`);
    return { zone: normalizeName(spec.slice(0, i)), server: parseServer(spec.slice(i + 1)) };
  });
  return { default: resolver ? parseServer(resolver) : null, zones };
}

/** The server to ask `name`/`type`. */
export function serverFor(map: ServerMap, name: string, type: number): ServerAddress {
  const lookup = type === RR_TYPES.DS ? parentName(name) ?? name : name;
  let best: { zone: string; server: ServerAddress } | undefined;
  for (const z of map.zones) {
    if (isSubdomain(lookup, z.zone) && (!best || nameLabels(z.zone).length > nameLabels(best.zone).length)) best = z;
  }
  const s = best?.server ?? map.default;
  if (!s) throw new MitmError('MG_ERR_USAGE', `no DNS server configured for ${name} (give --resolver or --server zone=ip:port)`);
  return s;
}
