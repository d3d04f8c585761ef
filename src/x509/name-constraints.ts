/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3(b)-(c)) for DNS names, IP addresses, email addresses and directory
 * names. Constraints of any other form fail closed when a name of that form is present (RFC 5280 §4.2.1.10:
 * "If a name constraints extension that is marked as critical imposes constraints on a particular name form, and an
 * instance of that name form appears in the subject field or subjectAltName extension of a subsequent certificate,
 * then the application MUST either process the constraint or reject the certificate").
 */
import type { Certificate } from './certificate.js';
import type { GeneralName } from './general-name.js';
import type { GeneralSubtree } from './extensions.js';
import { isValidDnsName } from './hostname.js';
import { OID_EMAIL, attributeValues, nameWithinSubtree } from './name.js';

/** Named limit: comparisons of names against subtrees per certificate before we refuse (quadratic blow-up, nc-dos). */
export const MAX_NAME_CONSTRAINT_CHECKS = 1 << 16;

/** Why a constraint itself is malformed, or undefined when it is acceptable. */
export function constraintDefect(base: GeneralName): string | undefined {
  switch (base.type) {
    case 'dns':
      // RFC 5280 §4.2.1.10: "host.example.com"; empty matches everything. No wildcard, no leading period.
      if (base.text === '') return undefined;
      return isValidDnsName(base.text) ? undefined : `dNSName constraint ${JSON.stringify(base.text)} is not a DNS name`;
    case 'ip': {
      // RFC 5280 §4.2.1.10: address followed by a contiguous mask, 8 octets (IPv4) or 32 octets (IPv6).
      if (base.bytes.length !== 8 && base.bytes.length !== 32) return `iPAddress constraint of ${base.bytes.length} octets is not address+mask`;
      const mask = base.bytes.subarray(base.bytes.length / 2);
      let seenZero = false;
      for (const byte of mask) {
        for (let bit = 7; bit >= 0; bit--) {
          const set = (byte >> bit) & 1;
          if (set && seenZero) return 'iPAddress constraint mask is not contiguous';
          if (!set) seenZero = true;
        }
      }
      return undefined;
    }
    case 'email': {
      const t = base.text;
      const at = t.split('@').length - 1;
      if (at > 1) return `rfc822Name constraint ${JSON.stringify(t)} has more than one @`;
      if (at === 1) {
        const [local, domain] = t.split('@') as [string, string];
        return local && isValidDnsName(domain) ? undefined : `rfc822Name constraint ${JSON.stringify(t)} is not a mailbox`;
      }
      const domain = t.startsWith('.') ? t.slice(1) : t;
      return isValidDnsName(domain) ? undefined : `rfc822Name constraint ${JSON.stringify(t)} is not a host or domain`;
    }
    default:
      return undefined;
  }
}

/** Why a SAN entry itself is malformed for constraint processing, or undefined. */
export function sanDefect(n: GeneralName): string | undefined {
  if (n.type === 'ip' && n.bytes.length !== 4 && n.bytes.length !== 16) return `iPAddress SAN of ${n.bytes.length} octets`;
  if (n.type === 'email') {
    const parts = n.text.split('@');
    if (parts.length !== 2 || !parts[0] || !isValidDnsName(parts[1]!)) return `rfc822Name SAN ${JSON.stringify(n.text)} is not a mailbox`;
  }
  return undefined;
}

const dnsWithin = (name: string, base: string): boolean => base === '' || name === base || name.endsWith('.' + base);

/** A name of one form and whether it lies within a subtree; for wildcards, "within" must hold for every expansion. */
function within(n: GeneralName, base: GeneralName, excluded: boolean): boolean {
  switch (n.type) {
    case 'dns': {
      const name = n.text.toLowerCase();
      const b = base.text.toLowerCase();
      if (!name.startsWith('*.')) return dnsWithin(name, b);
      // A SAN `*.X` stands for any single label under X (CVE-2025-61727): it is permitted only when every expansion is,
      // i.e. X is within the subtree; it is excluded when any expansion could be (X within, or the subtree is one label under X).
      const x = name.slice(2);
      if (dnsWithin(x, b)) return true;
      return excluded && b.includes('.') && b.slice(b.indexOf('.') + 1) === x;
    }
    case 'ip': {
      const half = base.bytes.length / 2;
      if (n.bytes.length !== half) return false;
      for (let i = 0; i < half; i++) if ((n.bytes[i]! & base.bytes[half + i]!) !== (base.bytes[i]! & base.bytes[half + i]!)) return false;
      return true;
    }
    case 'email': {
      const b = base.text;
      const at = n.text.lastIndexOf('@');
      const local = n.text.slice(0, at);
      const host = n.text.slice(at + 1).toLowerCase();
      // RFC 5280 §4.2.1.10: a mailbox, a host, or a domain (leading period: hosts under it, not the domain itself).
      if (b.includes('@')) {
        const bat = b.lastIndexOf('@');
        return local === b.slice(0, bat) && host === b.slice(bat + 1).toLowerCase();
      }
      if (b.startsWith('.')) return host.endsWith(b.toLowerCase());
      return host === b.toLowerCase();
    }
    case 'dn':
      return Boolean(n.dn && base.dn && nameWithinSubtree(n.dn, base.dn));
    default:
      return false;
  }
}

export interface ConstraintResult {
  ok: boolean;
  reason?: string;
}

/** The names of `cert` that name constraints apply to: SAN entries, the subject DN, subject emailAddress values. */
export function constrainedNames(cert: Certificate): GeneralName[] {
  const names: GeneralName[] = [...(cert.ext.subjectAltName ?? [])];
  if (cert.subject.rdns.length) names.push({ type: 'dn', text: cert.subject.text, bytes: cert.subject.der, dn: cert.subject });
  // RFC 5280 §4.2.1.10: emailAddress attributes in the subject are checked against rfc822Name constraints.
  for (const e of attributeValues(cert.subject, OID_EMAIL)) names.push({ type: 'email', text: e, bytes: new Uint8Array() });
  return names;
}

/** Check every name of `cert` against one certificate's permitted and excluded subtrees. */
export function checkNameConstraints(
  cert: Certificate,
  constraints: { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] },
): ConstraintResult {
  const permitted = constraints.permitted ?? [];
  const excluded = constraints.excluded ?? [];
  const names = constrainedNames(cert);
  if (names.length * (permitted.length + excluded.length) > MAX_NAME_CONSTRAINT_CHECKS) {
    return { ok: false, reason: `${names.length} names × ${permitted.length + excluded.length} constraints exceeds the limit of ${MAX_NAME_CONSTRAINT_CHECKS} comparisons` };
  }
  for (const st of [...permitted, ...excluded]) {
    const d = constraintDefect(st.base);
    if (d) return { ok: false, reason: d };
  }
  for (const n of names) {
    const d = sanDefect(n);
    if (d) return { ok: false, reason: d };
    const label = n.type === 'dn' ? `subject ${n.text}` : `${n.type} name ${JSON.stringify(n.text)}`;
    const ex = excluded.filter((s) => s.base.type === n.type);
    const hit = ex.find((s) => within(n, s.base, true));
    if (hit) return { ok: false, reason: `${label} is inside the excluded subtree ${JSON.stringify(hit.base.text)}` };
    const perm = permitted.filter((s) => s.base.type === n.type);
    if (perm.length && !perm.some((s) => within(n, s.base, false))) return { ok: false, reason: `${label} is outside every permitted ${n.type} subtree` };
    // Forms we cannot evaluate fail closed when constrained (otherName, URI, x400, ediParty, registeredID).
    if (!['dns', 'ip', 'email', 'dn'].includes(n.type) && (ex.length || perm.length)) {
      return { ok: false, reason: `${n.type} names are constrained but mitmguard cannot evaluate ${n.type} constraints` };
    }
  }
  return { ok: true };
}
