/**
 * Run the validator over x509-limbo testcases (C2SP/x509-limbo) and summarise in upstream's harness format.
 * Skips are only for features documented as unsupported in docs/x509.md.
 */
import { MitmError, toMitmError } from '../errors.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { parseCrls, type Crl } from './crl.js';
import { certificatesFromPemOrDer } from './pem.js';
import { TrustStore } from './trust-store.js';
import { validateChain } from './validate.js';
import { KEY_USAGE_BITS, type KeyUsageName } from './extensions.js';

export interface LimboTestcase {
  id: string;
  features?: string[];
  conflicts_with?: string[];
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  signature_algorithms?: string[];
  key_usage?: string[];
  extended_key_usage?: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  expected_peer_names?: Array<{ kind: 'DNS' | 'IP' | 'RFC822'; value: string }>;
  max_chain_depth: number | null;
  crls?: string[];
}

export interface LimboResult {
  id: string;
  actual_result: 'SUCCESS' | 'FAILURE' | 'SKIPPED';
  context: string | null;
}

/**
 * Testcases skipped on purpose, by the reason documented in docs/x509.md. The x509-limbo suite contains pairs of
 * testcases that contradict each other (`conflicts_with`): RFC 5280 alone vs the CABF web PKI profile. mitmguard
 * implements the web PKI profile, so the RFC-5280-only side of each pair is skipped.
 */
export function skipReason(tc: LimboTestcase): string | undefined {
  if (tc.id.startsWith('rfc5280::') && tc.conflicts_with?.some((c) => c.startsWith('webpki::'))) {
    return `conflicts with ${tc.conflicts_with.join(', ')}: mitmguard implements the CABF web PKI profile, not bare RFC 5280`;
  }
  if (tc.features?.includes('pedantic-rfc5280')) {
    return 'pedantic RFC 5280 reading (AKI on a cross-signed trust anchor) that cve::cve-2024-0567 contradicts; trust anchors are configuration (RFC 5280 §6.1.1(d))';
  }
  if (tc.features?.includes('rfc5280-incompatible-with-webpki')) return 'RFC 5280 rule that the web PKI profile relaxes';
  if ((tc.extended_key_usage ?? []).some((e) => e !== 'serverAuth' && e !== 'clientAuth')) return 'extended key usages other than serverAuth/clientAuth are not supported';
  if ((tc.expected_peer_names ?? []).some((n) => n.kind !== 'RFC822')) return 'several DNS/IP peer names at once are not supported';
  if ((tc.key_usage ?? []).some((k) => !(KEY_USAGE_BITS as readonly string[]).includes(k))) return 'unknown key usage name';
  return undefined;
}

const pemList = (items: readonly string[]): Certificate[] => items.flatMap((p) => certificatesFromPemOrDer(p)).map(parseCertificate);

/** Run one testcase. Parse failures of the peer certificate are verdicts (FAILURE), not crashes. */
export function runLimboTestcase(tc: LimboTestcase): LimboResult {
  const skip = skipReason(tc);
  if (skip) return { id: tc.id, actual_result: 'SKIPPED', context: skip };
  try {
    const store = new TrustStore();
    for (const p of tc.trusted_certs) store.addPemOrDer(p, 'trusted_certs');
    const intermediates: Certificate[] = [];
    for (const p of tc.untrusted_intermediates) {
      try {
        intermediates.push(...pemList([p]));
      } catch {
        // An unparseable intermediate is unusable, not fatal: other paths may exist.
      }
    }
    const leaf = pemList([tc.peer_certificate])[0];
    if (!leaf) throw new MitmError('MG_ERR_X509_PARSE', 'no peer certificate');
    const crls: Crl[] = (tc.crls ?? []).flatMap((c) => parseCrls(c));
    const names = [...(tc.expected_peer_name ? [tc.expected_peer_name] : []), ...(tc.expected_peer_names ?? [])];
    const emails = names.filter((n) => n.kind === 'RFC822').map((n) => n.value);
    const host = names.find((n) => n.kind !== 'RFC822')?.value;
    const r = validateChain(leaf, intermediates, store, {
      purpose: tc.validation_kind === 'CLIENT' ? 'client' : 'server',
      ...(tc.validation_time ? { at: new Date(tc.validation_time) } : {}),
      ...(host !== undefined ? { host } : {}),
      ...(emails.length ? { emails } : {}),
      ...(tc.max_chain_depth !== null && tc.max_chain_depth !== undefined ? { maxIntermediates: tc.max_chain_depth } : {}),
      ...(tc.key_usage?.length ? { keyUsage: tc.key_usage as KeyUsageName[] } : {}),
      crls,
    });
    if (r.valid) return { id: tc.id, actual_result: 'SUCCESS', context: null };
    return { id: tc.id, actual_result: 'FAILURE', context: r.errors.map((e) => `${e.code}${e.certIndex === null ? '' : `@${e.certIndex}`}: ${e.message}`).join('; ') };
  } catch (err) {
    const e = toMitmError(err);
    return { id: tc.id, actual_result: 'FAILURE', context: `${e.code}: ${e.message}` };
  }
}

export interface LimboSummary {
  total: number;
  passed: number;
  wronglyAccepted: string[];
  wronglyRejected: string[];
  skipped: Array<{ id: string; reason: string }>;
}

export function summarise(cases: readonly LimboTestcase[], results: readonly LimboResult[]): LimboSummary {
  const expected = new Map(cases.map((c) => [c.id, c.expected_result]));
  const s: LimboSummary = { total: results.length, passed: 0, wronglyAccepted: [], wronglyRejected: [], skipped: [] };
  for (const r of results) {
    if (r.actual_result === 'SKIPPED') s.skipped.push({ id: r.id, reason: r.context ?? '' });
    else if (r.actual_result === expected.get(r.id)) s.passed++;
    else if (r.actual_result === 'SUCCESS') s.wronglyAccepted.push(r.id);
    else s.wronglyRejected.push(r.id);
  }
  return s;
}

/** Parse a limbo suite document, failing with a MitmError on a wrong shape. */
export function parseLimboSuite(text: string): LimboTestcase[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new MitmError('MG_ERR_CONFIG', 'limbo suite is not JSON', { cause: err });
  }
  const cases = (doc as { testcases?: unknown }).testcases;
  if (!Array.isArray(cases)) throw new MitmError('MG_ERR_CONFIG', 'limbo suite has no testcases array');
  return cases as LimboTestcase[];
}
