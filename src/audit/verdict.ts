/**
 * Verdicts: pure functions from what the endpoint recorded to `accepted` / `rejected` / … with evidence. The rule is
 * the one the issue sets: only application data counts. A completed handshake alone proves nothing — many TLS
 * libraries finish the handshake and only then check the certificate and close.
 */
import { describeSecret } from './redact.js';
import type { ScenarioDefinition } from './scenarios/types.js';
import type { AppEvent, ConnectionRecord, ScenarioResult, ScenarioVerdict } from './types.js';

/** At most this many connections are described in the evidence; the count says how many there were. */
export const MAX_EVIDENCE_CONNECTIONS = 3;
const MAX_EVIDENCE_EVENTS = 6;

function describeEvent(e: AppEvent): string {
  return `${e.protected ? '' : '[cleartext] '}${e.summary}${e.secret && e.kind !== 'request' ? ` ${describeSecret(e.secret)}` : ''}`;
}

/** One sentence per connection: the handshake, then what the client sent. */
export function describeConnection(r: ConnectionRecord): string {
  const parts: string[] = [];
  if (r.target) parts.push(`proxy tunnel to ${r.target}`);
  const h = r.handshake;
  if (h?.completed) parts.push(`TLS handshake completed (${[h.protocol, h.cipher, h.alpn && `ALPN ${h.alpn}`, h.sni && `SNI ${h.sni}`].filter(Boolean).join(', ')})`);
  else if (h?.error) parts.push(`TLS handshake failed: ${h.error}`);
  else if (h) parts.push('TLS handshake not completed (client closed)');
  const events = r.events.slice(0, MAX_EVIDENCE_EVENTS).map(describeEvent);
  if (r.events.length > MAX_EVIDENCE_EVENTS) events.push(`… ${r.events.length - MAX_EVIDENCE_EVENTS} more`);
  parts.push(events.length ? `client sent: ${events.join('; ')}` : 'no application data');
  if (r.aborted) parts.push(`endpoint closed it: ${r.aborted.code} ${r.aborted.message}`);
  return parts.join('; ');
}

export function describeConnections(records: readonly ConnectionRecord[]): string {
  if (records.length === 0) return 'no connection arrived';
  const shown = records.slice(0, MAX_EVIDENCE_CONNECTIONS).map((r, i) => `#${i + 1}: ${describeConnection(r)}`);
  const more = records.length > MAX_EVIDENCE_CONNECTIONS ? ` (+${records.length - MAX_EVIDENCE_CONNECTIONS} more connections)` : '';
  return `${records.length} connection${records.length === 1 ? '' : 's'}. ${shown.join(' | ')}${more}`;
}

/** The verdict of one scenario from its connections. */
export function judgeScenario(s: ScenarioDefinition, records: readonly ConnectionRecord[]): { verdict: ScenarioVerdict; evidence: string; reason?: string } {
  const evidence = describeConnections(records);
  if (records.length === 0) return { verdict: 'inconclusive', evidence, reason: 'the client never connected to this scenario' };
  const significant = records.flatMap((r) => r.events.filter((e) => e.significant));
  const inClear = significant.some((e) => !e.protected);
  const inTls = significant.some((e) => e.protected);
  if (s.transport === 'tls') {
    if (inTls) return { verdict: 'accepted', evidence };
    // A client that refuses the TLS and then retries without it (libpq sslmode=prefer does) leaks in clear.
    if (inClear) return { verdict: 'accepted-plaintext', evidence };
    return { verdict: 'rejected', evidence };
  }
  if (inClear) return { verdict: 'accepted-plaintext', evidence };
  return { verdict: 'rejected', evidence };
}

/**
 * A rejection only means something when the same client accepted the baseline: a client that cannot even talk to a
 * valid server (wrong CA file, wrong URL) "rejects" everything. Turn such rejections into `inconclusive`.
 */
export function applyBaseline(results: ScenarioResult[]): ScenarioResult[] {
  const baseline = results.find((r) => r.scenario === 'baseline');
  if (!baseline || baseline.verdict === 'accepted' || baseline.verdict === 'skipped') return results;
  const reason = `the baseline was not accepted (${baseline.verdict}), so this rejection proves nothing: check that the client trusts {ca} and uses {url}`;
  return results.map((r) => (r.scenario !== 'baseline' && r.verdict === 'rejected' ? { ...r, verdict: 'inconclusive', reason } : r));
}

/** Accepted forged scenarios: what makes the run fail (exit code 1). */
export function forgedAccepted(results: readonly ScenarioResult[]): ScenarioResult[] {
  return results.filter((r) => r.scenario !== 'baseline' && (r.verdict === 'accepted' || r.verdict === 'accepted-plaintext'));
}
