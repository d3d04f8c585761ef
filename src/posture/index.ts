/**
 * Endpoint posture beyond the handshake: protocol sniffing and plain-text findings, HTTP/HSTS/redirects/cookies,
 * and mutual-TLS requirement probes. See docs/posture.md.
 */
export * from './types.js';
export { probePosture, sniffService, probeStartTls, probePostgresPlain, probeMysqlPlain, probeRedisPlain, type PostureTarget, type PostureOptions, type PostureProtocol } from './probe.js';
export { classifyBanner, BANNER_RULES } from './sniff.js';
