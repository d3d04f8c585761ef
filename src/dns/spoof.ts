/**
 * Spoofed-answer detection across resolvers: the same question asked of every resolver, the answers compared as sets.
 * A man in the middle on one path, or a poisoned cache, shows up as a resolver whose answer differs from the rest.
 * Per-query anomalies (wrong source, id, 0x20 case, racing answers) come from ./client.ts.
 */
import { toMitmError, type MitmErrorCode } from '../errors.js';
import { formatServer, query, type QueryAnomaly, type QueryOptions, type ServerAddress } from './client.js';
import type { DnsRecord } from './message.js';
import { normalizeName } from './name.js';
import { RCODES, typeName } from './types.js';
import { toHex } from '../bytes.js';

export interface ResolverAnswer {
  resolver: string;
  rcode: string | null;
  /** The answer RRset(s) as sorted `TYPE data` strings, signatures excluded. */
  records: string[];
  /** Whether the answer carried RRSIGs at all. */
  signed: boolean;
  error: { code: MitmErrorCode; message: string } | null;
  anomalies: QueryAnomaly[];
}

export interface ResolverComparison {
  name: string;
  type: string;
  answers: ResolverAnswer[];
  /** True when every resolver that answered gave the same rcode and records. */
  agree: boolean;
  differences: string[];
}

function recordText(r: DnsRecord): string {
  const d = r.data as { type: string; address?: string; target?: string; exchange?: string; strings?: string[] };
  const value = d.address ?? d.target ?? d.exchange ?? (d.strings ? d.strings.join('') : toHex(r.rdata));
  return `${typeName(r.type)} ${String(value).toLowerCase()}`;
}

/** Ask every resolver the same question (in parallel) and compare the answers. */
export async function compareResolvers(name: string, type: number, resolvers: readonly ServerAddress[], options: QueryOptions = {}): Promise<ResolverComparison> {
  const qname = normalizeName(name);
  const answers = await Promise.all(
    resolvers.map(async (s): Promise<ResolverAnswer> => {
      try {
        const r = await query(s, qname, type, { dnssecOk: true, checkingDisabled: false, ...options });
        const m = r.message;
        return {
          resolver: formatServer(s),
          rcode: RCODES[m.rcode] ?? String(m.rcode),
          records: m.answers.filter((x) => x.type !== 46).map(recordText).sort(),
          signed: m.answers.some((x) => x.type === 46),
          error: null,
          anomalies: r.anomalies,
        };
      } catch (err) {
        const e = toMitmError(err, 'MG_ERR_DNS');
        return { resolver: formatServer(s), rcode: null, records: [], signed: false, error: { code: e.code, message: e.message }, anomalies: [] };
      }
    }),
  );
  const answered = answers.filter((a) => !a.error);
  const differences: string[] = [];
  const ref = answered[0];
  for (const a of answered.slice(1)) {
    if (a.rcode !== ref!.rcode || a.records.join('|') !== ref!.records.join('|')) {
      differences.push(`${a.resolver} answered ${a.rcode} [${a.records.join(', ')}] but ${ref!.resolver} answered ${ref!.rcode} [${ref!.records.join(', ')}]`);
    }
    if (a.signed !== ref!.signed) differences.push(`${a.signed ? a.resolver : ref!.resolver} returned signatures that ${a.signed ? ref!.resolver : a.resolver} did not (possible signature stripping)`);
  }
  return { name: qname, type: typeName(type), answers, agree: differences.length === 0, differences };
}
