/**
 * What a scan learns about a target beyond the TLS probes, each from the area that owns it:
 * the presented chain judged by the strict validator (src/x509), the service's posture when TLS did not start at once
 * (STARTTLS refused, plain text; src/posture), HTTP/HSTS/redirects for web targets, the client-certificate requirement
 * (mutual authentication), and, when a resolver is given, the name's DNSSEC/CAA/TLSA status (src/dns).
 * Every probe here records its own failures; none throws past the scan.
 */
import type { CheckRegistry } from '../checks/registry.js';
import { checksFor } from '../checks/areas.js';
import type { Finding } from '../model/index.js';
import { probeHttp, probeMtls, probePosture, type HttpObservation, type MtlsObservation, type PostureObservation } from '../posture/index.js';
import type { PostureProtocol } from '../posture/probe.js';
import { assessServerChain, type ChainAssessment } from '../x509/assess.js';
import { decodePem } from '../x509/pem.js';
import type { TrustStore } from '../x509/trust-store.js';
import { nodeTrustStore } from '../x509/trust-store-files.js';
import { connectHost, type ParsedTarget } from './target.js';
import type { TlsFacts } from '../model/index.js';

/** The observation kinds these probes produce: their checks are loaded from the registry's areas on first use. */
export const BEYOND_HANDSHAKE_KINDS = ['certificate-chain', 'posture', 'starttls', 'http', 'mtls'] as const;

export interface BeyondHandshakeOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** Why the TLS scan failed, if it did: a STARTTLS dialogue that already timed out is not waited for a second time. */
  scanError?: { code: string; message: string } | null;
  /** Trust anchors added to Node's bundled roots (`--ca`). */
  extraAnchors?: TrustStore;
  /** Replace Node's bundled roots as the base store (tests, private PKIs). */
  anchors?: TrustStore;
  /** When to probe the client-certificate requirement: `auto` when the server asked for one, `always`, `never`. */
  mtls?: 'auto' | 'always' | 'never';
  /** Plain-HTTP port whose redirect chain to follow for a web target; default 80 for https on 443, else none. */
  httpPort?: number | null;
  /** Which HTTP redirects to follow (src/posture/http.ts); default `same-host`. */
  redirects?: import('../posture/http.js').RedirectPolicy;
  /**
   * Resolver settings for DNS checks of the target's name; absent: no DNS checks. `caIds` names the CAA issuer
   * domains of CAs the built-in table does not know (a private CA), as `dns caa --caa-id` does.
   */
  dns?: import('../dns/query-validated.js').QueryValidatedOptions & { caIds?: { match: string; domains: string[] }[] };
  /** The checks to run; default the registry's areas for BEYOND_HANDSHAKE_KINDS. */
  checks?: CheckRegistry;
}

export interface BeyondHandshake {
  certificateValidation: ChainAssessment | null;
  posture: PostureObservation | null;
  http: HttpObservation | null;
  mtls: MtlsObservation | null;
  dns: import('../dns/index.js').TargetDnsAssessment | import('../dns/index.js').DnsStepFailure | null;
  findings: Finding[];
}

/** The posture of an http:// target as its first plain-HTTP answer shows it. */
function postureFromHttp(target: ParsedTarget, http: HttpObservation): PostureObservation {
  const first = http.httpChain[0];
  const answered = first !== undefined && first.status !== null;
  return {
    target: target.input, host: target.host, port: target.port, starttls: null, postgres: null, mysql: null, redis: null,
    service: answered ? { protocol: 'http', encrypted: false, via: 'http-request', banner: `HTTP ${first.status}` } : null,
    error: answered ? null : (first?.error ?? { code: 'MG_ERR_PROTOCOL', message: 'no HTTP answer' }),
  };
}

const isWeb = (t: ParsedTarget) => t.scheme === 'https' || (t.scheme === null && t.starttls === null && t.port === 443);

/**
 * Run the probes that follow the TLS scan of one target. `tls` is null when the TLS scan failed.
 *
 * @example
 * const extra = await probeBeyondHandshake(parsed, report.tls, { timeoutMs: 5000, signal });
 */
