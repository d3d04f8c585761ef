/**
 * TLS fingerprints from parsed hellos: JA3 (string and MD5) of a ClientHello, JA4 of a ClientHello and JA4S of a
 * ServerHello, as the published JA3 and FoxIO JA4/JA4S technical descriptions define them. Pure: parsed hellos in,
 * strings out. GREASE values (RFC 8701 §2: 0x?a?a with both bytes equal) are left out everywhere, as both specs say.
 *
 * - JA3: `version,ciphers,extensions,groups,point_formats`, decimal, `-` within a field, wire order; its MD5.
 * - JA4: `t` + version (highest supported_versions, else legacy_version) + `d`/`i` (SNI or not) + cipher count + extension
 *   count (2 digits, at most 99) + first and last character of the first ALPN value; then the first 12 hex digits of
 *   SHA-256 over the sorted cipher list; then the same over the sorted extension list (SNI and ALPN left out),
 *   `_`, the signature algorithms in wire order. An empty list hashes to `000000000000`.
 * - JA4S: `t` + version + extension count + ALPN chosen; the cipher suite chosen; the truncated SHA-256 of the
 *   extensions in wire order.
 */
import { createHash } from 'node:crypto';
import { ByteReader } from '../../bytes.js';
import type { ParsedClientHello } from './client-hello-parse.js';
import { EXTENSION_TYPE } from './registry.js';
import type { ServerHello } from './server-hello.js';

/** RFC 8701 §2: the 16 reserved GREASE values 0x0a0a, 0x1a1a, …, 0xfafa. */
export const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

const hex4 = (v: number) => v.toString(16).padStart(4, '0');
const two = (n: number) => String(Math.min(n, 99)).padStart(2, '0');
const sha12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
const EMPTY_HASH = '000000000000';

/** JA4's two-character version codes (FoxIO JA4 "TLS and DTLS Version"); anything else is `00`. */
const JA4_VERSION: ReadonlyMap<number, string> = new Map([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);

const isAlnum = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** First and last character of the first ALPN value; its hex digits when either byte is not alphanumeric; `00` if none. */
function alpnChars(first: Uint8Array | undefined): string {
  if (!first || first.length === 0) return '00';
  const a = first[0]!;
  const z = first[first.length - 1]!;
  if (isAlnum(a) && isAlnum(z)) return String.fromCharCode(a) + String.fromCharCode(z);
  const h = Buffer.from(first).toString('hex');
  return h[0]! + h[h.length - 1]!;
}

/** The raw bytes of the first ALPN protocol name (RFC 7301 §3.1), or undefined. */
function firstAlpnBytes(data: Uint8Array | undefined): Uint8Array | undefined {
  if (!data) return undefined;
  const list = new ByteReader(data, 'alpn').vector(2, 'protocol_name_list');
  return list.done ? undefined : list.vector(1, 'protocol_name').rest();
}

/** signature_algorithms (RFC 8446 §4.2.3) in wire order. */
export function signatureAlgorithmsOf(hello: Pick<ParsedClientHello, 'extensions'>): number[] {
  const data = hello.extensions.find((e) => e.type === EXTENSION_TYPE.signatureAlgorithms)?.data;
  if (!data) return [];
  const r = new ByteReader(data, 'signature_algorithms');
  const list = r.vector(2, 'supported_signature_algorithms');
  r.end();
  const out: number[] = [];
  while (!list.done) out.push(list.u16('signature_scheme'));
  return out;
}

/** ec_point_formats (RFC 8422 §5.1.2) in wire order. */
function pointFormatsOf(hello: Pick<ParsedClientHello, 'extensions'>): number[] {
  const data = hello.extensions.find((e) => e.type === EXTENSION_TYPE.ecPointFormats)?.data;
  if (!data) return [];
  const r = new ByteReader(data, 'ec_point_formats');
  const list = r.vector(1, 'ec_point_format_list');
  r.end();
  return [...list.rest()];
}

export interface Ja3 {
  /** The JA3 string, e.g. `771,4865-4866,0-11-10,29-23,0`. */
  text: string;
  /** MD5 of the string, lower-case hex: the JA3 fingerprint. */
  hash: string;
}

/** JA3 of a ClientHello. */
export function ja3(hello: ParsedClientHello): Ja3 {
  const keep = (xs: readonly number[]) => xs.filter((x) => !isGrease(x)).join('-');
  const text = [
    String(hello.version),
    keep(hello.cipherSuites),
    keep(hello.extensions.map((e) => e.type)),
    keep(hello.groups),
    pointFormatsOf(hello).join('-'),
  ].join(',');
  return { text, hash: createHash('md5').update(text).digest('hex') };
}

export interface Ja4 {
  /** The fingerprint, e.g. `t13d1516h2_8daaf6152771_e5627efa2ab1`. */
  ja4: string;
  /** The raw form before hashing (JA4_r: sorted lists). */
  raw: string;
}

/** JA4 of a ClientHello seen over TCP. */
export function ja4(hello: ParsedClientHello): Ja4 {
  const versions = hello.supportedVersions.filter((v) => !isGrease(v));
  const version = versions.length > 0 ? Math.max(...versions) : hello.version;
  const ciphers = hello.cipherSuites.filter((c) => !isGrease(c));
  const extensions = hello.extensions.map((e) => e.type).filter((t) => !isGrease(t));
  const sni = extensions.includes(EXTENSION_TYPE.serverName) ? 'd' : 'i';
  const alpn = alpnChars(firstAlpnBytes(hello.extensions.find((e) => e.type === EXTENSION_TYPE.alpn)?.data));
  const a = `t${JA4_VERSION.get(version) ?? '00'}${sni}${two(ciphers.length)}${two(extensions.length)}${alpn}`;

  const sortedCiphers = ciphers.map(hex4).sort().join(',');
  const sortedExtensions = extensions
    .filter((t) => t !== EXTENSION_TYPE.serverName && t !== EXTENSION_TYPE.alpn)
    .map(hex4)
    .sort()
    .join(',');
  const sigalgs = signatureAlgorithmsOf(hello).filter((s) => !isGrease(s)).map(hex4).join(',');
  const c = sigalgs ? `${sortedExtensions}_${sigalgs}` : sortedExtensions;
  const b = ciphers.length ? sha12(sortedCiphers) : EMPTY_HASH;
  const cHash = sortedExtensions ? sha12(c) : EMPTY_HASH;
  return { ja4: `${a}_${b}_${cHash}`, raw: `${a}_${sortedCiphers}_${c}` };
}

/** JA4S of a ServerHello (or HelloRetryRequest) seen over TCP. */
export function ja4s(hello: ServerHello): Ja4 {
  const extensions = [...hello.extensions.keys()].filter((t) => !isGrease(t));
  const alpn = alpnChars(firstAlpnBytes(hello.extensions.get(EXTENSION_TYPE.alpn)));
  const a = `t${JA4_VERSION.get(hello.version) ?? '00'}${two(extensions.length)}${alpn}`;
  const list = extensions.map(hex4).join(',');
  const suite = hex4(hello.cipherSuite);
  return { ja4: `${a}_${suite}_${list ? sha12(list) : EMPTY_HASH}`, raw: `${a}_${suite}_${list}` };
}
