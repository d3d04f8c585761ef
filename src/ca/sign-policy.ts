/**
 * Which names a requester may have signed: a policy of patterns per requester, evaluated on every `ca sign` (and every
 * ACME order). Pure: a policy and a request in, a verdict with a reason per refused name out.
 *
 * Patterns: DNS `web.internal` (exact), `*.web.internal` (one label below), `**.web.internal` (any depth below);
 * IP `10.1.2.3` or `10.1.0.0/16`; SPIFFE `spiffe://td/ns/web/sa/api` (exact), `*` for one path segment, a trailing
 * `/**` for any rest; URI and email exact. Names not matched by a pattern of their kind are refused.
 */
import { MitmError } from '../errors.js';
import { parseIp } from '../x509/general-name.js';
import type { SanName } from './names.js';
import type { Purpose } from './profiles.js';

export interface RequesterRule {
  dns?: string[];
  ip?: string[];
  spiffe?: string[];
  uri?: string[];
  email?: string[];
  /** Purposes this requester may ask for; default server and client. */
  purposes?: Purpose[];
  /** Longest lifetime this requester may get, in hours. */
  maxLifetimeHours?: number;
}

export interface SignPolicy {
  requesters: Record<string, RequesterRule>;
}

export interface SignRequest {
  requester: string;
  names: readonly SanName[];
  purpose: Purpose;
  lifetimeHours: number;
}

export interface SignVerdict {
  allowed: boolean;
  refused: Array<{ name: string; reason: string }>;
}

/** Named limit: patterns per requester and kind. */
export const MAX_POLICY_PATTERNS = 1000;

/** Validate a parsed JSON/YAML policy document; MG_ERR_CONFIG on anything unexpected. */
export function parseSignPolicy(doc: unknown): SignPolicy {
  const bad = (why: string): never => {
    throw new MitmError('MG_ERR_CONFIG', `sign policy: ${why}`);
  };
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) bad('must be an object with a "requesters" map');
  const requesters = (doc as { requesters?: unknown }).requesters;
  if (!requesters || typeof requesters !== 'object' || Array.isArray(requesters)) bad('"requesters" must map names to rules');
  const out: SignPolicy = { requesters: {} };
  for (const [name, rule] of Object.entries(requesters as Record<string, unknown>)) {
    if (!rule || typeof rule !== 'object' || Array.isArray(rule)) bad(`requester ${name}: rule must be an object`);
    const r = rule as Record<string, unknown>;
    const parsed: RequesterRule = {};
    for (const key of Object.keys(r)) {
      if (!['dns', 'ip', 'spiffe', 'uri', 'email', 'purposes', 'maxLifetimeHours'].includes(key)) bad(`requester ${name}: unknown key ${key}`);
    }
    for (const kind of ['dns', 'ip', 'spiffe', 'uri', 'email'] as const) {
      const v = r[kind];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.some((p) => typeof p !== 'string') || v.length > MAX_POLICY_PATTERNS) {
        bad(`requester ${name}: ${kind} must be a list of at most ${MAX_POLICY_PATTERNS} strings`);
      }
      if (kind === 'ip') for (const p of v as string[]) if (!parseCidr(p)) bad(`requester ${name}: ${JSON.stringify(p)} is not an IP or CIDR`);
      parsed[kind] = (v as string[]).map((p) => (kind === 'dns' ? p.toLowerCase() : p));
    }
    if (r.purposes !== undefined) {
      if (!Array.isArray(r.purposes) || r.purposes.some((p) => !['server', 'client', 'peer'].includes(p as string))) bad(`requester ${name}: purposes must be server, client or peer`);
      parsed.purposes = r.purposes as Purpose[];
    }
    if (r.maxLifetimeHours !== undefined) {
      if (typeof r.maxLifetimeHours !== 'number' || !(r.maxLifetimeHours > 0)) bad(`requester ${name}: maxLifetimeHours must be a positive number`);
      parsed.maxLifetimeHours = r.maxLifetimeHours as number;
    }
    out.requesters[name] = parsed;
  }
  return out;
}

/** DNS pattern match (see the module comment). */
export function dnsPatternMatches(pattern: string, name: string): boolean {
  const n = name.toLowerCase();
  if (pattern.startsWith('**.')) return n.endsWith(pattern.slice(2)) && n.length > pattern.length - 2;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    if (n === pattern) return true; // the wildcard certificate name itself
    if (!n.endsWith(suffix)) return false;
    const label = n.slice(0, n.length - suffix.length);
    return label.length > 0 && !label.includes('.') && label !== '*';
  }
  return n === pattern;
}

/** SPIFFE pattern match: `*` one segment, trailing `/**` any rest (at least one segment). */
export function spiffePatternMatches(pattern: string, id: string): boolean {
  const p = pattern.split('/');
  const s = id.split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**' && i === p.length - 1) return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
    if (p[i] === '*' && !s[i]) return false;
  }
  return s.length === p.length;
}

export function parseCidr(text: string): { bytes: Uint8Array; bits: number } | undefined {
  const [addr, len] = text.split('/') as [string, string | undefined];
  const bytes = parseIp(addr);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  const bits = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(bits >= 0 && bits <= max)) return undefined;
  return { bytes, bits };
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const net = parseCidr(cidr);
  const addr = parseIp(ip);
  if (!net || !addr || addr.length !== net.bytes.length) return false;
  for (let i = 0; i < net.bits; i++) {
    const mask = 0x80 >> (i % 8);
    if ((addr[i >> 3]! & mask) !== (net.bytes[i >> 3]! & mask)) return false;
  }
  return true;
}

const MATCHERS: Record<SanName['kind'], (rule: RequesterRule, value: string) => boolean> = {
  dns: (r, v) => (r.dns ?? []).some((p) => dnsPatternMatches(p, v)),
  ip: (r, v) => (r.ip ?? []).some((p) => ipInCidr(v, p)),
  spiffe: (r, v) => (r.spiffe ?? []).some((p) => spiffePatternMatches(p, v)),
  uri: (r, v) => (r.uri ?? []).includes(v),
  email: (r, v) => (r.email ?? []).map((e) => e.toLowerCase()).includes(v.toLowerCase()),
};

/** The verdict on one request: every refused name with its reason, or allowed. */
export function evaluateSignPolicy(policy: SignPolicy, request: SignRequest): SignVerdict {
  const rule = Object.hasOwn(policy.requesters, request.requester) ? policy.requesters[request.requester] : undefined;
  if (!rule) return { allowed: false, refused: [{ name: '*', reason: `requester ${JSON.stringify(request.requester)} is not in the policy` }] };
  const refused: SignVerdict['refused'] = [];
  const purposes = rule.purposes ?? ['server', 'client'];
  if (!purposes.includes(request.purpose)) refused.push({ name: '*', reason: `purpose ${request.purpose} is not allowed for ${request.requester}` });
  if (rule.maxLifetimeHours !== undefined && request.lifetimeHours > rule.maxLifetimeHours) {
    refused.push({ name: '*', reason: `lifetime ${request.lifetimeHours} h exceeds the ${rule.maxLifetimeHours} h allowed` });
  }
  if (request.names.length === 0) refused.push({ name: '*', reason: 'the request names nothing' });
  for (const n of request.names) {
    if (!MATCHERS[n.kind](rule, n.value)) refused.push({ name: n.kind === 'spiffe' ? n.value : `${n.kind}:${n.value}`, reason: `not permitted for ${request.requester}` });
  }
  return { allowed: refused.length === 0, refused };
}
