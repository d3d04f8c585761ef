/**
 * Path building (RFC 4158) and validation (RFC 5280 §6). From the leaf, candidate issuers are found by subject name
 * (indexed, so a bag of 10,000 intermediates costs a map lookup), trust anchors first, then intermediates whose
 * SKI matches the child's AKI. A depth-first search with backtracking tries alternatives when a path fails; every
 * complete path to an anchor is checked by the rules in ./path-rules.ts, and the first that passes wins. Depth and
 * work (candidate edges and signature verifications) are bounded, so pathological inputs end fast with a verdict.
 */
import { keyInfo, SIGNATURE_SCHEMES, verificationCount, verifySignedBy } from './algorithms.js';
import type { Certificate } from './certificate.js';
import type { Crl } from './crl.js';
import type { KeyUsageName } from './extensions.js';
import { checkSanDnsName, matchesIdentity, referenceIdentity } from './hostname.js';
import { checkPath, isSelfSigned, type PathContext } from './path-rules.js';
import type { TrustStore } from './trust-store.js';
import { DOWNGRADABLE, type Profile, type Purpose, type ValidationIssue } from './types.js';

/** Named limits of path building. */
export const PATH_LIMITS = {
  /** Certificates in one path, leaf and anchor included. */
  maxPathCertificates: 10,
  /** Candidate issuer edges considered in one validation. */
  maxEdges: 4096,
  /** Signature verifications in one validation (cached results are free). */
  maxSignatureVerifications: 256,
  /** Complete paths to an anchor that are fully checked before giving up. */
  maxCompletePaths: 32,
} as const;

export interface ValidateOptions {
  /** Validation time; default now. */
  at?: Date;
  /** DNS name or IP address the leaf must cover. */
  host?: string;
  purpose?: Purpose;
  profile?: Profile;
  crls?: readonly Crl[];
  /** Maximum non-self-issued intermediates (x509-limbo max_chain_depth). */
  maxIntermediates?: number;
  /** Key usages the leaf must allow when it has a keyUsage extension. */
  keyUsage?: readonly KeyUsageName[];
  /** Email identities the leaf must carry as rfc822Name SANs (client certificates). */
  emails?: readonly string[];
}

export interface PathValidationResult {
  valid: boolean;
  /** The path that was accepted or, on failure, the best candidate (leaf first). */
  path: Certificate[];
  /** Whether `path` ends in a trust anchor. */
  anchored: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  stats: { edges: number; signatureVerifications: number; completePaths: number };
}

interface Attempt {
  path: Certificate[];
  issues: ValidationIssue[];
}

/** Order candidates: SKI equal to the child's AKI first, then currently valid ones (RFC 4158 §3.5). */
function rank(child: Certificate, candidates: readonly Certificate[], at: Date): Certificate[] {
  const aki = child.ext.authorityKeyIdentifier?.keyIdentifier;
  const score = (c: Certificate) =>
    (aki && c.ext.subjectKeyIdentifier && Buffer.compare(aki, c.ext.subjectKeyIdentifier) === 0 ? 0 : 2) +
    (c.notBefore <= at && at <= c.notAfter ? 0 : 1);
  return [...candidates].sort((a, b) => score(a) - score(b));
}

function indexBySubject(certs: readonly Certificate[]): Map<string, Certificate[]> {
  const m = new Map<string, Certificate[]>();
  for (const c of certs) {
    const l = m.get(c.subject.key);
    if (l) l.push(c);
    else m.set(c.subject.key, [c]);
  }
  return m;
}

/** Split issues into errors and warnings by profile. */
function byProfile(issues: ValidationIssue[], profile: Profile): { errors: ValidationIssue[]; warnings: ValidationIssue[] } {
  if (profile === 'strict') return { errors: issues, warnings: [] };
  return { errors: issues.filter((i) => !DOWNGRADABLE.has(i.code)), warnings: issues.filter((i) => DOWNGRADABLE.has(i.code)) };
}

/** Issues we can state about a path that reaches no anchor: time, keys and the host name. */
function unanchoredIssues(path: Certificate[], at: Date, host: string | undefined): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  path.forEach((c, i) => {
    if (at < c.notBefore) out.push({ code: 'not-yet-valid', message: `not valid before ${c.notBefore.toISOString()}`, certIndex: i });
    if (at > c.notAfter) out.push({ code: 'expired', message: `expired at ${c.notAfter.toISOString()}`, certIndex: i });
    const k = keyInfo(c);
    if (k.weakness) out.push({ code: 'weak-key', message: k.weakness, certIndex: i });
    // The issuer is unknown, but the algorithm is not: an MD5/SHA-1 signature is weak whoever made it.
    const scheme = SIGNATURE_SCHEMES[c.signatureAlgorithm.oid];
    if (scheme?.weakness && !(c.selfIssued && isSelfSigned(c))) out.push({ code: 'weak-signature', message: scheme.weakness, certIndex: i });
  });
  if (host !== undefined) {
    const ref = referenceIdentity(host);
    const sans = (path[0]!.ext.subjectAltName ?? []).filter((n) => n.type !== 'dns' || checkSanDnsName(n.text) === undefined);
    if (!ref || !matchesIdentity(sans, ref)) out.push({ code: 'hostname-mismatch', message: `certificate is not valid for ${host}`, certIndex: 0 });
  }
  return out;
}

/**
 * Build and validate a path from `leaf` through `intermediates` to an anchor in `store`.
 *
 * @example
 * const r = validateChain(parseCertificate(der), [], loadTrustStore({ node: true }), { host: 'example.com' });
 * if (!r.valid) console.log(r.errors.map((e) => e.code));
 */
