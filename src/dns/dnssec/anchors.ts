/**
 * Trust anchors: the built-in root KSKs and anchor files in zone-file format holding DS or DNSKEY records (the format
 * of unbound's trust-anchor-file), e.g.
 *
 *   .        IN DS 20326 8 2 E06D44B8...
 *   example. 3600 IN DNSKEY 257 3 13 base64...
 */
import { fromHex } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { normalizeName } from '../name.js';
import { keyTag } from './keytag.js';

export interface AnchorDs {
  kind: 'DS';
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Uint8Array;
}

export interface AnchorKey {
  kind: 'DNSKEY';
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Uint8Array;
  /** The DNSKEY rdata, for byte comparison with what the zone serves. */
  rdata: Uint8Array;
  keyTag: number;
}

export interface TrustAnchor {
  zone: string;
  records: (AnchorDs | AnchorKey)[];
  source: string;
}

/**
 * The root zone KSKs, as IANA publishes them in root-anchors.xml: KSK-2017 (key tag 20326) and KSK-2024 (key tag
 * 38696), both RSASHA256 with SHA-256 DS digests.
 */
export const ROOT_ANCHOR_TEXT = `
. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
. IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16
`;

export function builtInRootAnchor(): TrustAnchor[] {
  return parseAnchors(ROOT_ANCHOR_TEXT, 'built-in root KSK-2017 and KSK-2024');
}

function dnskeyRdata(flags: number, protocol: number, algorithm: number, pk: Uint8Array): Uint8Array {
  const b = Buffer.alloc(4 + pk.length);
  b.writeUInt16BE(flags, 0);
  b[2] = protocol;
  b[3] = algorithm;
  Buffer.from(pk).copy(b, 4);
  return Uint8Array.from(b);
}

const num = (s: string | undefined, what: string, max: number): number => {
  const n = Number(s);
  if (s === undefined || !/^\d+$/.test(s) || n > max) throw new MitmError('MG_ERR_CONFIG', `trust anchor ${what} ${JSON.stringify(s)} is invalid`);
  return n;
};

/** Parse anchor text (zone-file lines; `;` comments; parentheses joined). Groups records by owner zone. */
export function parseAnchors(text: string, source: string): TrustAnchor[] {
  const byZone = new Map<string, TrustAnchor>();
  const joined = text.replace(/;[^\n]*/g, '').replace(/\([^)]*\)/g, (m) => m.slice(1, -1).replace(/\s+/g, ' '));
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('$')) continue;
    const tokens = line.split(/\s+/);
    const owner = normalizeName(tokens.shift()!);
    while (tokens.length && (/^\d+$/.test(tokens[0]!) || /^(IN|CH|HS)$/i.test(tokens[0]!))) tokens.shift();
    const type = tokens.shift()?.toUpperCase();
    let rec: AnchorDs | AnchorKey;
    if (type === 'DS') {
      rec = { kind: 'DS', keyTag: num(tokens[0], 'key tag', 65535), algorithm: num(tokens[1], 'algorithm', 255), digestType: num(tokens[2], 'digest type', 255), digest: fromHex(tokens.slice(3).join('')) };
    } else if (type === 'DNSKEY') {
      const flags = num(tokens[0], 'flags', 65535);
      const protocol = num(tokens[1], 'protocol', 255);
      const algorithm = num(tokens[2], 'algorithm', 255);
      const b64 = tokens.slice(3).join('');
      if (!/^[A-Za-z0-9+/=]+$/.test(b64)) throw new MitmError('MG_ERR_CONFIG', `trust anchor DNSKEY for ${owner} has invalid base64`);
      const publicKey = Uint8Array.from(Buffer.from(b64, 'base64'));
      const rdata = dnskeyRdata(flags, protocol, algorithm, publicKey);
      rec = { kind: 'DNSKEY', flags, protocol, algorithm, publicKey, rdata, keyTag: keyTag(rdata) };
    } else {
      throw new MitmError('MG_ERR_CONFIG', `${source}: not an anchor file (a line is not a DS or DNSKEY record: ${JSON.stringify(line.slice(0, 60))})`);
    }
    const entry = byZone.get(owner) ?? { zone: owner, records: [], source };
    entry.records.push(rec);
    byZone.set(owner, entry);
  }
  if (byZone.size === 0) throw new MitmError('MG_ERR_CONFIG', `${source}: not an anchor file (no DS or DNSKEY record in it)`);
  return [...byZone.values()];
}
