/**
 * Policy checks: pure functions from (facts of one target, the policy, its tags) to hits. They state what the
 * organisation mandates; the scanner's own checks state what is weak in general. Listed in src/checks/catalogue.ts.
 */
import { defineCheck } from './registry.js';
import { PROTOCOL_NAMES } from '../model/index.js';
import { isPostQuantumGroup } from '../tls/wire/registry.js';
import type { DerivedFacts } from '../policy/facts.js';
import { signatureHash, spkiPin, validityDays } from '../policy/facts.js';
import type { Policy, TargetRule } from '../policy/schema.js';

export interface PolicyObservation {
  facts: DerivedFacts;
  policy: Policy;
  /** Target rules of the policy that apply to this target (by tag or pattern). */
  rules: TargetRule[];
  /** ISO time the scan ran; certificate dates are judged against it. */
  now: string;
}

declare module './types.js' {
  interface ObservationMap {
    policy: PolicyObservation;
  }
}

const MOZILLA = 'https://wiki.mozilla.org/Security/Server_Side_TLS';
const rank = (p: string) => PROTOCOL_NAMES.indexOf(p as (typeof PROTOCOL_NAMES)[number]);

export const policyChecks = [
  defineCheck({
    id: 'policy.tls.plaintext',
    source: 'policy',
    pillar: 'encryption',
    severity: 'critical',
    title: 'Service accepts plaintext connections',
    description: 'The target answered without TLS, so anyone on the path reads and changes the traffic. Policy mandates encryption everywhere.',
    remediation: 'Serve this endpoint over TLS only; for HTTP, redirect to HTTPS and send HSTS; for mail and databases, require STARTTLS or implicit TLS.',
    references: ['RFC 8996', 'RFC 6797', 'NIST SP 800-52r2 §3'],
    evaluate: ({ facts }) =>
      facts.plaintext &&
      (facts.redirectsToHttps
        ? { evidence: `${facts.target} redirects to HTTPS, but the first request travels in plaintext and can be stripped`, severity: 'medium' }
        : { evidence: `${facts.target} completed an exchange with no TLS` }),
  }),
  defineCheck({
    id: 'policy.tls.min-version',
    source: 'policy',
    pillar: 'encryption',
    severity: 'high',
    title: 'Protocol version below the policy minimum',
    description: 'The server negotiates a protocol version older than the policy allows; older versions lack downgrade protection and modern AEAD ciphers.',
    remediation: 'Set the server minimum protocol version to the policy minimum (for OpenSSL: MinProtocol; for nginx: ssl_protocols).',
    references: ['RFC 8996', MOZILLA],
    evaluate: ({ facts, policy }) => {
      const min = policy.tls.minVersion;
      if (!min) return undefined;
      const below = facts.protocols.filter((p) => rank(p) < rank(min));
      return below.length > 0 && { evidence: `accepted ${below.join(', ')}; policy minimum is ${min}` };
    },
  }),
  defineCheck({
    id: 'policy.tls.suite-not-allowed',
    source: 'policy',
    pillar: 'encryption',
    severity: 'medium',
    title: 'Cipher suite outside the policy list',
    description: 'The server accepts a cipher suite the policy does not allow (weak, without forward secrecy or without AEAD).',
    remediation: 'Restrict the server cipher list to the suites the policy names.',
    references: [MOZILLA, 'NIST SP 800-52r2 §3.3.1'],
    evaluate: ({ facts, policy }) => {
      const allowed = policy.tls.allowedCipherSuites;
      if (!allowed) return undefined;
      const bad = facts.suites.map((s) => s.name).filter((n) => !allowed.includes(n));
      return bad.length > 0 && { evidence: `accepted ${bad.length} suite(s) not allowed: ${bad.slice(0, 8).join(', ')}${bad.length > 8 ? ', …' : ''}` };
    },
  }),
  defineCheck({
    id: 'policy.tls.group-not-allowed',
    source: 'policy',
    pillar: 'encryption',
    severity: 'low',
    title: 'Key exchange group outside the policy list',
    description: 'The server accepts a named group for key exchange that the policy does not allow.',
    remediation: 'Restrict the server groups (curves) to those the policy names.',
    references: ['RFC 8446 §4.2.7', MOZILLA],
    evaluate: ({ facts, policy }) => {
      const allowed = policy.tls.allowedGroups?.map((g) => g.toLowerCase());
      if (!allowed) return undefined;
      const bad = facts.groups.filter((g) => !allowed.includes(g.toLowerCase()));
      return bad.length > 0 && { evidence: `accepted group(s) ${bad.join(', ')}` };
    },
  }),
  defineCheck({
    id: 'policy.tls.post-quantum-missing',
    source: 'policy',
    pillar: 'encryption',
    severity: 'medium',
    title: 'No post-quantum key exchange where the policy requires it',
    description:
      'The policy requires a post-quantum key agreement (ML-KEM, usually the hybrid X25519MLKEM768), but the server accepts none: traffic recorded today can be decrypted once a quantum computer breaks its elliptic-curve key exchange ("harvest now, decrypt later").',
    remediation:
      'Serve TLS 1.3 with X25519MLKEM768 first in the group list (OpenSSL ≥ 3.5: it is the default; nginx: ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1; Node ≥ 24: ecdhCurve), keeping a classical group for old clients.',
    references: ['draft-ietf-tls-ecdhe-mlkem', 'FIPS 203', 'NIST IR 8547'],
    evaluate: ({ facts, policy, rules }) => {
      if (!(policy.tls.requirePostQuantum || rules.some((r) => r.requirePostQuantum)) || !facts.tls) return undefined;
      return !facts.groups.some(isPostQuantumGroup) && { evidence: `accepted group(s): ${facts.groups.join(', ') || 'none found'}; none is post-quantum` };
    },
  }),
  defineCheck({
    id: 'policy.tls.hsts-missing',
    source: 'policy',
    pillar: 'encryption',
    severity: 'medium',
    title: 'HSTS missing or weaker than the policy',
    description: 'Without Strict-Transport-Security, a man in the middle can strip HTTPS on a first visit or a typed http:// link.',
    remediation: 'Send Strict-Transport-Security with a max-age of at least the policy minimum (and includeSubDomains where required).',
    references: ['RFC 6797 §6.1'],
    evaluate: ({ facts, policy }) => {
      const h = policy.hsts;
      if (!h.required || facts.hsts === undefined) return undefined;
      if (facts.hsts === null) return { evidence: 'no Strict-Transport-Security header on the HTTPS response' };
      if (h.minMaxAge !== undefined && facts.hsts.maxAge < h.minMaxAge) return { evidence: `max-age=${facts.hsts.maxAge}, policy minimum ${h.minMaxAge}` };
      if (h.includeSubDomains && !facts.hsts.includeSubDomains) return { evidence: 'includeSubDomains is absent', severity: 'low' };
      return undefined;
    },
  }),
  defineCheck({
    id: 'policy.tls.starttls-required',
    source: 'policy',
    pillar: 'encryption',
    severity: 'high',
    title: 'STARTTLS required but not in use',
    description: 'The policy requires this service to upgrade to TLS with STARTTLS, but the scan saw no successful upgrade.',
    remediation: 'Enable STARTTLS on the service and refuse commands before the upgrade.',
    references: ['RFC 3207', 'RFC 8314'],
    evaluate: ({ facts, rules }) =>
      rules.some((r) => r.requireStarttls) && facts.starttls !== true && !facts.tls
        ? { evidence: facts.plaintext ? 'the service answered in plaintext' : 'no STARTTLS upgrade was observed' }
        : undefined,
  }),
  defineCheck({
    id: 'policy.mtls.not-required',
    source: 'policy',
    pillar: 'mutual-auth',
    severity: 'high',
    title: 'Client certificate not required where the policy mandates mTLS',
    description: 'The policy puts this target in an mTLS zone, yet the server completes handshakes without a client certificate.',
    remediation: 'Configure the server to require and verify client certificates from the private CA (for nginx: ssl_verify_client on).',
    references: ['RFC 8446 §4.3.2', 'RFC 5246 §7.4.4'],
    evaluate: ({ facts, rules }) =>
      rules.some((r) => r.requireMtls) && (facts.clientAuth === 'none' || facts.clientAuth === 'requested')
        ? { evidence: `client certificate ${facts.clientAuth === 'none' ? 'not requested' : 'requested but optional'}` }
        : undefined,
  }),
  defineCheck({
    id: 'policy.cert.pin-mismatch',
    source: 'policy',
    pillar: 'certificates',
    severity: 'critical',
    title: 'Certificate key does not match the pinned SPKI',
    description: 'The policy pins the public keys this target may present; none of the presented keys matches, as when an interceptor substitutes its own.',
    remediation: 'Investigate interception first; if the key was rotated on purpose, add the new pin to the policy.',
    references: ['RFC 7469 §2.4'],
    evaluate: ({ facts, rules }) => {
      const pins = rules.flatMap((r) => r.pins ?? []);
      if (pins.length === 0 || facts.chain.length === 0) return undefined;
      const seen = facts.chain.map((c) => spkiPin(c.pem)).filter((p): p is string => p !== null);
      return !seen.some((p) => pins.includes(p)) && { evidence: `presented ${seen[0] ?? 'no parsable key'}; pinned ${pins.join(', ')}` };
    },
  }),
  defineCheck({
    id: 'policy.cert.key-too-small',
    source: 'policy',
    pillar: 'certificates',
    severity: 'high',
    title: 'Certificate key smaller than the policy minimum',
    description: 'A short key can be factored or its discrete log computed, letting an attacker impersonate the server.',
    remediation: 'Reissue the certificate with an RSA key of at least the policy minimum (2048 bits or more) or an ECDSA P-256 key.',
    references: ['NIST SP 800-57 Part 1 §5.6.1', 'NIST SP 800-52r2 §3.2'],
    evaluate: ({ facts, policy }) => {
      const leaf = facts.leaf;
      if (!leaf) return undefined;
      const rsa = /rsa/i.test(leaf.keyType);
      const min = rsa ? policy.certificates.minRsaBits : /ec/i.test(leaf.keyType) ? policy.certificates.minEcBits : undefined;
      return min !== undefined && leaf.keyBits < min && { evidence: `${leaf.keyType} ${leaf.keyBits} bits; policy minimum ${min}`, ...(rsa && leaf.keyBits < 1024 ? { severity: 'critical' as const } : {}) };
    },
  }),
  defineCheck({
    id: 'policy.cert.signature-hash',
    source: 'policy',
    pillar: 'certificates',
    severity: 'high',
    title: 'Certificate signed with a hash the policy forbids',
    description: 'A certificate in the chain is signed with a hash outside the policy (SHA-1, MD5); collisions in these hashes have been used to forge certificates.',
    remediation: 'Reissue the certificate (and any intermediate) with SHA-256 or stronger.',
    references: ['RFC 9155', 'CA/Browser Forum BR §7.1.3'],
    evaluate: ({ facts, policy }) => {
      const allowed = policy.certificates.allowedSignatureHashes as string[] | undefined;
      if (!allowed) return undefined;
      // The root's self-signature is not checked by anyone (RFC 5280 §6.1), so only certificates below it count.
      const bad = facts.chain.filter((c, i) => !(i > 0 && c.subject === c.issuer)).filter((c) => {
        const h = signatureHash(c.signatureAlgorithm);
        return h !== null && !allowed.includes(h);
      });
      return bad.length > 0 && { evidence: bad.map((c) => `${c.subject}: ${c.signatureAlgorithm}`).join('; ') };
    },
  }),
  defineCheck({
    id: 'policy.cert.expired',
    source: 'policy',
    pillar: 'certificates',
    severity: 'critical',
    title: 'Certificate outside its validity period',
    description: 'The leaf certificate has expired or is not yet valid; clients that accept it accept anything, and clients that do not are trained to click through warnings.',
    remediation: 'Renew the certificate now and automate renewal (ACME).',
    references: ['RFC 5280 §4.1.2.5'],
    evaluate: ({ facts, now }) => {
      if (!facts.leaf) return undefined;
      const v = validityDays(facts.leaf, new Date(now));
      if (v.notYetValid) return { evidence: `not valid before ${facts.leaf.notBefore}` };
      return v.remaining < 0 && { evidence: `expired ${facts.leaf.notAfter} (${-v.remaining} days ago)` };
    },
  }),
  defineCheck({
    id: 'policy.cert.expiring',
    source: 'policy',
    pillar: 'certificates',
    severity: 'medium',
    title: 'Certificate expires sooner than the policy allows',
    description: 'The leaf certificate expires within the policy warning window.',
    remediation: 'Renew the certificate and automate renewal (ACME).',
    references: ['RFC 5280 §4.1.2.5'],
    evaluate: ({ facts, policy, now }) => {
      const min = policy.certificates.minDaysToExpiry;
      if (!facts.leaf || min === undefined) return undefined;
      const v = validityDays(facts.leaf, new Date(now));
      return v.remaining >= 0 && v.remaining < min && { evidence: `expires ${facts.leaf.notAfter} (in ${v.remaining} days; policy wants ${min})` };
    },
  }),
  defineCheck({
    id: 'policy.cert.lifetime-too-long',
    source: 'policy',
    pillar: 'certificates',
    severity: 'low',
    title: 'Certificate lifetime longer than the policy maximum',
    description: 'Long-lived certificates stay usable by whoever stole the key for longer, and revocation rarely reaches clients.',
    remediation: 'Issue certificates with a lifetime within the policy maximum and renew automatically.',
    references: ['CA/Browser Forum BR §6.3.2'],
    evaluate: ({ facts, policy, now }) => {
      const max = policy.certificates.maxLifetimeDays;
      if (!facts.leaf || max === undefined) return undefined;
      const v = validityDays(facts.leaf, new Date(now));
      return v.lifetime > max && { evidence: `lifetime ${v.lifetime} days; policy maximum ${max}` };
    },
  }),
];
