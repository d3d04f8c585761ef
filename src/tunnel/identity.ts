/**
 * Who is on the other end of an mTLS connection, and whether the route lets them in. Pure: a parsed certificate in,
 * an identity out; an identity and a policy in, a verdict with a reason out.
 *
 * A policy allows a peer when its identity matches any listed SPIFFE ID, DNS SAN, URI SAN, CN or OU pattern (or any
 * identity when none is listed), AND — when given — its issuing CA is one of `issuers` and its key one of `spkiPins`.
 * Patterns: DNS as in the CA's sign policy (`*.svc` one label, `**.svc` any depth), SPIFFE `*` one segment and a
 * trailing `/**`; CN, OU and URI exact.
 */
import { spkiPin } from '../x509/analysis.js';
import type { Certificate } from '../x509/certificate.js';
import { formatIp } from '../x509/general-name.js';
import { dnsPatternMatches, spiffePatternMatches } from '../ca/sign-policy.js';

export interface PeerIdentity {
  spiffe?: string;
  dns: string[];
  ips: string[];
  uris: string[];
  cn: string[];
  ou: string[];
  /** `sha256//base64` of the SubjectPublicKeyInfo (the curl --pinnedpubkey form). */
  spkiPin: string;
  issuer: string;
  subject: string;
  serial: string;
  notAfter: string;
}

export interface IdentityPolicy {
  spiffe?: string[];
  dns?: string[];
  uri?: string[];
  cn?: string[];
  ou?: string[];
  /** Issuing CA subjects (RFC 4514 text as `cert show` prints it). */
  issuers?: string[];
  spkiPins?: string[];
}

export type IdentityVerdict = { allowed: true; matched: string } | { allowed: false; reason: string };

const OID_CN = '2.5.4.3';
const OID_OU = '2.5.4.11';

export function peerIdentity(cert: Certificate): PeerIdentity {
  const san = cert.ext.subjectAltName ?? [];
  const uris = san.filter((n) => n.type === 'uri').map((n) => n.text);
  const attrs = cert.subject.rdns.flat();
  const spiffe = uris.find((u) => u.startsWith('spiffe://'));
  return {
    ...(spiffe ? { spiffe } : {}),
    dns: san.filter((n) => n.type === 'dns').map((n) => n.text.toLowerCase()),
    ips: san.filter((n) => n.type === 'ip').map((n) => formatIp(n.bytes)),
    uris,
    cn: attrs.filter((a) => a.oid === OID_CN && a.text !== undefined).map((a) => a.text!),
    ou: attrs.filter((a) => a.oid === OID_OU && a.text !== undefined).map((a) => a.text!),
    spkiPin: spkiPin(cert),
    issuer: cert.issuer.text,
    subject: cert.subject.text,
    serial: cert.serialHex,
    notAfter: cert.notAfter.toISOString(),
  };
}

/** One-line name of a peer for logs: its SPIFFE ID, else its first DNS SAN, else its CN, else its serial. */
export const describePeer = (id: PeerIdentity): string => id.spiffe ?? id.dns[0] ?? id.cn[0] ?? `serial:${id.serial}`;

const listed = (p: IdentityPolicy) => Boolean(p.spiffe?.length || p.dns?.length || p.uri?.length || p.cn?.length || p.ou?.length);

/** The verdict of `policy` on `id` (see the module comment for the rule). */
export function checkIdentity(policy: IdentityPolicy, id: PeerIdentity): IdentityVerdict {
  if (policy.issuers?.length && !policy.issuers.includes(id.issuer)) return { allowed: false, reason: `issuer ${id.issuer} is not allowed` };
  if (policy.spkiPins?.length && !policy.spkiPins.includes(id.spkiPin)) return { allowed: false, reason: `key ${id.spkiPin} is not pinned` };
  if (!listed(policy)) return { allowed: true, matched: 'any identity from a trusted CA' };
  const rows: Array<[string, boolean]> = [
    ['spiffe', Boolean(id.spiffe && policy.spiffe?.some((p) => spiffePatternMatches(p, id.spiffe!)))],
    ['dns', id.dns.some((d) => policy.dns?.some((p) => dnsPatternMatches(p.toLowerCase(), d)))],
    ['uri', id.uris.some((u) => policy.uri?.includes(u))],
    ['cn', id.cn.some((c) => policy.cn?.includes(c))],
    ['ou', id.ou.some((o) => policy.ou?.includes(o))],
  ];
  const hit = rows.find(([, ok]) => ok);
  return hit ? { allowed: true, matched: hit[0] } : { allowed: false, reason: `identity ${describePeer(id)} matches no allowed pattern` };
}