export async function probeBeyondHandshake(target: ParsedTarget, tls: TlsFacts | null, options: BeyondHandshakeOptions): Promise<BeyondHandshake> {
  const checks = options.checks ?? (await checksFor(...BEYOND_HANDSHAKE_KINDS));
  const name = target.sni ?? target.host;
  // Where to connect: the host, or the address `--resolve` / an inventory `address:` gave for it.
  const host = connectHost(target);
  const out: BeyondHandshake = { certificateValidation: null, posture: null, http: null, mtls: null, dns: null, findings: [] };
  const { timeoutMs, signal } = options;

  if (tls && tls.certificates.length) {
    const presented = tls.certificates.flatMap((c) => decodePem(c.pem, 'CERTIFICATE').map((b) => b.der));
    out.certificateValidation = assessServerChain(presented, {
      host: name,
      anchors: options.anchors ?? nodeTrustStore(),
      ...(options.extraAnchors ? { extraAnchors: options.extraAnchors } : {}),
    });
    out.findings.push(...checks.run('certificate-chain', out.certificateValidation, target.input));
  }

  // The steps are independent of each other, so they run side by side under the target's one deadline (`signal`):
  // a silent endpoint costs one timeout per step, not the sum. Findings keep a fixed order whatever finishes first.
  const plainScheme = target.plaintext;
  const steps: Array<Promise<void>> = [];
  const findingsOf: Finding[][] = [];
  const step = (run: () => Promise<Finding[]>) => {
    const slot = findingsOf.push([]) - 1;
    steps.push(run().then((f) => void (findingsOf[slot] = f)));
  };

  if ((tls && isWeb(target)) || plainScheme === 'http') {
    step(async () => {
      const httpPort = plainScheme === 'http' ? target.port : options.httpPort !== undefined ? options.httpPort : target.port === 443 ? 80 : null;
      out.http = await probeHttp(
        { target: target.input, host, name, httpsPort: plainScheme === 'http' ? null : target.port, httpPort },
        { timeoutMs, signal, ...(options.redirects ? { redirects: options.redirects } : {}) },
      );
      const found = checks.run('http', out.http, target.input);
      // For http:// the HTTP probe's first answer already says what speaks there: one request per target, not two.
      if (plainScheme === 'http') {
        out.posture = postureFromHttp(target, out.http);
        found.push(...checks.run('posture', out.posture, target.input));
      }
      return found;
    });
  }

  // Posture: a STARTTLS target (was the upgrade offered? AUTH before it?), a plain-text scheme, or a target without a
  // scheme whose TLS scan failed (what speaks there, and is it encrypted?).
  // A STARTTLS target whose TLS scan timed out ran this dialogue and waited the whole --timeout for the server; the
  // posture probe would run the same dialogue and wait as long again, learning nothing.
  const startTlsTimedOut = Boolean(target.starttls) && options.scanError?.code === 'MG_ERR_TIMEOUT';
  if (plainScheme !== 'http' && !startTlsTimedOut && (target.starttls || plainScheme || (!tls && target.scheme === null))) {
    step(async () => {
      const protocol: PostureProtocol | null = target.starttls ?? (plainScheme === 'redis' ? 'redis' : null);
      out.posture = await probePosture({ target: target.input, host, port: target.port, name, protocol }, { timeoutMs, signal });
      const found = checks.run('posture', out.posture, target.input);
      if (out.posture.starttls) found.push(...checks.run('starttls', out.posture.starttls, target.input));
      return found;
    });
  }

  const mtls = options.mtls ?? 'auto';
  if (tls && (mtls === 'always' || (mtls === 'auto' && tls.clientCertificateRequested === true))) {
    step(async () => {
      out.mtls = await probeMtls(
        { target: target.input, host, port: target.port, name, starttls: target.starttls },
        { timeoutMs, signal, http: target.starttls === null && (target.scheme === null || target.scheme === 'https') },
      );
      return checks.run('mtls', out.mtls, target.input);
    });
  }

  if (options.dns) {
    const dns = options.dns;
    step(async () => {
      const { assessTargetDns, failedDnsAssessment } = await import('../dns/index.js');
      // A failed step is an observation with its code, never "not asked" (null is for IP targets, which have no name).
      out.dns = await assessTargetDns(target.host, target.port, { ...dns, target: target.input, connect: { host, port: target.port } }).catch(failedDnsAssessment);
      return out.dns?.findings ?? [];
    });
  }
  await Promise.all(steps);
  for (const f of findingsOf) out.findings.push(...f);
  return out;
}
