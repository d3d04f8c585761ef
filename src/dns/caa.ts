/**
 * CAA (RFC 8659): which certificate authorities may issue for a name. The relevant record set is found by climbing
 * from the name towards the root until a CAA RRset exists (§3); `issue` and `issuewild` properties name CA domains.
 */
import { MitmError } from '../errors.js';
import type { CaaRdata } from './rdata.js';
import { normalizeName, parentName } from './name.js';

export interface CaaPolicy {
  /** The name whose CAA set applies (the name itself or an ancestor), or null when none was found. */
  owner: string | null;
  records: CaaRdata[];
  /** CA domains allowed for non-wildcard names; empty with records present means no CA may issue (`;`). */
  issue: string[];
  issuewild: string[];
  iodef: string[];
  /** Critical properties we do not understand: RFC 8659 §4.5 says a CA must then refuse to issue. */
  unknownCritical: string[];
}

/** The issuer domain of an `issue` value: `letsencrypt.org; validationmethods=dns-01` → `letsencrypt.org`. */
export function caaIssuerDomain(value: string): string {
  return value.split(';')[0]!.trim().toLowerCase();
}

export function caaPolicy(owner: string | null, records: CaaRdata[]): CaaPolicy {
  const get = (tag: string) => records.filter((r) => r.tag === tag).map((r) => caaIssuerDomain(r.value));
  const issue = get('issue');
  const wild = records.some((r) => r.tag === 'issuewild') ? get('issuewild') : issue; // §4.3: issuewild absent → issue applies
  return {
    owner,
    records,
    issue: issue.filter(Boolean),
    issuewild: wild.filter(Boolean),
    iodef: records.filter((r) => r.tag === 'iodef').map((r) => r.value),
    unknownCritical: records.filter((r) => r.flags & 0x80 && !['issue', 'issuewild', 'iodef'].includes(r.tag)).map((r) => r.tag),
  };
}

/** Names to try, from the name up to (not including) the root (RFC 8659 §3). */
export function caaSearchNames(name: string): string[] {
  const out: string[] = [];
  for (let n: string | null = normalizeName(name); n && n !== '.'; n = parentName(n)) out.push(n);
  return out;
}

/**
 * Well-known CAs: words in a certificate's issuer → the CAA domains they use. Extend with `--caa-id "Org=domain"`.
 * Matching is on the issuer's O or CN, case-insensitive.
 */
export const KNOWN_CA_DOMAINS: readonly { match: string; domains: string[] }[] = [
  { match: "let's encrypt", domains: ['letsencrypt.org'] },
  { match: 'digicert', domains: ['digicert.com', 'www.digicert.com'] },
  { match: 'sectigo', domains: ['sectigo.com', 'comodoca.com'] },
  { match: 'globalsign', domains: ['globalsign.com'] },
  { match: 'google trust services', domains: ['pki.goog'] },
  { match: 'amazon', domains: ['amazon.com', 'amazontrust.com', 'awstrust.com', 'amazonaws.com'] },
  { match: 'zerossl', domains: ['sectigo.com'] },
  { match: 'buypass', domains: ['buypass.com'] },
  { match: 'entrust', domains: ['entrust.net'] },
  { match: 'microsoft', domains: ['microsoft.com'] },
];

/** The CAA domains a certificate issuer corresponds to, or [] when we cannot tell. */
export function issuerCaaDomains(issuer: string, extra: readonly { match: string; domains: string[] }[] = []): string[] {
  const text = issuer.toLowerCase();
  return [...extra, ...KNOWN_CA_DOMAINS].filter((k) => text.includes(k.match.toLowerCase())).flatMap((k) => k.domains);
}

/**
 * One `--caa-id org=domain` mapping: certificates whose issuer matches `org` come from the CA that CAA names `domain`
 * (a private CA has no entry in KNOWN_CA_DOMAINS). MG_ERR_USAGE when the value has no `=` or an empty side.
 */
export function parseCaaId(value: string): { match: string; domains: string[] } {
  const i = value.lastIndexOf('=');
  if (i <= 0 || i === value.length - 1) throw new MitmError('MG_ERR_USAGE', `--caa-id must be org=domain, not ${JSON.stringify(value)}`);
  return { match: value.slice(0, i), domains: [value.slice(i + 1).toLowerCase()] };
}

export type CaaIssuerVerdict = 'allowed' | 'not-allowed' | 'unknown-issuer' | 'no-caa';

/** Would the CAA set have allowed this issuer to issue for `name`? */
export function caaAllows(policy: CaaPolicy, name: string, issuerDomains: readonly string[]): CaaIssuerVerdict {
  if (!policy.owner || (policy.issue.length === 0 && !policy.records.some((r) => r.tag === 'issue' || r.tag === 'issuewild'))) return 'no-caa';
  if (issuerDomains.length === 0) return 'unknown-issuer';
  const allowed = name.startsWith('*.') ? policy.issuewild : policy.issue;
  return issuerDomains.some((d) => allowed.includes(d)) ? 'allowed' : 'not-allowed';
}
