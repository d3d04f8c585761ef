/** Text rendering of DNS results for the terminal; the CLI stays thin. JSON goes through `toJsonSafe`. */
import { toHex } from '../bytes.js';
import type { DnssecResult } from './dnssec/validator.js';
import type { WatchAlert } from './watch.js';

/** Replace Uint8Array values by hex so results serialise as plain JSON. */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v)));
}

/** The validation result as the JSON contract of `dns check` (no typed rdata; answers are in presentation form). */
export function validationJson(r: DnssecResult): Record<string, unknown> {
  const { rdata: _rdata, ...rest } = r;
  return toJsonSafe(rest) as Record<string, unknown>;
}

export function validationText(r: DnssecResult, paint: (verdict: string) => string = (s) => s): string {
  const out = [`${r.name} ${r.type}: ${paint(r.verdict)}${r.reason ? ` — ${r.reason.text} (EDE ${r.reason.ede})` : ''}`];
  // An INDETERMINATE result with no answer never had an rcode: "rcode NOERROR" beside "REFUSED" or a timeout misleads.
  const rcode = r.verdict === 'INDETERMINATE' && r.answers.length === 0 && r.rcode === 'NOERROR' ? 'no usable answer' : `rcode ${r.rcode}`;
  out.push(`  ${rcode}, ${r.queries} ${r.queries === 1 ? 'query' : 'queries'}${r.cnames.length ? `, via CNAME ${r.cnames.join(' → ')}` : ''}`);
  for (const a of r.answers) out.push(`  ${a.name} ${a.ttl} ${a.type} ${a.data}`);
  out.push('  chain:');
  for (const l of r.chain) {
    const keys = l.dnskeys.map((k) => `${k.keyTag}/${k.algorithm}${k.sep ? '/SEP' : ''}`).join(' ');
    out.push(`    ${l.zone} [${l.trust}] ${keys}${l.note ? ` — ${l.note}` : ''}`);
  }
  for (const n of r.notes) out.push(`  note: ${n}`);
  for (const a of r.anomalies) out.push(`  anomaly: ${a.kind}: ${a.detail}`);
  return out.join('\n');
}

export function alertText(a: WatchAlert): string {
  return `ALERT round ${a.round} ${a.name} ${a.type} ${a.kind}: ${a.before.verdict} [${a.before.answers.join(', ')}] → ${a.after.verdict} [${a.after.answers.join(', ')}]${a.reason ? ` (${a.reason})` : ''}`;
}
