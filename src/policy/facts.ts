/**
 * Facts policy and grades read from a target report. The scan document grows as areas land; this module is the one
 * place that knows where each fact lives, so grading rules stay pure and small. Optional facts absent from the
 * document read as `null` (unknown), never as "bad".
 */
import type { CertificateFacts, ProtocolName, TargetReport } from '../model/index.js';
import { PROTOCOL_NAMES } from '../model/index.js';
import { spkiPin as certificatePin } from '../x509/analysis.js';
import { parseCertificates } from '../x509/certificate.js';
import { parseIp, type GeneralName } from '../x509/general-name.js';
import { matchesIdentity, referenceIdentity } from '../x509/hostname.js';
import { suiteTraits, type SuiteTraits } from './suites.js';

export interface HstsFacts {
  maxAge: number;
  includeSubDomains: boolean;
  preload: boolean;
}

export type ClientAuthMode = 'none' | 'requested' | 'required';

export interface DerivedFacts {
  target: string;
  host: string;
  /** The connection carries no TLS at all (plain HTTP or a plaintext service). */
  plaintext: boolean;
  /** TLS was negotiated and facts were recorded. */
  tls: boolean;
  protocols: ProtocolName[];
  suites: SuiteTraits[];
  groups: string[];
  leaf: CertificateFacts | null;
  chain: CertificateFacts[];
  ocspStapled: boolean;
  compression: boolean | null;
  secureRenegotiation: boolean | null;
  fallbackScsv: boolean | null;
  hsts: HstsFacts | null | undefined;
  /** A plaintext HTTP answer that redirects to https:// (the first request still travels in the clear). */
  redirectsToHttps: boolean;
  clientAuth: ClientAuthMode | null;
  starttls: boolean | null;
  /** The scan's DNS step ran for this target (a resolver was given and the target is a name): the network pillar was assessed. */
  dnsAssessed: boolean;
  /** A client target whose certificate validation was judged by the client audit (it plays forged servers at it). */
  clientAudited: boolean;
}

type Loose = Record<string, unknown>;
const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Loose)[k] : undefined), o);

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const PLAINTEXT_SCHEMES = new Set(['http', 'ftp', 'smtp-plain', 'plain', 'tcp']);

/** HSTS as the HTTPS answer sent it (src/posture probeHttp); undefined when the scan did not look at HTTP. */
function readHsts(report: TargetReport): HstsFacts | null | undefined {
  const https = report.http?.https;
  if (!report.http || !https || https.status === null) return undefined;
  const p = https.policy;
  if (!p) return null;
  // RFC 6797 §8.1: a UA ignores an invalid header entirely.
  return p.valid && p.maxAge !== null ? { maxAge: p.maxAge, includeSubDomains: p.includeSubDomains, preload: p.preload } : null;
}

/**
 * Client-certificate mode from the mTLS probe (src/posture/mtls.ts), which knows "required"; without it, the
 * scanner's `clientCertificateRequested` (no CertificateRequest seen on TLS ≤ 1.2) can only say "none".
 */
function readClientAuth(report: TargetReport): ClientAuthMode | null {
  const m = report.mtls;
  if (m && !m.error) {
    if (m.required === true) return 'required';
    if (m.requested === true) return 'requested';
    if (m.requested === false) return 'none';
  }
  if (report.tls?.clientCertificateRequested === false) return 'none';
  return null;
}

