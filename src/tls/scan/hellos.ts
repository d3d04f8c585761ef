/**
 * ClientHello templates per protocol version: the extensions a modern client sends, so that servers answer a probe
 * the way they answer real clients. Probes vary only what they test (suites, groups, ALPN, SCSV).
 */
import { randomBytes } from 'node:crypto';
import type { ClientHelloOptions } from '../wire/client-hello.js';
import { keyShareFor } from '../wire/key-shares.js';
import { NAMED_GROUPS, SIGNATURE_SCHEMES, VERSIONS, type VersionName } from '../wire/registry.js';
import { CIPHER_SUITES, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from '../wire/suites.js';

export const TLS13_SUITES = CIPHER_SUITES.filter((s) => s.tls13).map((s) => s.code);
/** Every registry suite valid for a TLS ≤ 1.2 version (TLS 1.2-only suites are not offered below TLS 1.2). */
export function legacySuitesFor(version: VersionName): number[] {
  return CIPHER_SUITES.filter((s) => !s.tls13 && s.code !== 0 && (version === 'TLSv1.2' || !s.tls12Only)).map((s) => s.code);
}

/** Groups for TLS 1.3 probes, and the EC groups for ECDHE in TLS ≤ 1.2 (RFC 8422 §5.1.1). */
export const ALL_GROUPS = NAMED_GROUPS.map((g) => g.code);
export const EC_GROUPS = NAMED_GROUPS.filter((g) => g.kind === 'ec' || g.kind === 'ecx').filter((g) => g.code < 0x1f).map((g) => g.code);
/** A short list real TLS 1.3 clients send, with key shares we can build (X25519, P-256) first. */
export const DEFAULT_TLS13_GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
const SIGALGS = Object.values(SIGNATURE_SCHEMES);

export interface HelloTemplateOptions {
  sni: string | null;
  suites: readonly number[];
  groups?: readonly number[];
  /** TLS 1.3 key shares: default X25519 and P-256; [] asks the server for a HelloRetryRequest. */
  keyShareGroups?: readonly number[];
  alpn?: readonly string[];
  statusRequest?: boolean;
  compression?: boolean;
  /** TLS 1.3 template: the supported_versions list (default TLS 1.3 alone); a browser-like hello lists 1.2 too. */
  supportedVersions?: readonly number[];
}

/** The ClientHello options for probing `version`. */
export function helloOptions(version: VersionName, o: HelloTemplateOptions): ClientHelloOptions {
  const sni = o.sni ? { serverName: o.sni } : {};
  const alpn = o.alpn ? { alpn: o.alpn } : {};
  if (version === 'TLSv1.3') {
    const shares = (o.keyShareGroups ?? [0x001d, 0x0017]).map(keyShareFor).filter((k) => k !== null);
    return {
      version: VERSIONS['TLSv1.2'],
      supportedVersions: o.supportedVersions ?? [VERSIONS['TLSv1.3']],
      cipherSuites: o.suites,
      groups: o.groups ?? DEFAULT_TLS13_GROUPS,
      keyShares: shares,
      signatureAlgorithms: SIGALGS,
      pskKeyExchangeModes: true,
      // RFC 8446 §D.4: middlebox compatibility mode sends a 32-byte legacy_session_id.
      sessionId: randomBytes(32),
      statusRequest: o.statusRequest ?? false,
      padding: true,
      ...sni,
      ...alpn,
    };
  }
  if (version === 'SSLv3') {
    // SSLv3 predates extensions (RFC 6101); the SCSV stands in for renegotiation_info (RFC 5746 §3.3).
    return { version: VERSIONS.SSLv3, cipherSuites: [...o.suites, TLS_EMPTY_RENEGOTIATION_INFO_SCSV], noExtensions: true };
  }
  return {
    version: VERSIONS[version],
    cipherSuites: o.suites,
    groups: o.groups ?? EC_GROUPS,
    ecPointFormats: true,
    // RFC 5246 §7.4.1.4.1: signature_algorithms exists from TLS 1.2 on.
    ...(version === 'TLSv1.2' ? { signatureAlgorithms: SIGALGS } : {}),
    renegotiationInfo: true,
    extendedMasterSecret: true,
    sessionTicket: true,
    statusRequest: o.statusRequest ?? false,
    // RFC 3749 DEFLATE (1) before null (0): a server that picks it is open to CRIME.
    compressionMethods: o.compression ? [1, 0] : [0],
    padding: true,
    ...sni,
    ...alpn,
  };
}
