/**
 * Service identity (RFC 6125 §6, RFC 9525 §6.3): a reference name is matched against the subjectAltName only.
 *
 * Decisions (strict, documented in docs/x509.md):
 * - No Common Name fallback, ever: RFC 9525 §6.3 removed it and CABF BR §7.1.4.3 makes the CN a copy of a SAN.
 * - A wildcard is only `*` as the whole left-most label, followed by at least two labels that are not a public suffix
 *   (CABF BR §3.2.2.6); it matches exactly one label (RFC 6125 §6.4.3).
 * - Names are compared in A-label form, case-insensitively (RFC 4343); a U-label in a SAN is malformed (RFC 5280 §7.2).
 * - IP references match iPAddress SANs only, byte for byte; never a dNSName holding an address.
 */
import { domainToASCII } from 'node:url';
import { getPublicSuffix } from 'tldts';
import { parseIp } from './general-name.js';
import type { GeneralName } from './general-name.js';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** RFC 1034 §3.5 preferred name syntax (LDH labels, 1-63 octets, ≤ 253 total), case-insensitive, no trailing dot. */
export function isValidDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.toLowerCase().split('.').every((l) => LABEL.test(l));
}

/**
 * Why a SAN dNSName is malformed (RFC 5280 §4.2.1.6 preferred syntax; wildcard only as a whole left-most label), or
 * undefined. A well-formed wildcard over a public suffix is not malformed: it simply never matches (see below).
 */
export function checkSanDnsName(san: string): string | undefined {
  const lower = san.toLowerCase();
  if (lower.startsWith('*.')) {
    return isValidDnsName(lower.slice(2)) ? undefined : `wildcard SAN ${JSON.stringify(san)} is not followed by a valid name`;
  }
  if (lower.includes('*')) return `SAN ${JSON.stringify(san)} has a wildcard outside a whole left-most label (RFC 6125 §6.4.3)`;
  if (!isValidDnsName(lower)) return `SAN ${JSON.stringify(san)} is not a valid DNS name (RFC 5280 §4.2.1.6, RFC 1034 §3.5)`;
  if (parseIp(lower)) return `SAN dNSName ${JSON.stringify(san)} holds an IP address (RFC 5280 §4.2.1.6)`;
  return undefined;
}

/** A reference identity: a DNS name (A-label, lower case) or an IP address. */
export type ReferenceIdentity = { kind: 'dns'; name: string } | { kind: 'ip'; bytes: Uint8Array; text: string };

/** Turn what the user typed (`Example.COM`, `bücher.de`, `[::1]`, `192.0.2.1`) into a reference identity. */
export function referenceIdentity(host: string): ReferenceIdentity | undefined {
  const h = host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const ip = parseIp(h);
  if (ip) return { kind: 'ip', bytes: ip, text: h };
  // IDNA (RFC 5891): node's UTS #46 conversion gives the A-label form; empty string means not convertible.
  const ascii = /^[\x00-\x7f]*$/.test(h) ? h.toLowerCase() : domainToASCII(h);
  if (!ascii || !isValidDnsName(ascii)) return undefined;
  return { kind: 'dns', name: ascii };
}

/** Does one SAN dNSName (already syntax-checked) match the reference name? */
export function dnsNameMatches(san: string, reference: string): boolean {
  const s = san.toLowerCase();
  const r = reference.toLowerCase();
  if (!s.startsWith('*.')) return s === r;
  const base = s.slice(2);
  // CABF BR §3.2.2.6: a wildcard directly over a public suffix (`*.com`, `*.co.uk`, `*.s3.amazonaws.com`) or over
  // a single label is never honoured.
  if (!base.includes('.') || getPublicSuffix(base, { allowPrivateDomains: true }) === base) return false;
  const dot = r.indexOf('.');
  // RFC 6125 §6.4.3: the wildcard stands for exactly one whole label; never an A-label's part.
  return dot > 0 && r.slice(dot + 1) === base;
}

/** Match a reference identity against a certificate's SANs (no CN fallback). */
export function matchesIdentity(sans: readonly GeneralName[], ref: ReferenceIdentity): boolean {
  if (ref.kind === 'ip') return sans.some((n) => n.type === 'ip' && n.bytes.length === ref.bytes.length && n.bytes.every((b, i) => b === ref.bytes[i]));
  return sans.some((n) => n.type === 'dns' && checkSanDnsName(n.text) === undefined && dnsNameMatches(n.text, ref.name));
}
