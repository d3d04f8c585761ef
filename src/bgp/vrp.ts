/**
 * Validated ROA Payloads (RFC 6811 §2: prefix, maximum length, origin AS) from the relying-party outputs people have:
 * rpki-client's JSON (`-j`, with `expires`) and CSV (`-c`), Routinator's `json`, `jsonext` (with each ROA's validity)
 * and `csv` / `csvext`. Pure: text in, VRPs out; the file is read by the caller.
 */
import { MitmError } from '../errors.js';
import { BGP_LIMITS } from './limits.js';
import { parsePrefix, type Prefix } from './prefix.js';

export interface Vrp {
  prefix: Prefix;
  maxLength: number;
  asn: number;
  ta?: string;
  /** Seconds since the epoch after which the ROA (or its chain) is no longer valid, when the feed says. */
  expires?: number;
}

export type VrpFormat = 'rpki-client-json' | 'routinator-json' | 'routinator-jsonext' | 'csv' | 'rtr';

export interface VrpSet {
  vrps: Vrp[];
  format: VrpFormat;
  /** The feed's own generation time (seconds), when it has one. */
  generated?: number;
}

function vrpError(where: string, why: string): MitmError {
  return new MitmError('MG_ERR_MALFORMED', `VRP ${where}: ${why}`);
}

/** "AS65001", "65001" or 65001 (RFC 6793 asplain). */
export function parseAsn(value: unknown, where = 'value'): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/^AS/i, '') : '';
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) throw vrpError(where, `${JSON.stringify(value)} is not an AS number`);
  return Number(text);
}

function makeVrp(prefixText: unknown, maxLength: unknown, asn: unknown, where: string): Vrp {
  if (typeof prefixText !== 'string') throw vrpError(where, 'prefix missing');
  let prefix: Prefix;
  try {
    prefix = parsePrefix(prefixText);
  } catch (err) {
    throw vrpError(where, (err as Error).message);
  }
  const ml = maxLength === undefined || maxLength === '' ? prefix.length : Number(maxLength);
  const top = prefix.afi === 4 ? 32 : 128;
  // RFC 6482 §3.3: maxLength is at least the prefix length and at most the address size.
  if (!Number.isInteger(ml) || ml < prefix.length || ml > top) throw vrpError(where, `maxLength ${JSON.stringify(maxLength)} for ${prefixText}`);
  return { prefix, maxLength: ml, asn: parseAsn(asn, where) };
}

function isoSeconds(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const t = Date.parse(text);
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
}

/** Routinator jsonext: the earliest notAfter of a ROA's sources and their chains. */
function jsonextExpiry(source: unknown): number | undefined {
  if (!Array.isArray(source)) return undefined;
  let min: number | undefined;
  for (const s of source) {
    for (const v of [s?.validity?.notAfter, s?.chainValidity?.notAfter]) {
      const t = isoSeconds(v);
      if (t !== undefined && (min === undefined || t < min)) min = t;
    }
  }
  return min;
}

function parseJson(text: string): VrpSet {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new MitmError('MG_ERR_MALFORMED', `VRP file is not JSON: ${(err as Error).message}`);
  }
  const roas = (doc as { roas?: unknown })?.roas;
  if (!Array.isArray(roas)) throw vrpError('file', 'no "roas" array (expected rpki-client -j or Routinator json/jsonext output)');
  if (roas.length > BGP_LIMITS.maxVrps) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${BGP_LIMITS.maxVrps} VRPs`);
  const meta = (doc as { metadata?: Record<string, unknown> }).metadata ?? {};
  let format: VrpFormat = 'routinator-json';
  const vrps: Vrp[] = new Array(roas.length);
  for (let i = 0; i < roas.length; i++) {
    const r = roas[i] as Record<string, unknown> | null;
    if (!r || typeof r !== 'object') throw vrpError(`#${i + 1}`, 'not an object');
    const v = makeVrp(r.prefix, r.maxLength, r.asn, `#${i + 1}`);
    if (typeof r.ta === 'string') v.ta = r.ta;
    if (typeof r.expires === 'number') {
      v.expires = r.expires;
      format = 'rpki-client-json';
    } else if (r.source !== undefined) {
      const e = jsonextExpiry(r.source);
      if (e !== undefined) v.expires = e;
      format = 'routinator-jsonext';
    }
    vrps[i] = v;
  }
  // rpki-client's metadata has buildtime (ISO); Routinator's has generated (seconds).
  const generated = typeof meta.generated === 'number' ? meta.generated : isoSeconds(meta.buildtime);
  if (typeof meta.buildmachine === 'string' || typeof meta.buildtime === 'string') format = 'rpki-client-json';
  return generated === undefined ? { vrps, format } : { vrps, format, generated };
}

/** CSV with a header row: rpki-client (ASN,IP Prefix,Max Length,Trust Anchor,Expires), Routinator csv and csvext. */
function parseCsv(text: string): VrpSet {
  const lines = text.split(/\r?\n/);
  const header = lines[0]!.split(',').map((h) => h.trim().toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const asnCol = col(['asn']);
  const prefixCol = col(['ip prefix', 'prefix']);
  const maxCol = col(['max length', 'maxlength']);
  const taCol = col(['trust anchor', 'ta']);
  const expCol = col(['expires']);
  const notAfterCol = col(['not after']);
  if (asnCol < 0 || prefixCol < 0 || maxCol < 0) throw vrpError('CSV header', `${JSON.stringify(lines[0]!.slice(0, 80))} lacks ASN, IP Prefix and Max Length`);
  const vrps: Vrp[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (vrps.length >= BGP_LIMITS.maxVrps) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${BGP_LIMITS.maxVrps} VRPs`);
    const f = line.split(',');
    const v = makeVrp(f[prefixCol], f[maxCol]?.trim(), f[asnCol], `line ${i + 1}`);
    if (taCol >= 0 && f[taCol]) v.ta = f[taCol]!.trim();
    if (expCol >= 0 && /^\d+$/.test(f[expCol]?.trim() ?? '')) v.expires = Number(f[expCol]);
    else if (notAfterCol >= 0) {
      const t = isoSeconds(f[notAfterCol]?.trim());
      if (t !== undefined) v.expires = t;
    }
    vrps.push(v);
  }
  return { vrps, format: 'csv' };
}

/** Parse a VRP file's text: JSON when it starts with "{", CSV otherwise. */
export function parseVrps(text: string): VrpSet {
  if (text.length > BGP_LIMITS.maxVrpFileBytes) throw new MitmError('MG_ERR_TOO_LARGE', `VRP file larger than ${BGP_LIMITS.maxVrpFileBytes} bytes`);
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t === '') throw vrpError('file', 'empty');
  return t.startsWith('{') ? parseJson(t) : parseCsv(t);
}
