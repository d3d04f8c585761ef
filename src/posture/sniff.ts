/**
 * Naming a protocol from the first bytes a server sends (a banner), as a table of patterns. Pure: bytes in, a
 * DetectedService out. Client-first protocols (HTTP, TLS, Redis, PostgreSQL, LDAP) say nothing first; ./probe.ts
 * asks each of them in turn when no banner arrives.
 */
import type { DetectedService, SniffedProtocol } from './types.js';

/** Enough of a greeting to name it; the rest is not needed. */
export const MAX_BANNER_BYTES = 1024;

interface BannerRule {
  protocol: SniffedProtocol;
  encrypted: boolean;
  test: (text: string, bytes: Uint8Array) => boolean;
}

/** Order matters: the first rule that matches names the service. Each cites where its greeting is defined. */
export const BANNER_RULES: readonly BannerRule[] = [
  // RFC 4253 §4.2: "SSH-protoversion-softwareversion".
  { protocol: 'ssh', encrypted: true, test: (t) => t.startsWith('SSH-') },
  // RFC 3501 §7.1: untagged OK/PREAUTH/BYE greeting.
  { protocol: 'imap', encrypted: false, test: (t) => /^\* (OK|PREAUTH|BYE)\b/i.test(t) },
  // RFC 1939 §4: "+OK" greeting.
  { protocol: 'pop3', encrypted: false, test: (t) => /^\+OK\b/.test(t) },
  // RFC 959 and RFC 5321 both greet with 220; the software name tells them apart.
  { protocol: 'ftp', encrypted: false, test: (t) => /^(220|120)[ -]/.test(t) && /ftp|filezilla/i.test(t) && !/smtp/i.test(t) },
  { protocol: 'smtp', encrypted: false, test: (t) => /^(220|554)[ -]/.test(t) },
  // MySQL protocol: a 3-byte length, sequence id 0, then protocol version 10 (or an ERR packet 0xff).
  { protocol: 'mysql', encrypted: false, test: (_t, b) => b.length >= 5 && b[3] === 0 && (b[4] === 0x0a || b[4] === 0xff) && (b[0]! | (b[1]! << 8) | (b[2]! << 16)) < 4096 },
  // RFC 6120 §4.2: an XML stream header.
  { protocol: 'xmpp', encrypted: false, test: (t) => /^(<\?xml|<stream:stream)/.test(t) },
  // A TLS record (handshake or alert) sent first would mean a TLS server that speaks first: not standard, but seen.
  { protocol: 'tls', encrypted: true, test: (_t, b) => b.length >= 3 && (b[0] === 0x16 || b[0] === 0x15) && b[1] === 0x03 },
];

/** Printable first line of a banner for reports. */
export function bannerLine(bytes: Uint8Array, max = 160): string {
  const text = Buffer.from(bytes.subarray(0, MAX_BANNER_BYTES)).toString('latin1');
  const line = text.split(/\r?\n/)[0] ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\x00-\x1f\x7f-\xff]/g, '.');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Name the service that sent `bytes` first, or `unknown` (still plain text: nothing here was encrypted). */
export function classifyBanner(bytes: Uint8Array): DetectedService {
  const head = bytes.subarray(0, MAX_BANNER_BYTES);
  const text = Buffer.from(head).toString('latin1');
  for (const rule of BANNER_RULES) {
    if (rule.test(text, head)) return { protocol: rule.protocol, encrypted: rule.encrypted, via: 'banner', banner: bannerLine(head) };
  }
  return { protocol: 'unknown', encrypted: false, via: 'banner', banner: bannerLine(head) };
}
