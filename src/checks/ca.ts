/**
 * CA hygiene (issue 15): what `mitmguard ca list` finds wrong with a private CA directory — a broken audit chain,
 * keys at rest in clear or readable by others, the root key online, a stale CRL, authorities and certificates close
 * to expiry, weak subject keys. Pure: reads the `ca` observation (src/ca/observation.ts), time from the observation.
 */
import '../ca/observation.js';
import type { CaObservation } from '../ca/observation.js';
import { defineCheck } from './registry.js';

const DAY = 86_400_000;
const left = (o: CaObservation, iso: string) => (new Date(iso).getTime() - new Date(o.at).getTime()) / DAY;
/** Keys the CA treats as strong (CABF BR §6.1.5): RSA ≥ 2048, P-256/P-384/P-521, Ed25519. */
const STRONG_KEY = /^(rsa-(2048|3072|4096|[5-9]\d{3}|\d{5,})|ec-(prime256v1|secp384r1|secp521r1)|ed25519)$/;

export const caChecks = [
  defineCheck({
    id: 'ca.audit.chain-broken',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'critical',
    title: 'CA audit log hash chain is broken',
    description: 'A line of the CA\'s append-only audit log was edited, removed or reordered: issuances or revocations may have been hidden.',
    remediation: 'Treat the CA as compromised until explained: compare with backups of audit.jsonl, revoke what cannot be accounted for, re-key the intermediate if in doubt.',
    references: ['RFC 3647 §5.4', 'CABF BR §5.4'],
    evaluate: (o) => !o.audit.ok && { evidence: `audit.jsonl breaks at line ${o.audit.brokenAt?.line}: ${o.audit.brokenAt?.reason}` },
  }),
  defineCheck({
    id: 'ca.key.readable-by-others',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'high',
    title: 'CA private key readable by group or others',
    description: 'A CA key file lets other accounts read it; anyone who reads it can issue certificates the whole organisation trusts.',
    remediation: 'chmod 600 the key file and check who read it; re-key if another account could have.',
    references: ['RFC 3647 §6.2'],
    evaluate: (o) => o.exposedKeys.map((k) => ({ evidence: `${k.file} has mode ${k.mode}` })),
  }),
  defineCheck({
    id: 'ca.key.unencrypted',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'medium',
    title: 'CA keys stored without a passphrase',
    description: 'The CA keys are plain PKCS#8 on disk: a backup, a copied disk or a stray read gives away the ability to issue.',
    remediation: 'Create the CA with --passphrase-file or --passphrase-env (PKCS#8 encrypted with scrypt), or keep the keys in an HSM.',
    references: ['RFC 5958', 'RFC 7914 §7'],
    evaluate: (o) => !o.encrypted && { evidence: `keys in ${o.dir} are not encrypted` },
  }),
  defineCheck({
    id: 'ca.root-key.online',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'medium',
    title: 'Root CA key kept beside the online intermediate',
    description: 'The root key sits in the working CA directory; the point of an intermediate is that the root key can live offline.',
    remediation: 'Move root.key to offline storage (an encrypted USB key in a safe); only creating a new intermediate needs it.',
    references: ['RFC 3647 §6.2.6'],
    evaluate: (o) => o.rootKeyOnline && { evidence: `${o.dir}/root.key is present` },
  }),
  defineCheck({
    id: 'ca.crl.stale',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'high',
    title: 'CRL past its nextUpdate',
    description: 'The published CRL has expired; relying parties that check revocation will fail closed (outage) or open (revoked certificates accepted).',
    remediation: 'Run `mitmguard ca crl` on a schedule shorter than the CRL lifetime (hourly from cron or a systemd timer).',
    references: ['RFC 5280 §5.1.2.5'],
    evaluate: (o) =>
      !o.crl.nextUpdate ? { evidence: 'no CRL has been published' }
      : left(o, o.crl.nextUpdate) < 0 ? { evidence: `CRL ${o.crl.number ?? '?'} expired at ${o.crl.nextUpdate}` }
      : undefined,
  }),
  defineCheck({
    id: 'ca.intermediate.expiring',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'medium',
    title: 'Intermediate CA certificate expires soon',
    description: 'When the intermediate expires, every certificate it issued stops validating at once.',
    remediation: 'Create a new intermediate from the offline root well before expiry and move issuance to it.',
    references: ['RFC 5280 §4.1.2.5'],
    evaluate: (o) => {
      const d = left(o, o.intermediate.notAfter);
      if (d < 0) return { evidence: `${o.intermediate.subject} expired on ${o.intermediate.notAfter}`, severity: 'critical' };
      if (d < 30) return { evidence: `${o.intermediate.subject} expires in ${Math.floor(d)} days`, severity: 'high' };
      return d < 90 ? { evidence: `${o.intermediate.subject} expires in ${Math.floor(d)} days` } : undefined;
    },
  }),
  defineCheck({
    id: 'ca.responder.expiring',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'medium',
    title: 'OCSP responder certificate expires soon',
    description: 'When the delegated responder certificate expires, every OCSP answer fails to verify and clients that require OCSP refuse connections.',
    remediation: 'Issue a new responder certificate before expiry (it lives 30 days because id-pkix-ocsp-nocheck means it cannot itself be revoked).',
    references: ['RFC 6960 §4.2.2.2.1'],
    evaluate: (o) => {
      const d = left(o, o.responder.notAfter);
      return d < 0 ? { evidence: `expired on ${o.responder.notAfter}`, severity: 'high' } : d < 7 ? { evidence: `expires in ${Math.floor(d)} days` } : undefined;
    },
  }),
  defineCheck({
    id: 'ca.certificate.expiring',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'low',
    title: 'Issued certificate near expiry and not renewed',
    description: 'A certificate has less than a third of its lifetime left and no successor; the service using it will fail its handshakes when it expires.',
    remediation: 'Renew it (`mitmguard ca renew`) or let the tunnel or ACME client renew automatically.',
    references: ['RFC 5280 §4.1.2.5'],
    evaluate: (o) =>
      o.certificates
        .filter((c) => c.status === 'valid' && !c.renewed)
        .filter((c) => {
          const life = new Date(c.notAfter).getTime() - new Date(c.notBefore).getTime();
          return new Date(c.notAfter).getTime() - new Date(o.at).getTime() < life / 3;
        })
        .map((c) => ({ evidence: `${c.serial} (${c.names.join(', ')}) expires ${c.notAfter}` })),
  }),
  defineCheck({
    id: 'ca.certificate.weak-key',
    source: 'ca',
    pillar: 'mutual-auth',
    severity: 'high',
    title: 'Issued certificate with a weak key',
    description: 'A valid certificate certifies a key below the strength the CA requires (RSA under 2048 bits, or a curve outside P-256/P-384/P-521/Ed25519).',
    remediation: 'Revoke it and issue a replacement for a strong key.',
    references: ['CABF BR §6.1.5', 'NIST SP 800-57 Part 1 §5.6'],
    evaluate: (o) =>
      o.certificates.filter((c) => c.status === 'valid' && !STRONG_KEY.test(c.keyAlgorithm)).map((c) => ({ evidence: `${c.serial}: ${c.keyAlgorithm}` })),
  }),
];