/** The first plain-HTTP answer redirects to https:// (the first request still travelled in the clear). */
function redirectsToHttps(report: TargetReport): boolean {
  const first = report.http?.httpChain[0];
  return Boolean(first?.location && /^https:\/\//i.test(new URL(first.location, first.url).href));
}

/** Facts of one target, read defensively from the scan document. */
export function deriveFacts(report: TargetReport): DerivedFacts {
  const tls = report.tls;
  const scheme = SCHEME.exec(report.target)?.[1]?.toLowerCase();
  // Plain text: the posture probe found a service that is not encrypted, a plain-text scheme answered, or a STARTTLS
  // service spoke its protocol in the clear and then did not upgrade.
  const plaintext =
    // A "banner" verdict with no banner means nothing answered: that is not evidence of plain text.
    (!tls && report.posture?.service?.encrypted === false && !(report.posture.service.via === 'banner' && report.posture.service.banner == null)) ||
    (report.ok && !tls && scheme !== undefined && PLAINTEXT_SCHEMES.has(scheme)) ||
    (!tls && report.error?.code === 'MG_ERR_STARTTLS');
  const suites = tls ? [...new Set(Object.values(tls.cipherSuites).flat())].filter((s): s is string => typeof s === 'string').map(suiteTraits) : [];
  const starttlsFlag = get(report, 'starttls');
  return {
    target: report.target,
    host: report.sni ?? report.host,
    plaintext,
    tls: Boolean(tls),
    protocols: tls ? PROTOCOL_NAMES.filter((p) => tls.protocols[p]) : [],
    suites,
    groups: tls?.groups ?? [],
    leaf: tls?.certificates[0] ?? null,
    chain: tls?.certificates ?? [],
    ocspStapled: tls?.ocspStapled ?? false,
    compression: tls?.compression ?? null,
    secureRenegotiation: tls?.secureRenegotiation ?? null,
    fallbackScsv: tls?.fallbackScsv ?? null,
    // HSTS sent over plain HTTP is ignored by browsers (RFC 6797 §8.1): only a TLS answer's header counts.
    hsts: plaintext ? undefined : readHsts(report),
    redirectsToHttps: plaintext && redirectsToHttps(report),
    clientAuth: readClientAuth(report),
    // A step that failed outright assessed nothing; an INDETERMINATE verdict is an assessment (with its finding).
    dnsAssessed: Boolean(get(report, 'dns', 'name')),
    clientAudited: Boolean(report.ok && get(report, 'clientAudit')),
    // The scanner records the STARTTLS protocol it ran (a string), null when TLS started at once; absent: unknown.
    // It ran *and* upgraded only when TLS facts followed.
    starttls: typeof starttlsFlag === 'boolean' ? starttlsFlag : typeof starttlsFlag === 'string' ? Boolean(tls) : starttlsFlag === null ? false : null,
  };
}

/**
 * The pin of the certificate's SubjectPublicKeyInfo in the one pin syntax (`sha256//<base64>`, src/x509/pin.ts), or
 * null when the PEM does not parse.
 */
export function spkiPin(pem: string): string | null {
  try {
    const [cert] = parseCertificates(pem);
    return cert ? certificatePin(cert) : null;
  } catch {
    return null;
  }
}

/** Normalised hash name of a signature algorithm label (`sha1WithRSAEncryption`, `ecdsa-with-SHA256`, `RSA-SHA1`). */
export function signatureHash(alg: string): string | null {
  const m = /(md5|sha-?1|sha-?224|sha-?256|sha-?384|sha-?512)/i.exec(alg);
  return m ? m[1]!.toLowerCase().replace('-', '') : null;
}

/** Lifetime and remaining validity in days at `now`. */
export function validityDays(cert: CertificateFacts, now: Date): { lifetime: number; remaining: number; notYetValid: boolean } {
  const DAY = 86_400_000;
  const from = Date.parse(cert.notBefore);
  const to = Date.parse(cert.notAfter);
  return { lifetime: Math.round((to - from) / DAY), remaining: Math.floor((to - now.getTime()) / DAY), notYetValid: from > now.getTime() };
}

/** A SAN as the scan document records it (`a.test`, `127.0.0.1`, or with node's `DNS:` / `IP Address:` prefix). */
function generalNameOf(raw: string): GeneralName | undefined {
  const m = /^(DNS|IP Address|IP):(.*)$/i.exec(raw.trim());
  const kind = m?.[1]!.toUpperCase();
  const text = (m ? m[2]! : raw).trim();
  const ip = kind === 'DNS' ? undefined : parseIp(text);
  if (ip) return { type: 'ip', text, bytes: ip };
  return kind === undefined || kind === 'DNS' ? { type: 'dns', text: text.replace(/\.$/, ''), bytes: new Uint8Array() } : undefined;
}

/** Does a SAN name the host? src/x509's RFC 6125/9525 matching (strict wildcards, no CN, IPs byte for byte). */
export function nameMatches(host: string, sans: readonly string[]): boolean {
  const ref = referenceIdentity(host);
  return ref !== undefined && matchesIdentity(sans.map(generalNameOf).filter((n): n is GeneralName => n !== undefined), ref);
}
