/**
 * IP prefixes as the BGP wing carries them: address family, the address bytes (4 or 16, host bits zero) and a length.
 * Parsing from text and formatting back, the NLRI encoding of RFC 4271 §4.3 (length in bits, then the fewest bytes),
 * containment, and address formatting for peers and next hops.
 */
import { MitmError } from '../errors.js';

export type Afi = 4 | 6;

export interface Prefix {
  afi: Afi;
  /** Network address, 4 bytes (IPv4) or 16 (IPv6), bits past `length` zero. */
  bytes: Uint8Array;
  length: number;
}

const MAX_LEN: Record<Afi, number> = { 4: 32, 6: 128 };

export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 §4: lower case, leading zeros dropped, the longest run (first on a tie) of two or more zero groups as "::". */
export function formatIpv6(b: Uint8Array, off = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted tail.
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) return `::ffff:${formatIpv4(b, off + 12)}`;
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatAddress(b: Uint8Array): string {
  return b.length === 4 ? formatIpv4(b) : formatIpv6(b);
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.bytes)}/${p.length}`;
}

function bad(text: string, why: string): MitmError {
  return new MitmError('MG_ERR_MALFORMED', `${JSON.stringify(text.slice(0, 64))} is not an IP prefix: ${why}`);
}

/** Dotted quad, no leading zeros (an octal reading would differ), scanned by hand: VRP files hold millions. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  let part = 0;
  let value = -1;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return undefined;
      out[part++] = value;
      value = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return undefined;
      value = digits === 0 ? c - 48 : value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  return part === 4 ? out : undefined;
}

export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined;
  let head = text;
  let tail4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail4 = parseIpv4(text.slice(lastColon + 1));
    if (!tail4) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const split = (s: string) => (s === '' ? [] : s.split(':'));
  const left = split(halves[0]!);
  const right = halves.length === 2 ? split(halves[1]!) : [];
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...left, ...new Array<string>(8 - total).fill('0'), ...right];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

export function parseAddress(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** "192.0.2.0/24" or "2001:db8::/32"; a bare address is a host prefix. Host bits set are refused (not a network). */
export function parsePrefix(text: string): Prefix {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const bytes = parseAddress(addrText);
  if (!bytes) throw bad(text, 'bad address');
  const afi: Afi = bytes.length === 4 ? 4 : 6;
  let length = MAX_LEN[afi];
  if (slash >= 0) {
    const l = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(l) || Number(l) > MAX_LEN[afi]) throw bad(text, 'bad length');
    length = Number(l);
  }
  if (!hostBitsZero(bytes, length)) throw bad(text, 'host bits set');
  return { afi, bytes, length };
}

function hostBitsZero(b: Uint8Array, length: number): boolean {
  for (let bit = length; bit < b.length * 8; bit++) if ((b[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  return true;
}

/** The network bits of `p` cover `q` (same family, p.length ≤ q.length, same leading bits). */
export function covers(p: Prefix, q: Prefix): boolean {
  if (p.afi !== q.afi || p.length > q.length) return false;
  const full = p.length >> 3;
  for (let i = 0; i < full; i++) if (p.bytes[i] !== q.bytes[i]) return false;
  const rem = p.length & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (p.bytes[full]! & mask) === (q.bytes[full]! & mask);
}

export function samePrefix(p: Prefix, q: Prefix): boolean {
  return p.afi === q.afi && p.length === q.length && covers(p, q);
}

/**
 * Read one NLRI prefix (RFC 4271 §4.3, RFC 4760 §5): a length in bits, then ceil(length/8) bytes. Bits past the
 * length in the last byte are cleared (RFC 4271 says they are irrelevant). Returns the prefix and the next offset.
 */
export function readNlriPrefix(b: Uint8Array, off: number, end: number, afi: Afi, context: string): { prefix: Prefix; next: number } {
  if (off >= end) throw new MitmError('MG_ERR_TRUNCATED', `${context}: prefix length missing`);
  const length = b[off]!;
  if (length > MAX_LEN[afi]) {
    throw new MitmError('MG_ERR_MALFORMED', `${context}: prefix length ${length} exceeds ${MAX_LEN[afi]} for IPv${afi}`, { details: { offset: off, length } });
  }
  const n = (length + 7) >> 3;
  if (off + 1 + n > end) throw new MitmError('MG_ERR_TRUNCATED', `${context}: prefix of /${length} needs ${n} bytes, ${end - off - 1} left`);
  const bytes = new Uint8Array(afi === 4 ? 4 : 16);
  for (let i = 0; i < n; i++) bytes[i] = b[off + 1 + i]!;
  const rem = length & 7;
  if (rem) bytes[n - 1] = bytes[n - 1]! & ((0xff << (8 - rem)) & 0xff);
  return { prefix: { afi, bytes, length }, next: off + 1 + n };
}

export function writeNlriPrefix(p: Prefix, out: number[]): void {
  out.push(p.length);
  const n = (p.length + 7) >> 3;
  for (let i = 0; i < n; i++) out.push(p.bytes[i]!);
}
