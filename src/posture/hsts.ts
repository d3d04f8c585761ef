/**
 * Strict-Transport-Security (RFC 6797 §6.1): parse the header a server sent and judge it. Pure.
 */

/** One year: what the HSTS preload list and OWASP ask for (hstspreload.org "max-age must be at least 31536000"). */
export const HSTS_MIN_MAX_AGE = 31_536_000;
/** Header values longer than this are not a policy, they are an attack on the parser. */
export const MAX_HSTS_HEADER = 1024;

export interface HstsPolicy {
  /** null when the header is invalid (missing or malformed max-age, duplicate directives). */
  maxAge: number | null;
  includeSubDomains: boolean;
  preload: boolean;
  valid: boolean;
  /** Why the header is invalid, or what was odd about it; a UA ignores an invalid header entirely (§8.1). */
  problems: string[];
}

// RFC 7230 §3.2.6 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parse one Strict-Transport-Security header value.
 *
 * @example parseHsts('max-age=31536000; includeSubDomains; preload') // { maxAge: 31536000, includeSubDomains: true, preload: true, valid: true, problems: [] }
 */
export function parseHsts(value: string): HstsPolicy {
  const policy: HstsPolicy = { maxAge: null, includeSubDomains: false, preload: false, valid: false, problems: [] };
  if (value.length > MAX_HSTS_HEADER) {
    policy.problems.push(`header longer than ${MAX_HSTS_HEADER} characters`);
    return policy;
  }
  const seen = new Set<string>();
  for (const raw of value.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    let val = eq < 0 ? null : part.slice(eq + 1).trim();
    if (!TOKEN.test(name)) {
      policy.problems.push(`directive name ${JSON.stringify(name)} is not a token`);
      return policy;
    }
    // §6.1 rule 2: every directive at most once; a UA ignores a header that repeats one.
    if (seen.has(name)) {
      policy.problems.push(`directive ${name} appears more than once`);
      return policy;
    }
    seen.add(name);
    if (val !== null && val.startsWith('"')) {
      if (val.length < 2 || !val.endsWith('"')) {
        policy.problems.push(`unterminated quoted value for ${name}`);
        return policy;
      }
      val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (name === 'max-age') {
      // §6.1.1: delta-seconds, 1*DIGIT.
      if (val === null || !/^\d+$/.test(val)) {
        policy.problems.push(`max-age ${JSON.stringify(val)} is not a number of seconds`);
        return policy;
      }
      policy.maxAge = Math.min(Number(val), Number.MAX_SAFE_INTEGER);
    } else if (name === 'includesubdomains') {
      // §6.1.2: a valueless directive.
      if (val !== null) policy.problems.push('includeSubDomains takes no value');
      policy.includeSubDomains = true;
    } else if (name === 'preload') {
      policy.preload = true;
    } else {
      // §6.1 rule 4: unknown directives are ignored.
      policy.problems.push(`unknown directive ${name} ignored`);
    }
  }
  if (policy.maxAge === null) {
    policy.problems.push('max-age is missing (RFC 6797 §6.1.1 requires it)');
    return policy;
  }
  policy.valid = true;
  return policy;
}

/** Preload-list eligibility (hstspreload.org submission rules), as the reasons it fails; empty means eligible. */
export function preloadBlockers(policy: HstsPolicy | null, httpRedirectsToHttpsSameHost: boolean | null): string[] {
  const out: string[] = [];
  if (!policy || !policy.valid) return ['no valid HSTS header over HTTPS'];
  if ((policy.maxAge ?? 0) < HSTS_MIN_MAX_AGE) out.push(`max-age ${policy.maxAge} is below ${HSTS_MIN_MAX_AGE}`);
  if (!policy.includeSubDomains) out.push('includeSubDomains is missing');
  if (!policy.preload) out.push('the preload directive is missing');
  if (httpRedirectsToHttpsSameHost === false) out.push('plain HTTP does not redirect to HTTPS on the same host first');
  return out;
}
