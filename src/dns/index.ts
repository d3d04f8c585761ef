/**
 * The DNS area's public surface: the client, the validator, the probes and one helper the scanner can call per
 * target. See docs/dns.md.
 */
import { checksFor } from '../checks/areas.js';
import { errorInfo, type ErrorInfo, type Finding } from '../model/index.js';
import type { MitmErrorCode } from '../errors.js';
import type { QueryValidatedOptions } from './query-validated.js';
import { isIP } from 'node:net';
import { probeCaa, probeName, probeTlsa } from './probe.js';
import type { DnsCaaObservation, DnsNameObservation, DnsTlsaObservation } from './observations.js';
import { RR_TYPES } from './types.js';

export { query, parseServer, formatServer, type ServerAddress, type QueryResult, type QueryAnomaly } from './client.js';
export { decodeMessage, type DnsMessage, type DnsRecord } from './message.js';
export { encodeMessage } from './encode.js';
export { queryValidated, type QueryValidatedOptions } from './query-validated.js';
export { Validator, type DnssecResult, type ChainLink } from './dnssec/validator.js';
export { builtInRootAnchor, parseAnchors, type TrustAnchor } from './dnssec/anchors.js';
export { loadAnchorFile } from './anchor-file.js';
export { DNSSEC_VERDICTS, type DnssecVerdict } from './dnssec/reasons.js';
export { buildServerMap, serverFor, type ServerMap } from './servers.js';
export { compareResolvers, type ResolverComparison } from './spoof.js';
export { probeName, probeCaa, probeTlsa, probeMail } from './probe.js';
export { watchNames, type WatchAlert } from './watch.js';
export { RR_TYPES, typeName, typeNumber } from './types.js';
export type * from './observations.js';

export interface TargetDnsAssessment {
  name: DnsNameObservation;
  caa: DnsCaaObservation;
  tlsa: DnsTlsaObservation;
  findings: Finding[];
  /**
   * Why the name could not be assessed: no resolver or authority answered, or DNSSEC could not be decided (the name's
   * verdict is INDETERMINATE). Null when the verdict is SECURE, INSECURE or BOGUS. Absent in older documents.
   */
  error?: ErrorInfo | null;
}

/** The DNS step of a target that failed outright, before any probe could answer: its error, no findings. */
export interface DnsStepFailure {
  error: ErrorInfo;
  findings: [];
}

/** RFC 8914 info codes of an INDETERMINATE verdict that mean "nobody answered", as our codes; any other is DNSSEC's. */
const INDETERMINATE_CODES: Partial<Record<number, MitmErrorCode>> = { 22: 'MG_ERR_TIMEOUT', 23: 'MG_ERR_CONNECT' };

/** The error of an INDETERMINATE name verdict, in the one error shape; null for any other verdict. */
export function indeterminateError(name: DnsNameObservation): ErrorInfo | null {
  const v = name.validation;
  if (v.verdict !== 'INDETERMINATE' || !v.reason) return null;
  return { code: INDETERMINATE_CODES[v.reason.ede] ?? 'MG_ERR_DNSSEC', message: `DNS step could not assess ${name.name}: ${v.reason.text}` };
}

/** The DNS step of a target that failed before it could assess anything. */
export function failedDnsAssessment(err: unknown): DnsStepFailure {
  return { error: errorInfo(err, 'MG_ERR_DNS'), findings: [] };
}

/**
 * Everything the DNS area says about one scan target `host:port`: DNSSEC status of the host's address, CAA against
 * the certificate presented at `connect` (default host:port), and TLSA for the port. Returns null for IP targets.
 *
 * @example
 * const a = await assessTargetDns('www.example.com', 443, { servers: buildServerMap('127.0.0.53') });
 * report.findings.push(...(a?.findings ?? []));
 */
export async function assessTargetDns(
  host: string, port: number, options: QueryValidatedOptions & { connect?: { host: string; port: number }; target?: string; caIds?: { match: string; domains: string[] }[] },
): Promise<TargetDnsAssessment | null> {
  if (isIP(host)) return null;
  const connect = options.connect ?? { host, port };
  const target = options.target ?? `${host}:${port}`;
  const [name, caa, tlsa] = await Promise.all([
    probeName(host, RR_TYPES.A, options),
    probeCaa(host, { ...options, server: connect }),
    probeTlsa(host, port, { ...options, connect }),
  ]);
  const checks = await checksFor('dns-name', 'dns-caa', 'dns-tlsa');
  const findings = [...checks.run('dns-name', name, target), ...checks.run('dns-caa', caa, target), ...checks.run('dns-tlsa', tlsa, target)];
  return { name, caa, tlsa, findings, error: indeterminateError(name) };
}

declare module '../model/target.js' {
  interface TargetObservations {
    /** DNSSEC, CAA and TLSA of the target's name, when the scan was given a resolver (src/dns). */
    dns?: TargetDnsAssessment | DnsStepFailure | null;
  }
}
