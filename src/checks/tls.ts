/**
 * TLS protocol and cipher checks: pure functions over the facts a scan observed (src/model/tls.ts TlsFacts).
 * Each says what a man in the middle could do with the weakness it finds.
 */
import type { TlsFacts, ProtocolName } from '../model/index.js';
import { suiteByName, type CipherSuite } from '../tls/wire/suites.js';
import { groupByCode, NAMED_GROUPS } from '../tls/wire/registry.js';
import { defineCheck } from './registry.js';
import type { CheckHit } from './types.js';

declare module './types.js' {
  interface ObservationMap {
    /** What `mitmguard scan` saw on one TLS endpoint. */
    tls: TlsFacts;
  }
}

const MOZILLA = 'https://wiki.mozilla.org/Security/Server_Side_TLS';

/** Every (version, suite) accepted, with the registry entry when known. */
function acceptedSuites(facts: TlsFacts): Array<{ version: ProtocolName; name: string; suite: CipherSuite | undefined }> {
  const out: Array<{ version: ProtocolName; name: string; suite: CipherSuite | undefined }> = [];
  for (const [version, names] of Object.entries(facts.cipherSuites) as Array<[ProtocolName, string[]]>) {
    for (const name of names) out.push({ version, name, suite: suiteByName(name) });
  }
  return out;
}

/** `NAME (confirmed: true|false)` when the scan tried to confirm the suite with a completed handshake. */
function withConfirmation(facts: TlsFacts, version: ProtocolName, name: string): string {
  const c = facts.suiteConfirmation?.find((x) => x.version === version && x.suite === name);
  return c ? `${name} (confirmed: ${c.confirmed})` : name;
}

/** One hit listing every accepted suite that matches, grouped by version, or nothing. */
function suitesMatching(facts: TlsFacts, match: (s: CipherSuite) => boolean): CheckHit | null {
  const hits = acceptedSuites(facts).filter((x) => x.suite && match(x.suite));
  if (hits.length === 0) return null;
  const byVersion = new Map<string, string[]>();
  for (const h of hits) byVersion.set(h.version, [...(byVersion.get(h.version) ?? []), withConfirmation(facts, h.version, h.name)]);
  const evidence = [...byVersion].map(([v, names]) => `${v}: ${names.join(', ')}`).join('; ');
  // A ServerHello-only scanner cannot tell a real server from one that names any offered suite; say which this is.
  const unconfirmed = hits.some((h) => facts.suiteConfirmation?.some((c) => c.version === h.version && c.suite === h.name && !c.confirmed));
  return { evidence: unconfirmed ? `${evidence} — confirmed: false means only a ServerHello named the suite, no handshake completed with it` : evidence };
}

const hex = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

function protocolCheck(version: ProtocolName, id: string, severity: 'critical' | 'high' | 'medium', why: string, refs: string[]) {
  return defineCheck({
    id,
    source: 'tls',
    pillar: 'encryption',
    severity,
    title: `${version} is enabled`,
    description: `The server accepts ${version}. ${why}`,
    remediation: `Disable ${version}; accept TLS 1.2 and TLS 1.3 only.`,
    references: refs,
    evaluate: (f) => f.protocols[version] && { evidence: `the server completed a ${version} ServerHello` },
  });
}

