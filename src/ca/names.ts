/**
 * Subject alternative names as people type them: `api.svc.internal`, `10.0.0.7`, `spiffe://prod.example/ns/web/sa/api`,
 * `uri:https://…`, `email:ops@example.com`. SPIFFE IDs are checked against the SPIFFE ID specification (§2: scheme
 * `spiffe`, a lower-case trust domain, non-empty path segments of [A-Za-z0-9._-], no `.`/`..`, no query or fragment).
 */
import { isIP } from 'node:net';
import { MitmError } from '../errors.js';
import type { SanEntry } from '../pki/builder.js';
import { isValidDnsName } from '../x509/hostname.js';

/** SPIFFE ID §2.3: an ID is at most 2048 bytes; the trust domain at most 255. */
export const SPIFFE_LIMITS = { maxIdBytes: 2048, maxTrustDomainBytes: 255 } as const;
/** Names in one certificate request: enough for any service, small enough to bound a CSR's cost. */
export const MAX_SANS = 100;

export type SanKind = 'dns' | 'ip' | 'uri' | 'email' | 'spiffe';
export interface SanName {
  kind: SanKind;
  value: string;
}

const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Why `id` is not a SPIFFE ID, or undefined when it is one. */
export function spiffeIdProblem(id: string): string | undefined {
  if (Buffer.byteLength(id) > SPIFFE_LIMITS.maxIdBytes) return `longer than ${SPIFFE_LIMITS.maxIdBytes} bytes`;
  if (!id.startsWith('spiffe://')) return 'scheme must be spiffe:// (lower case)';
  const rest = id.slice('spiffe://'.length);
  if (/[?#]/.test(rest)) return 'no query or fragment allowed';
  const slash = rest.indexOf('/');
  const td = slash < 0 ? rest : rest.slice(0, slash);
  if (!td) return 'empty trust domain';
  if (td.length > SPIFFE_LIMITS.maxTrustDomainBytes || !TRUST_DOMAIN.test(td)) return 'trust domain must be lower-case letters, digits, dots, dashes and underscores';
  if (slash < 0) return undefined;
  const segments = rest.slice(slash + 1).split('/');
  for (const s of segments) {
    if (!s) return 'empty path segment (trailing or doubled slash)';
    if (s === '.' || s === '..') return 'path segments . and .. are not allowed';
    if (!PATH_SEGMENT.test(s)) return `path segment ${JSON.stringify(s)} has characters outside [A-Za-z0-9._-]`;
  }
  return undefined;
}

export const trustDomainOf = (id: string): string => id.slice('spiffe://'.length).split('/')[0]!;

/** Parse one typed name; throws MG_ERR_USAGE on a name no certificate should carry. */
export function parseSanName(text: string): SanName {
  const t = text.trim();
  const prefixed = /^(dns|ip|uri|email):(.*)$/i.exec(t);
  const kind = prefixed ? (prefixed[1]!.toLowerCase() as SanKind) : t.startsWith('spiffe://') ? 'spiffe' : isIP(t) ? 'ip' : 'dns';
  const value = prefixed ? prefixed[2]! : t;
  const bad = (why: string): never => {
    throw new MitmError('MG_ERR_USAGE', `${JSON.stringify(text.slice(0, 100))} is not a usable ${kind} name: ${why}`);
  };
  switch (kind) {
    case 'ip':
      if (!isIP(value)) bad('not an IPv4 or IPv6 address');
      return { kind, value };
    case 'dns': {
      const v = value.toLowerCase().replace(/\.$/, '');
      const plain = v.startsWith('*.') ? v.slice(2) : v;
      if (!isValidDnsName(plain) || plain.includes('*')) bad('not a host name (a wildcard only as the whole left-most label)');
      return { kind, value: v };
    }
    case 'uri':
      if (value.startsWith('spiffe://')) return parseSanName(value);
      if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(value) || /[^\x21-\x7e]/.test(value)) bad('not an absolute URI of printable ASCII');
      return { kind, value };
    case 'email':
      if (!/^[^\s@]+@[^\s@]+$/.test(value) || /[^\x21-\x7e]/.test(value)) bad('not a mailbox');
      return { kind, value };
    case 'spiffe': {
      const problem = spiffeIdProblem(value);
      if (problem) bad(problem);
      return { kind, value };
    }
  }
}

/** Parse names, drop duplicates, and enforce one SPIFFE ID per certificate (SPIFFE X.509-SVID §2). */
export function parseSanNames(texts: readonly string[]): SanName[] {
  if (texts.length > MAX_SANS) throw new MitmError('MG_ERR_TOO_LARGE', `at most ${MAX_SANS} names per certificate`);
  const seen = new Set<string>();
  const out: SanName[] = [];
  for (const t of texts) {
    const n = parseSanName(t);
    const key = `${n.kind}:${n.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(n);
    }
  }
  if (out.filter((n) => n.kind === 'spiffe').length > 1) throw new MitmError('MG_ERR_USAGE', 'an X.509-SVID carries exactly one SPIFFE ID');
  return out;
}

export function sanEntry(n: SanName): SanEntry {
  switch (n.kind) {
    case 'dns':
      return { dns: n.value };
    case 'ip':
      return { ip: n.value };
    case 'email':
      return { email: n.value };
    case 'uri':
    case 'spiffe':
      return { uri: n.value };
  }
}

export const describeSan = (n: SanName): string => (n.kind === 'spiffe' ? n.value : `${n.kind}:${n.value}`);
