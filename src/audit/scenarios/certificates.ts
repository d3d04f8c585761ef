/**
 * Scenarios that forge the certificate: every way a chain can look plausible and still be wrong (RFC 5280 path
 * validation, RFC 6125 / RFC 9525 name matching). The TLS itself is modern; only the chain lies.
 */
import { buildCertificate, cachedKeyPair, createAuthority, EKU, issueLeaf, type Authority, type LeafOptions } from '../../pki/index.js';
import type { AuditLab } from './lab.js';
import type { UpstreamTemplate } from './upstream.js';
import type { ScenarioDefinition, ServedChain } from './types.js';

const DAY = 24 * 60 * 60 * 1000;
const OTHER_HOST = 'other-host.mitmguard.invalid';

/** A leaf for the lab host, issued by `issuer` (null: self-signed), served with `extra` certificates after it. */
function leaf(lab: AuditLab, issuer: Authority | null, options: Partial<LeafOptions> = {}, extra: Authority[] = []): ServedChain {
  const key = options.key && 'privateKey' in options.key ? options.key : lab.leafKey;
  const cert = issueLeaf(issuer, { names: [lab.host], ...options, key });
  return { certs: [cert, ...extra.map((a) => a.cert)], key };
}

/** An intermediate under the lab CA with the given twist; its key is the other leaf key (any key will do). */
const intermediate = (lab: AuditLab, name: string, options: Parameters<typeof createAuthority>[1] = {}): Authority =>
  createAuthority([['CN', name], ['O', 'mitmguard client audit']], { issuer: lab.labCa, key: lab.otherKey, ...options });

const VALIDATE = 'Validate the full chain to a trusted root and the host name (RFC 6125); never disable verification in production code.';
const PATH = ['RFC 5280 §6.1'];

type CertScenario = Omit<ScenarioDefinition, 'transport' | 'expect' | 'pillar'> & Partial<Pick<ScenarioDefinition, 'pillar'>>;

