/**
 * Checks of the DNS area (issue 7): DNSSEC status, spoofed answers, CAA, DANE/TLSA, MTA-STS and TLS-RPT.
 * Each reads one observation kind declared in src/dns/observations.ts.
 */
import '../dns/observations.js';
import { defineCheck } from './registry.js';
import type { CheckHit } from './types.js';

const RFC4033 = 'https://www.rfc-editor.org/rfc/rfc4033';
const RFC4035 = 'https://www.rfc-editor.org/rfc/rfc4035';
const RFC8659 = 'https://www.rfc-editor.org/rfc/rfc8659';
const RFC6698 = 'https://www.rfc-editor.org/rfc/rfc6698';
const RFC7671 = 'https://www.rfc-editor.org/rfc/rfc7671';
const RFC8461 = 'https://www.rfc-editor.org/rfc/rfc8461';
const RFC8460 = 'https://www.rfc-editor.org/rfc/rfc8460';
const RFC5452 = 'https://www.rfc-editor.org/rfc/rfc5452';
const RFC8624 = 'https://www.rfc-editor.org/rfc/rfc8624';

export const dnsChecks = [
  defineCheck({
    id: 'dns.dnssec.bogus',
    source: 'dns-name',
    pillar: 'network',
    severity: 'critical',
    title: 'DNS answer fails DNSSEC validation',
    description: 'The answer for a signed name does not validate from the trust anchor: altered, unsigned where signatures are required, expired, or signed with the wrong keys. This is what a spoofed answer looks like.',
    remediation: 'Find out whether the zone is misconfigured (expired signatures, DS not matching the key) or the answer was tampered with on the path; fix the zone signing or the path, and use a validating resolver.',
    references: [RFC4035, 'https://www.rfc-editor.org/rfc/rfc8914'],
    evaluate: (o) =>
      o.validation.verdict === 'BOGUS' && { evidence: `${o.name} ${o.type}: ${o.validation.reason?.text ?? 'bogus'} (EDE ${o.validation.reason?.ede ?? 6})` },
  }),
  defineCheck({
    id: 'dns.dnssec.insecure',
    source: 'dns-name',
    pillar: 'network',
    severity: 'medium',
    title: 'Name is not protected by DNSSEC',
    description: 'The chain of trust ends before the name (an unsigned delegation or opt-out), so a man in the middle can forge its answers undetected.',
    remediation: 'Sign the zone and publish its DS record in the parent zone.',
    references: [RFC4033],
    evaluate: (o) => o.validation.verdict === 'INSECURE' && { evidence: `${o.name} ${o.type}: ${o.validation.reason?.text ?? 'insecure'}` },
  }),
  defineCheck({
    id: 'dns.dnssec.indeterminate',
    source: 'dns-name',
    pillar: 'network',
    severity: 'low',
    title: 'DNSSEC status could not be determined',
    description: 'No trust anchor covers the name, or the servers did not answer, so nothing is known about the authenticity of its answers.',
    remediation: 'Check that the resolver is reachable and passes DNSSEC records (DO bit) and that the right trust anchor is configured.',
    references: [RFC4033],
    evaluate: (o) => o.validation.verdict === 'INDETERMINATE' && { evidence: `${o.name} ${o.type}: ${o.validation.reason?.text ?? 'indeterminate'}` },
  }),
  defineCheck({
    id: 'dns.dnssec.deprecated-algorithm',
    source: 'dns-name',
    pillar: 'network',
    severity: 'low',
    title: 'DNSSEC chain uses a deprecated algorithm or digest',
    description: 'A zone in the chain is signed with RSASHA1 or vouched for by a SHA-1 DS record, which RFC 8624 says must no longer be used for signing.',
    remediation: 'Roll the zone to ECDSAP256SHA256 or ED25519 and publish SHA-256 DS records.',
    references: [RFC8624],
    evaluate: (o) => {
      const old = o.validation.chain.filter((l) => l.dnskeys.some((k) => /RSASHA1/.test(k.algorithm)) || l.ds.some((d) => d.digestType === 'SHA-1'));
      return old.length > 0 && { evidence: `deprecated DNSSEC in ${old.map((l) => l.zone).join(', ')}` };
    },
  }),
  defineCheck({
    id: 'dns.spoof.resolver-disagreement',
    source: 'dns-name',
    pillar: 'network',
    severity: 'high',
    title: 'Resolvers give different answers for the same name',
    description: 'The same question asked of several resolvers got different answers or signatures were missing from one: one path is being spoofed, a cache is poisoned, or a resolver strips DNSSEC.',
    remediation: 'Find which resolver differs and why (interception on its path, split horizon, poisoning); validate DNSSEC on the clients that depend on it.',
    references: [RFC5452],
    evaluate: (o) => !!o.comparison && !o.comparison.agree && o.comparison.differences.map((d): CheckHit => ({ evidence: `${o.name} ${o.type}: ${d}` })),
  }),
  defineCheck({
    id: 'dns.spoof.anomalous-response',
    source: 'dns-name',
    pillar: 'network',
    severity: 'high',
    title: 'Spoofing attempt seen on the wire',
    description: 'A response arrived from an unexpected address, with the wrong id, with the wrong 0x20 letter case, or a second different answer raced the first: the marks of an off-path spoofing attempt.',
    remediation: 'Investigate the network path to the resolver; use a validating resolver and DNS over TLS to it.',
    references: [RFC5452, 'https://datatracker.ietf.org/doc/html/draft-vixie-dnsext-dns0x20-00'],
    evaluate: (o) => {
      const all = [...o.validation.anomalies, ...(o.comparison?.answers.flatMap((a) => a.anomalies) ?? [])];
      return all.length > 0 && all.map((a): CheckHit => ({ evidence: `${a.kind}: ${a.detail}` }));
    },
  }),
  defineCheck({
    id: 'dns.caa.missing',
    source: 'dns-caa',
    pillar: 'certificates',
    severity: 'low',
    title: 'No CAA record restricts which CAs may issue',
    description: 'Without CAA any public CA may issue a certificate for the name, which widens the set of CAs an attacker can trick into issuing one.',
    remediation: 'Publish CAA records naming only the CAs you use, e.g. `example.com. CAA 0 issue "letsencrypt.org"`.',
    references: [RFC8659],
    evaluate: (o) => !o.error && o.policy.owner === null && o.verdict !== 'BOGUS' && { evidence: `no CAA record at ${o.name} or any parent` },
  }),
  defineCheck({
    id: 'dns.caa.issuer-not-allowed',
    source: 'dns-caa',
    pillar: 'certificates',
    severity: 'high',
    title: 'Certificate issued by a CA that CAA does not allow',
    description: 'The certificate the server presents comes from a CA the CAA records do not authorise: mis-issuance, a stale CAA set, or an intercepting proxy presenting its own certificate.',
    remediation: 'Confirm who issued the certificate; update CAA to the CA you use, or replace the certificate.',
    references: [RFC8659],
    evaluate: (o) =>
      o.issuerVerdict === 'not-allowed' && { evidence: `issuer "${o.certificateIssuer}" (${o.issuerDomains.join(', ')}) is not in CAA issue [${o.policy.issue.join(', ')}] at ${o.policy.owner}` },
  }),
  defineCheck({
    id: 'dns.caa.unsigned',
    source: 'dns-caa',
    pillar: 'certificates',
    severity: 'info',
    title: 'CAA records are not DNSSEC-signed',
    description: 'CAs must honour CAA, but without DNSSEC an attacker on the CA\'s path could hide or forge the CAA set.',
    remediation: 'Sign the zone with DNSSEC.',
    references: [RFC8659],
    evaluate: (o) => o.policy.owner !== null && o.verdict === 'INSECURE' && { evidence: `CAA at ${o.policy.owner} is INSECURE` },
  }),
  defineCheck({
    id: 'dns.tlsa.mismatch',
    source: 'dns-tlsa',
    pillar: 'certificates',
    severity: 'critical',
    title: 'Presented certificate matches no TLSA record',
    description: 'DANE says which certificate or key the server must present; none of the TLSA records matches what it presented, so DANE clients refuse it — or someone is intercepting.',
    remediation: 'Publish TLSA records for the current key before rolling certificates (RFC 7671 §8), or find out who presents this certificate.',
    references: [RFC6698, RFC7671],
    evaluate: (o) =>
      !o.error && o.records.length > 0 && o.verdict === 'SECURE' && o.matches.every((m) => m.matchedIndex === null) && { evidence: `${o.name}: ${o.records.length} TLSA record(s), none matches the ${o.chainLength}-certificate chain presented` },
  }),
  defineCheck({
    id: 'dns.tlsa.not-secure',
    source: 'dns-tlsa',
    pillar: 'certificates',
    severity: 'high',
    title: 'TLSA records are not DNSSEC-secure',
    description: 'RFC 6698 §4.1: TLSA records that do not validate must not be used; DANE gives no protection here.',
    remediation: 'Sign the zone and publish its DS record, or fix the validation failure.',
    references: [RFC6698],
    evaluate: (o) => o.records.length > 0 && o.verdict !== 'SECURE' && { evidence: `${o.name}: TLSA records are ${o.verdict}`, severity: o.verdict === 'BOGUS' ? 'critical' : 'high' },
  }),
  defineCheck({
    id: 'dns.tlsa.unusable',
    source: 'dns-tlsa',
    pillar: 'certificates',
    severity: 'low',
    title: 'TLSA record uses an unknown usage, selector or matching type',
    description: 'Clients ignore such records (RFC 7671 §4); if all are unusable, DANE protects nothing.',
    remediation: 'Use usage 3 (DANE-EE) or 2 (DANE-TA), selector 1 (SPKI), matching type 1 (SHA-256).',
    references: [RFC7671],
    evaluate: (o) => o.matches.filter((m) => m.unusable).map((m): CheckHit => ({ evidence: `${o.name}: ${m.record}: ${m.unusable}` })),
  }),
  defineCheck({
    id: 'dns.mail.no-tls-policy',
    source: 'dns-mail',
    pillar: 'encryption',
    severity: 'medium',
    title: 'Mail domain has neither MTA-STS nor DANE',
    description: 'Without MTA-STS or DANE, sending servers fall back to plaintext when STARTTLS is stripped, so a man in the middle can read incoming mail.',
    remediation: 'Publish an MTA-STS policy in enforce mode (RFC 8461) or DNSSEC-signed TLSA records for the MX hosts (RFC 7672).',
    references: [RFC8461, 'https://www.rfc-editor.org/rfc/rfc7672'],
    evaluate: (o) => o.mx.hosts.length > 0 && !o.mtaSts.txt && !o.dane.some((d) => d.records > 0 && d.verdict === 'SECURE') && { evidence: `${o.domain}: no _mta-sts TXT record and no secure TLSA for ${o.mx.hosts.join(', ')}` },
  }),
  defineCheck({
    id: 'dns.mtasts.policy-invalid',
    source: 'dns-mail',
    pillar: 'network',
    severity: 'high',
    title: 'MTA-STS is announced but the policy cannot be used',
    description: 'The _mta-sts TXT record exists but the policy could not be fetched over HTTPS with a valid certificate, or does not parse; senders then treat the domain as having no policy.',
    remediation: 'Serve https://mta-sts.<domain>/.well-known/mta-sts.txt as text/plain with a certificate valid for that host, and fix the TXT record.',
    references: [RFC8461],
    evaluate: (o) => {
      const hits: CheckHit[] = [];
      if (o.mtaSts.txtError) hits.push({ evidence: `${o.domain}: TXT record: ${o.mtaSts.txtError}` });
      if (o.mtaSts.txt && o.mtaSts.policyError) hits.push({ evidence: `${o.domain}: policy: ${o.mtaSts.policyError.code}: ${o.mtaSts.policyError.message}` });
      return hits;
    },
  }),
  defineCheck({
    id: 'dns.mtasts.not-enforced',
    source: 'dns-mail',
    pillar: 'encryption',
    severity: 'medium',
    title: 'MTA-STS policy is not in enforce mode',
    description: 'In testing or none mode, senders deliver over plaintext or to unauthenticated servers anyway; the policy only produces reports.',
    remediation: 'After reviewing TLS-RPT reports, switch the policy to mode: enforce.',
    references: [RFC8461],
    evaluate: (o) => !!o.mtaSts.policy && o.mtaSts.policy.mode !== 'enforce' && { evidence: `${o.domain}: mode ${o.mtaSts.policy.mode}` },
  }),
  defineCheck({
    id: 'dns.mtasts.mx-not-covered',
    source: 'dns-mail',
    pillar: 'network',
    severity: 'high',
    title: 'MX host is not covered by the MTA-STS policy',
    description: 'Senders that enforce the policy will refuse to deliver to an MX host no pattern matches — or the MX record was altered to point elsewhere.',
    remediation: 'Add the MX host to the policy\'s mx lines (and bump the TXT id), or correct the MX record.',
    references: [RFC8461],
    evaluate: (o) => o.mtaSts.unmatchedMx.length > 0 && { evidence: `${o.domain}: ${o.mtaSts.unmatchedMx.join(', ')} not matched by ${o.mtaSts.policy?.mx.join(', ')}` },
  }),
  defineCheck({
    id: 'dns.tlsrpt.missing',
    source: 'dns-mail',
    pillar: 'network',
    severity: 'low',
    title: 'No TLS-RPT record for the mail domain',
    description: 'Without SMTP TLS reporting, failed or downgraded TLS deliveries (a sign of STARTTLS stripping) go unnoticed.',
    remediation: 'Publish `_smtp._tls.<domain> TXT "v=TLSRPTv1; rua=mailto:tlsrpt@<domain>"`.',
    references: [RFC8460],
    evaluate: (o) => o.mx.hosts.length > 0 && (!o.tlsRpt.txt || !!o.tlsRpt.error) && { evidence: `${o.domain}: ${o.tlsRpt.error ?? 'no _smtp._tls TXT record'}` },
  }),
];