export const tlsChecks = [
  protocolCheck('SSLv2', 'tls.protocol.sslv2-enabled', 'critical', 'SSLv2 is broken (DROWN): an attacker can decrypt recorded sessions, even TLS ones sharing the key.', ['RFC 6176', 'https://drownattack.com/']),
  protocolCheck('SSLv3', 'tls.protocol.sslv3-enabled', 'critical', 'SSLv3 CBC padding is open to POODLE: a man in the middle decrypts cookies byte by byte.', ['RFC 7568']),
  protocolCheck('TLSv1.0', 'tls.protocol.tls10-enabled', 'medium', 'TLS 1.0 is deprecated (BEAST, SHA-1/MD5 PRF) and lets an attacker downgrade capable clients.', ['RFC 8996']),
  protocolCheck('TLSv1.1', 'tls.protocol.tls11-enabled', 'medium', 'TLS 1.1 is deprecated and lacks modern AEAD cipher suites.', ['RFC 8996']),
  defineCheck({
    id: 'tls.protocol.tls13-missing',
    source: 'tls',
    pillar: 'encryption',
    severity: 'low',
    title: 'TLS 1.3 is not supported',
    description: 'The server does not accept TLS 1.3, whose handshake encrypts the certificate and removes every non-forward-secret and CBC suite.',
    remediation: 'Enable TLS 1.3 (OpenSSL ≥ 1.1.1, nginx `ssl_protocols TLSv1.2 TLSv1.3`).',
    references: ['RFC 8446'],
    // Only for a server that speaks the TLS record protocol at all: an SSLv2-only one raises its own critical finding.
    evaluate: (f) =>
      !f.protocols['TLSv1.3'] && (f.protocols.SSLv3 || f.protocols['TLSv1.0'] || f.protocols['TLSv1.1'] || f.protocols['TLSv1.2']) && { evidence: 'no TLS 1.3 ServerHello to a TLS 1.3 ClientHello' },
  }),
  defineCheck({
    id: 'tls.downgrade.detected',
    source: 'tls',
    pillar: 'encryption',
    severity: 'critical',
    title: 'An active protocol downgrade was detected',
    description:
      'The ServerHello negotiated an older version than offered, and its random ends in the RFC 8446 §4.1.3 downgrade sentinel (DOWNGRD\\x01 or DOWNGRD\\x00): the server itself speaks the newer version, so something on the path rewrote the ClientHello. A TLS 1.3 client aborts such a handshake; older clients are pushed to the weaker version.',
    remediation: 'Find the device between the scanner and the server that rewrites TLS handshakes (a TLS-terminating middlebox, an interception proxy, or an attacker) and remove it or upgrade it to pass TLS 1.3 through.',
    references: ['RFC 8446 §4.1.3'],
    evaluate: (f) => {
      const d = f.downgrades ?? [];
      if (d.length === 0) return null;
      return {
        evidence: d
          .map((x) => `${x.probe} probe (offered up to ${hex(x.offered)}) got a ${hex(x.negotiated)} ServerHello whose random ends in DOWNGRD\\x${x.sentinel === 'tls12' ? '01' : '00'}`)
          .join('; '),
      };
    },
  }),
  defineCheck({
    id: 'tls.cipher.null',
    source: 'tls',
    pillar: 'encryption',
    severity: 'critical',
    title: 'NULL cipher suites accepted',
    description: 'A NULL suite authenticates records but does not encrypt them: anyone on the path reads the traffic.',
    remediation: 'Remove eNULL suites from the server configuration.',
    references: ['RFC 5246 §A.5', MOZILLA],
    evaluate: (f) => suitesMatching(f, (s) => s.cipher === 'NULL'),
  }),
  defineCheck({
    id: 'tls.cipher.anonymous',
    source: 'tls',
    pillar: 'encryption',
    severity: 'critical',
    title: 'Anonymous cipher suites accepted',
    description: 'Anonymous (aNULL) suites skip server authentication: a man in the middle simply answers in the server\'s place.',
    remediation: 'Remove aNULL suites (ADH, AECDH) from the server configuration.',
    references: ['RFC 5246 §F.1.1.1', MOZILLA],
    evaluate: (f) => suitesMatching(f, (s) => s.au === 'anon' && s.cipher !== 'NULL'),
  }),
  defineCheck({
    id: 'tls.cipher.export',
    source: 'tls',
    pillar: 'encryption',
    severity: 'critical',
    title: 'EXPORT cipher suites accepted',
    description: 'Export-grade suites use 40–56-bit keys or 512-bit RSA/DH (FREAK, Logjam): a man in the middle breaks them live.',
    remediation: 'Remove EXPORT suites from the server configuration.',
    references: ['https://freakattack.com/', 'https://weakdh.org/'],
    evaluate: (f) => suitesMatching(f, (s) => s.export),
  }),
  defineCheck({
    id: 'tls.cipher.rc4',
    source: 'tls',
    pillar: 'encryption',
    severity: 'high',
    title: 'RC4 cipher suites accepted',
    description: 'RC4 keystream biases let an attacker recover plaintext such as cookies from repeated encryptions.',
    remediation: 'Remove RC4 suites.',
    references: ['RFC 7465'],
    evaluate: (f) => suitesMatching(f, (s) => s.cipher.startsWith('RC4')),
  }),
  defineCheck({
    id: 'tls.cipher.des',
    source: 'tls',
    pillar: 'encryption',
    severity: 'high',
    title: 'Single-DES cipher suites accepted',
    description: 'Single DES has a 56-bit key, searchable exhaustively by commodity hardware.',
    remediation: 'Remove DES suites.',
    references: ['RFC 5469'],
    evaluate: (f) => suitesMatching(f, (s) => s.cipher.startsWith('DES') && !s.export),
  }),
  defineCheck({
    id: 'tls.cipher.3des',
    source: 'tls',
    pillar: 'encryption',
    severity: 'medium',
    title: '3DES cipher suites accepted',
    description: '3DES has a 64-bit block: long connections leak plaintext through birthday collisions (Sweet32).',
    remediation: 'Remove 3DES (DES-CBC3) suites.',
    references: ['https://sweet32.info/', 'RFC 8996'],
    evaluate: (f) => suitesMatching(f, (s) => s.cipher === '3DES_EDE_CBC'),
  }),
  defineCheck({
    id: 'tls.cipher.cbc',
    source: 'tls',
    pillar: 'encryption',
    severity: 'low',
    title: 'CBC-mode cipher suites accepted',
    description: 'MAC-then-encrypt CBC suites have a long history of padding-oracle attacks (Lucky13); AEAD suites do not.',
    remediation: 'Prefer AEAD suites (AES-GCM, ChaCha20-Poly1305); drop CBC suites where clients allow.',
    references: ['RFC 7457 §2.4', MOZILLA],
    evaluate: (f) => suitesMatching(f, (s) => s.mode === 'cbc' && !s.export && !s.cipher.startsWith('DES') && s.cipher !== '3DES_EDE_CBC'),
  }),
  defineCheck({
    id: 'tls.cipher.no-forward-secrecy',
    source: 'tls',
    pillar: 'encryption',
    severity: 'medium',
    title: 'Suites without forward secrecy accepted',
    description: 'With static RSA or DH key exchange, whoever obtains the server key later decrypts every recorded session.',
    remediation: 'Accept only ECDHE/DHE suites (TLS 1.2) and TLS 1.3.',
    references: ['RFC 7525 §6.3', MOZILLA],
    evaluate: (f) => suitesMatching(f, (s) => !s.forwardSecret && !s.anonymous && s.cipher !== 'NULL' && !s.export),
  }),
  defineCheck({
    id: 'tls.kex.weak-dh',
    source: 'tls',
    pillar: 'encryption',
    severity: 'high',
    title: 'Weak Diffie-Hellman parameters',
    description: 'A DH prime under 2048 bits is within reach of precomputation (Logjam); under 1024 bits it is broken.',
    remediation: 'Use DH primes of at least 2048 bits (RFC 7919 ffdhe2048+), or drop DHE for ECDHE.',
    references: ['https://weakdh.org/', 'RFC 7919'],
    evaluate: (f) =>
      typeof f.dhBits === 'number' && f.dhBits < 2048
        ? { evidence: `DHE ServerKeyExchange with a ${f.dhBits}-bit prime`, ...(f.dhBits < 1024 ? { severity: 'critical' as const } : {}) }
        : null,
  }),
  defineCheck({
    id: 'tls.kex.weak-group',
    source: 'tls',
    pillar: 'encryption',
    severity: 'medium',
    title: 'Weak key exchange groups accepted',
    description: 'Curves below 128-bit security (secp192r1, secp224r1) give a key exchange weaker than the cipher it protects.',
    remediation: 'Offer only x25519, secp256r1, secp384r1 (and stronger) groups.',
    references: ['RFC 8422 §5.1.1', 'RFC 8446 §4.2.7'],
    evaluate: (f) => {
      const weak = f.groups.filter((name) => {
        const g = NAMED_GROUPS.find((x) => x.name === name);
        return g !== undefined && (g.kind === 'ec' || g.kind === 'ecx') && groupByCode(g.code)!.bits < 128;
      });
      return weak.length > 0 && { evidence: `accepted: ${weak.join(', ')}` };
    },
  }),
  defineCheck({
    id: 'tls.cipher.no-server-preference',
    source: 'tls',
    pillar: 'encryption',
    severity: 'low',
    title: 'The server follows the client\'s cipher order',
    description: 'Without server preference, a client (or an attacker rewriting its offer before the Finished check) decides which of the accepted suites is used; weak suites then get picked.',
    remediation: 'Enable server cipher preference (nginx `ssl_prefer_server_ciphers on`, OpenSSL `ServerPreference`).',
    references: [MOZILLA],
    evaluate: (f) => {
      const versions = (Object.entries(f.serverPreference) as Array<[ProtocolName, boolean | null]>).filter(([v, p]) => p === false && v !== 'TLSv1.3');
      return versions.length > 0 && { evidence: `client order for ${versions.map(([v]) => v).join(', ')}` };
    },
  }),
  defineCheck({
    id: 'tls.renegotiation.insecure',
    source: 'tls',
    pillar: 'encryption',
    severity: 'high',
    title: 'Secure renegotiation is not supported',
    description: 'Without RFC 5746 renegotiation_info, a man in the middle can splice his own request in front of the client\'s session.',
    remediation: 'Upgrade the TLS library; every maintained one supports RFC 5746.',
    references: ['RFC 5746'],
    evaluate: (f) => f.secureRenegotiation === false && { evidence: 'no renegotiation_info in the ServerHello' },
  }),
  defineCheck({
    id: 'tls.fallback-scsv.missing',
    source: 'tls',
    pillar: 'encryption',
    severity: 'low',
    title: 'TLS_FALLBACK_SCSV is not honoured',
    description: 'The server accepts a downgraded hello marked as a fallback, so an attacker who breaks the first handshake can push clients that retry to an older version.',
    remediation: 'Upgrade the TLS library, or disable every version below the best one.',
    references: ['RFC 7507'],
    evaluate: (f) => f.fallbackScsv === false && { evidence: 'a fallback hello with TLS_FALLBACK_SCSV got a ServerHello instead of inappropriate_fallback' },
  }),
  defineCheck({
    id: 'tls.compression.enabled',
    source: 'tls',
    pillar: 'encryption',
    severity: 'high',
    title: 'TLS compression is enabled',
    description: 'Compressing secrets together with attacker-chosen data leaks them through record lengths (CRIME).',
    remediation: 'Disable TLS-level compression.',
    references: ['RFC 7457 §2.6'],
    evaluate: (f) => f.compression === true && { evidence: 'the server chose DEFLATE compression' },
  }),
];