const scenarios: CertScenario[] = [
  {
    id: 'self-signed',
    title: 'Self-signed certificate for the right host name',
    description: 'The server presents a self-signed certificate whose name matches. Accepting it means certificate verification is off.',
    severity: 'critical',
    remediation: VALIDATE,
    references: PATH,
    chain: (lab) => leaf(lab, null),
  },
  {
    id: 'self-signed-other-host',
    title: 'Self-signed certificate for another host name',
    description: 'Self-signed and issued for a different name: accepting it means neither the chain nor the name is checked.',
    severity: 'critical',
    remediation: VALIDATE,
    references: [...PATH, 'RFC 6125 §6'],
    chain: (lab) => leaf(lab, null, { names: [OTHER_HOST] }),
  },
  {
    id: 'untrusted-ca',
    title: 'Right host name, issued by an untrusted CA',
    description: 'A well-formed chain for the right name from a root the client does not trust: what any attacker can mint.',
    severity: 'critical',
    remediation: VALIDATE,
    references: PATH,
    chain: (lab) => leaf(lab, lab.untrustedRoot, {}, [lab.untrustedRoot]),
    mintIssuer: (lab) => lab.untrustedRoot,
  },
  {
    id: 'wrong-host',
    title: 'Trusted CA, wrong host name',
    description: 'A certificate from the trusted lab CA for another name. Accepting it means the host name is not checked, so any certificate from any trusted CA works.',
    severity: 'critical',
    remediation: 'Enable host name verification (RFC 6125 §6); with OpenSSL set the expected host (SSL_set1_host).',
    references: ['RFC 6125 §6', 'RFC 9525 §6'],
    chain: (lab) => leaf(lab, lab.labCa, { names: [OTHER_HOST] }),
  },
  {
    id: 'expired',
    title: 'Expired leaf certificate',
    description: 'The leaf expired yesterday. RFC 5280 §6.1.3 (a)(2) requires the current time within the validity period.',
    severity: 'high',
    remediation: 'Check certificate validity periods; do not ignore X509_V_ERR_CERT_HAS_EXPIRED.',
    references: ['RFC 5280 §6.1.3'],
    chain: (lab) => leaf(lab, lab.labCa, { notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }),
  },
  {
    id: 'not-yet-valid',
    title: 'Leaf certificate not yet valid',
    description: 'The leaf becomes valid tomorrow (RFC 5280 §6.1.3 (a)(2)).',
    severity: 'high',
    remediation: 'Check certificate validity periods, including notBefore.',
    references: ['RFC 5280 §6.1.3'],
    chain: (lab) => leaf(lab, lab.labCa, { notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 30 * DAY) }),
  },
  {
    id: 'expired-intermediate',
    title: 'Expired intermediate CA',
    description: 'The leaf is valid but the intermediate that issued it has expired; every certificate on the path must be within its validity.',
    severity: 'high',
    remediation: VALIDATE,
    references: ['RFC 5280 §6.1.3'],
    chain: (lab) => {
      const inter = intermediate(lab, 'mitmguard Audit Expired Intermediate', { notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() - DAY) });
      return leaf(lab, inter, {}, [inter]);
    },
  },
  {
    id: 'leaf-as-issuer',
    title: 'A CA:FALSE leaf certificate used as an issuer',
    description: 'A genuine leaf from the trusted CA (basicConstraints CA:FALSE) signs a certificate for the target: the classic basicConstraints bypass (CVE-2002-0862).',
    severity: 'critical',
    remediation: 'Enforce basicConstraints cA=TRUE on every issuing certificate (RFC 5280 §6.1.4 (k)).',
    references: ['RFC 5280 §4.2.1.9', 'RFC 5280 §6.1.4', 'CVE-2002-0862'],
    chain: (lab) => {
      const issuerName = [['CN', 'issuer.mitmguard.invalid']] as const;
      const issuerCert = issueLeaf(lab.labCa, { names: ['issuer.mitmguard.invalid'], subject: issuerName, key: lab.otherKey });
      const fake: Authority = { name: issuerName, cert: issuerCert, key: lab.otherKey };
      return leaf(lab, fake, {}, [fake]);
    },
  },
  {
    id: 'intermediate-no-basic-constraints',
    title: 'Intermediate without basicConstraints',
    description: 'The issuing intermediate lacks the basicConstraints extension, so it is not a CA (RFC 5280 §4.2.1.9, §6.1.4 (k)).',
    severity: 'high',
    remediation: 'Require basicConstraints cA=TRUE on v3 intermediates.',
    references: ['RFC 5280 §4.2.1.9', 'RFC 5280 §6.1.4'],
    chain: (lab) => {
      const inter = intermediate(lab, 'mitmguard Audit No-BC Intermediate', { extensions: { basicConstraints: undefined } });
      return leaf(lab, inter, {}, [inter]);
    },
  },
  {
    id: 'v1-intermediate',
    title: 'X.509 v1 certificate acting as a CA',
    description: 'The issuer is a version 1 certificate (no extensions, so no basicConstraints). RFC 5280 §6.1.4 (k) lets only explicitly configured v1 roots issue.',
    severity: 'high',
    remediation: 'Reject v1 intermediates (OpenSSL: do not set X509_V_FLAG_ALLOW_PROXY_CERTS / legacy v1 CA flags).',
    references: ['RFC 5280 §6.1.4'],
    chain: (lab) => {
      const inter = intermediate(lab, 'mitmguard Audit v1 Intermediate', { version: 1 });
      return leaf(lab, inter, {}, [inter]);
    },
  },
  {
    id: 'eku-client-auth',
    title: 'Leaf with extendedKeyUsage clientAuth only',
    description: 'The leaf is for TLS clients, not servers (RFC 5280 §4.2.1.12): a certificate any employee or device might hold.',
    severity: 'high',
    remediation: 'Require id-kp-serverAuth in the leaf extendedKeyUsage when it is present.',
    references: ['RFC 5280 §4.2.1.12'],
    chain: (lab) => leaf(lab, lab.labCa, { eku: [EKU.clientAuth] }),
  },
  {
    id: 'eku-code-signing-critical',
    title: 'Leaf with a critical extendedKeyUsage of codeSigning',
    description: 'The leaf is a code-signing certificate with a critical extendedKeyUsage: it must not authenticate a TLS server.',
    severity: 'high',
    remediation: 'Require id-kp-serverAuth in the leaf extendedKeyUsage.',
    references: ['RFC 5280 §4.2.1.12'],
    chain: (lab) => leaf(lab, lab.labCa, { extensions: { extKeyUsage: { oids: [EKU.codeSigning], critical: true } } }),
  },
  {
    id: 'unknown-critical-extension',
    title: 'Leaf with an unknown critical extension',
    description: 'RFC 5280 §4.2 requires rejecting a certificate with a critical extension the client does not understand.',
    severity: 'medium',
    remediation: 'Reject certificates with unrecognised critical extensions.',
    references: ['RFC 5280 §4.2'],
    chain: (lab) =>
      leaf(lab, lab.labCa, { extensions: { raw: [{ oid: '1.3.6.1.4.1.99999.42.1', critical: true, value: new Uint8Array([0x05, 0x00]) }] } }),
  },
  {
    id: 'bad-signature',
    title: 'Leaf whose signature does not verify',
    description: 'A leaf that names the trusted lab CA as issuer but whose signature is corrupt: only a client that never verifies signatures accepts it.',
    severity: 'critical',
    remediation: VALIDATE,
    references: ['RFC 5280 §6.1.3'],
    chain: (lab) => leaf(lab, lab.labCa, { corruptSignature: true }),
  },
  {
    id: 'nul-byte-cn',
    title: 'NUL byte in the common name',
    description: 'CN is "<host>\\0.attacker.invalid" and there is no SAN: a C string comparison sees the target name (CVE-2009-2408).',
    severity: 'critical',
    remediation: 'Compare names by length, never as C strings; prefer SAN dNSName matching (RFC 6125 §6.4.4).',
    references: ['RFC 6125 §6.4.4', 'CVE-2009-2408'],
    chain: (lab) => leaf(lab, lab.labCa, { names: [], subject: `${lab.host}\0.attacker.invalid` }),
  },
  {
    id: 'nul-byte-san',
    title: 'NUL byte in a subjectAltName dNSName',
    description: 'The SAN is "<host>\\0.attacker.invalid": the same attack on the SAN.',
    severity: 'critical',
    remediation: 'Compare names by length, never as C strings.',
    references: ['RFC 5280 §4.2.1.6', 'CVE-2009-2408'],
    chain: (lab) => leaf(lab, lab.labCa, { names: [`${lab.host}\0.attacker.invalid`], subject: 'mitmguard audit' }),
  },
  {
    id: 'cn-match-san-mismatch',
    title: 'Common name matches, subjectAltName does not',
    description: 'CN is the target but the SAN lists only another name; RFC 6125 §6.4.4 forbids falling back to the CN when a SAN is present.',
    severity: 'high',
    remediation: 'Match host names against subjectAltName only when it is present (RFC 6125 §6.4.4, RFC 9525 §6.3).',
    references: ['RFC 6125 §6.4.4', 'RFC 9525 §6.3'],
    chain: (lab) => leaf(lab, lab.labCa, { names: [OTHER_HOST], subject: lab.host }),
  },
  {
    id: 'sha1-signature',
    title: 'Leaf signed with SHA-1',
    description: 'SHA-1 certificate signatures are forgeable (chosen-prefix collisions, SHAttered/Shambles); trusted CAs stopped issuing them in 2016.',
    severity: 'medium',
    remediation: 'Reject SHA-1 certificate signatures (OpenSSL security level 1 or higher does).',
    references: ['RFC 9155', 'https://sha-mbles.github.io/'],
    chain: (lab) => leaf(lab, lab.labCa, { hash: 'sha1' }),
  },
  {
    id: 'md5-signature',
    title: 'Leaf signed with MD5',
    description: 'MD5 certificate signatures were forged against a real CA in 2008 (the rogue CA attack).',
    severity: 'high',
    remediation: 'Reject MD5 certificate signatures.',
    references: ['RFC 6151', 'https://www.win.tue.nl/hashclash/rogue-ca/'],
    chain: (lab) => leaf(lab, lab.labCa, { hash: 'md5' }),
  },
  {
    id: 'rsa-1024-key',
    title: 'Leaf with an RSA-1024 key',
    description: 'RSA-1024 is below every current minimum (NIST SP 800-131A, CA/B Forum 2048 bits).',
    severity: 'medium',
    remediation: 'Require RSA keys of at least 2048 bits (OpenSSL security level 2).',
    references: ['NIST SP 800-131A Rev. 2'],
    chain: (lab) => leaf(lab, lab.labCa, { key: cachedRsa(1024) }),
  },
  {
    id: 'rsa-512-key',
    title: 'Leaf with an RSA-512 key',
    description: 'RSA-512 keys are factored in hours on rented machines: the attacker derives the private key.',
    severity: 'high',
    remediation: 'Require RSA keys of at least 2048 bits.',
    references: ['NIST SP 800-131A Rev. 2'],
    chain: (lab) => leaf(lab, lab.labCa, { key: cachedRsa(512) }),
  },
  {
    id: 'name-constraint-violation',
    title: 'Leaf outside the intermediate\'s name constraints',
    description: 'The intermediate may only issue for permitted.mitmguard.invalid (RFC 5280 §4.2.1.10) yet issues for the target.',
    severity: 'high',
    remediation: 'Enforce nameConstraints during path validation (RFC 5280 §6.1.3 (b)).',
    references: ['RFC 5280 §4.2.1.10', 'RFC 5280 §6.1.3'],
    chain: (lab) => {
      const inter = intermediate(lab, 'mitmguard Audit Constrained Intermediate', { extensions: { nameConstraints: { permitted: [{ dns: 'permitted.mitmguard.invalid' }] } } });
      return leaf(lab, inter, {}, [inter]);
    },
  },
  {
    id: 'mimic-upstream',
    title: 'On-the-fly copy of the real certificate, signed by an untrusted CA of the same name',
    description: 'The forger copies the genuine certificate (subject, names, validity) and signs it with a CA whose name equals the trusted issuer\'s but whose key is the attacker\'s: what interception proxies mint.',
    severity: 'critical',
    remediation: VALIDATE,
    references: PATH,
    chain: (lab) => (lab.upstream ? mimicUpstream(lab, lab.upstream) : leaf(lab, lab.labCaTwin, {}, [lab.labCaTwin])),
    // With a real certificate to copy, every name gets the copy (that is the forgery); otherwise mint per name.
    mintIssuer: (lab) => (lab.upstream ? undefined : lab.labCaTwin),
  },
  {
    id: 'pin-mismatch',
    title: 'Valid certificate from the trusted CA with a different key (pinning test)',
    description: 'A perfectly valid certificate for the target, but not with the pinned key: only a client that pins the key (RFC 7469 §2.4 SPKI pin) refuses it. Run with --pin.',
    severity: 'high',
    remediation: 'When the client is meant to pin, compare the SPKI hash of the presented key with the pin after chain validation.',
    references: ['RFC 7469 §2.4'],
    requiresPin: true,
    chain: (lab) => leaf(lab, lab.labCa, { key: lab.otherKey }),
  },
];

