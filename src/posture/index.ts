/**
 * Endpoint posture beyond the handshake: protocol sniffing and plain-text findings, HTTP/HSTS/redirects/cookies,
 * and mutual-TLS requirement probes. See docs/posture.md.
 */
export * from './types.js';
export { probePosture, sniffService, probeStartTls, probePostgresPlain, probeMysqlPlain, probeRedisPlain, type PostureTarget, type PostureOptions, type PostureProtocol } from './probe.js';
export { classifyBanner, BANNER_RULES } from './sniff.js';
export { probeHttp, MAX_REDIRECTS, REDIRECT_POLICIES, type HttpObservation, type HttpHop, type HttpTarget, type HttpOptions, type RedirectPolicy } from './http.js';
export { parseHsts, preloadBlockers, HSTS_MIN_MAX_AGE, type HstsPolicy } from './hsts.js';
export { parseSetCookie, type CookieFact } from './cookies.js';
export { findMixedContent, type MixedContentHint } from './mixed-content.js';
export { probeMtls, attemptHandshake, readCertificateRequest, untrustedClientCertificate, type MtlsObservation, type MtlsTarget, type MtlsOptions, type HandshakeAttempt } from './mtls.js';
export { parseCertificateRequest, CertificateRequestReader, type CertificateRequestFacts } from '../tls/wire/certificate-request.js';