export function validateChain(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  store: TrustStore,
  options: ValidateOptions = {},
): PathValidationResult {
  const at = new Date(Math.floor((options.at ?? new Date()).getTime() / 1000) * 1000);
  const purpose = options.purpose ?? 'server';
  const profile = options.profile ?? 'strict';
  const pool = indexBySubject(intermediates.filter((c) => !store.has(c)));
  const startVerifications = verificationCount();
  const stats = { edges: 0, signatureVerifications: 0, completePaths: 0 };
  const attempts: Attempt[] = [];
  let longest: Certificate[] = [leaf];
  let exhausted = false;
  let accepted: Attempt | undefined;

  const base: Omit<PathContext, 'path'> = {
    at, purpose, crls: options.crls ?? [],
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.maxIntermediates !== undefined ? { maxIntermediates: options.maxIntermediates } : {}),
    ...(options.keyUsage ? { keyUsage: options.keyUsage } : {}),
    ...(options.emails ? { emails: options.emails } : {}),
  };
  const tryComplete = (path: Certificate[]): boolean => {
    stats.completePaths++;
    const issues = checkPath({ ...base, path });
    const attempt = { path, issues };
    const { errors } = byProfile(issues, profile);
    if (errors.length === 0) {
      accepted = attempt;
      return true;
    }
    attempts.push(attempt);
    return false;
  };
  const overBudget = (): boolean => {
    stats.signatureVerifications = verificationCount() - startVerifications;
    if (stats.edges > PATH_LIMITS.maxEdges || stats.signatureVerifications > PATH_LIMITS.maxSignatureVerifications || stats.completePaths >= PATH_LIMITS.maxCompletePaths) {
      exhausted = true;
    }
    return exhausted;
  };

  // DFS: returns true when a valid path was accepted.
  const extend = (path: Certificate[]): boolean => {
    if (path.length > longest.length) longest = path;
    const child = path[path.length - 1]!;
    const onPath = (c: Certificate) => path.some((p) => p.fingerprint === c.fingerprint || (p.subject.key === c.subject.key && Buffer.compare(p.spki.der, c.spki.der) === 0));
    const anchors = rank(child, store.withSubject(child.issuer.key), at);
    for (const anchor of anchors) {
      stats.edges++;
      if (overBudget()) return false;
      if (onPath(anchor)) continue;
      if (!verifySignedBy(child, anchor).ok) continue;
      if (tryComplete([...path, anchor])) return true;
    }
    if (path.length >= PATH_LIMITS.maxPathCertificates - 1) return false;
    for (const next of rank(child, pool.get(child.issuer.key) ?? [], at)) {
      stats.edges++;
      if (overBudget()) return false;
      if (onPath(next)) continue;
      if (!verifySignedBy(child, next).ok) continue;
      if (extend([...path, next])) return true;
    }
    return false;
  };

  // A leaf that is itself a trust anchor (a pinned self-signed certificate) is a path of one.
  if (store.has(leaf)) tryComplete([leaf]);
  if (!accepted) extend([leaf]);
  stats.signatureVerifications = verificationCount() - startVerifications;
  return pathResult({ accepted, attempts, longest, exhausted, stats }, profile, at, options.host);
}

/** What the path search found: an accepted path, the anchored paths that failed, the longest unanchored one. */
interface PathSearch {
  accepted: Attempt | undefined;
  attempts: Attempt[];
  longest: Certificate[];
  exhausted: boolean;
  stats: PathValidationResult['stats'];
}

/**
 * The result of a search: the accepted path; else the anchored path with the fewest errors; else why no path reached
 * an anchor (self-signed, untrusted root, missing issuer, or the work bound). Trust failures are never downgraded.
 */
function pathResult(search: PathSearch, profile: Profile, at: Date, host: string | undefined): PathValidationResult {
  const { accepted, attempts, longest, exhausted, stats } = search;
  if (accepted) {
    const { warnings } = byProfile(accepted.issues, profile);
    return { valid: true, path: accepted.path, anchored: true, errors: [], warnings, stats };
  }
  if (attempts.length) {
    const best = attempts.reduce((a, b) => (byProfile(b.issues, profile).errors.length < byProfile(a.issues, profile).errors.length ? b : a));
    const split = byProfile(best.issues, profile);
    if (exhausted) split.errors.push({ code: 'work-limit', message: 'path building stopped at its work bound; other paths were not tried', certIndex: null });
    return { valid: false, path: best.path, anchored: true, ...split, stats };
  }
  const issues = unanchoredIssues(longest, at, host);
  const top = longest[longest.length - 1]!;
  if (exhausted) issues.unshift({ code: 'work-limit', message: `path building gave up after ${stats.edges} candidate issuers and ${stats.signatureVerifications} signature checks`, certIndex: null });
  else if (isSelfSigned(top)) {
    issues.unshift(
      longest.length === 1
        ? { code: 'self-signed', message: 'the certificate is self-signed and not a trust anchor', certIndex: 0 }
        : { code: 'untrusted-root', message: `the chain ends in ${top.subject.text}, which is not a trust anchor`, certIndex: longest.length - 1 },
    );
  } else {
    issues.unshift({ code: 'incomplete-chain', message: `no issuer found for ${top.subject.text} (issuer ${top.issuer.text}); an intermediate is missing or the root is unknown`, certIndex: longest.length - 1 });
  }
  const split = byProfile(issues, profile);
  return { valid: false, path: longest, anchored: false, errors: split.errors, warnings: split.warnings, stats };
}