/** The real certificate's subject, names, validity and serial, re-signed by the twin of its issuer. */
function mimicUpstream(lab: AuditLab, up: UpstreamTemplate): ServedChain {
  const cert = buildCertificate({
    subject: up.subject,
    issuer: lab.labCaTwin.name,
    subjectKey: lab.leafKey,
    signingKey: lab.labCaTwin.key,
    serial: up.serial,
    notBefore: up.notBefore,
    notAfter: up.notAfter,
    extensions: {
      basicConstraints: { ca: false },
      keyUsage: { usages: ['digitalSignature'] },
      extKeyUsage: { oids: [EKU.serverAuth] },
      ...(up.sans.length ? { subjectAltName: { entries: up.sans } } : {}),
      ...(lab.labCaTwin.cert.ski ? { authorityKeyIdentifier: lab.labCaTwin.cert.ski } : {}),
    },
  });
  return { certs: [cert, lab.labCaTwin.cert], key: lab.leafKey };
}

function cachedRsa(bits: number) {
  return cachedKeyPair({ type: 'rsa', bits }, 'audit-weak-leaf');
}

/** The certificate scenarios, and the baseline every rejection is measured against. */
export const CERTIFICATE_SCENARIOS: ScenarioDefinition[] = [
  {
    id: 'baseline',
    title: 'Baseline: valid certificate from the lab CA',
    description: 'A correct chain for the target from the CA the client was told to trust. The client must accept it, or no rejection proves anything.',
    pillar: 'certificates',
    severity: 'info',
    remediation: 'Make the client trust the lab CA file given as {ca}.',
    references: [],
    transport: 'tls',
    expect: 'accept',
    chain: (lab) => leaf(lab, lab.labCa),
    mintIssuer: (lab) => lab.labCa,
  },
  ...scenarios.map((s): ScenarioDefinition => ({ pillar: 'certificates', ...s, transport: 'tls', expect: 'reject' })),
];
