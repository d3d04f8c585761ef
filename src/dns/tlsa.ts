/**
 * DANE TLSA (RFC 6698, RFC 7671): match TLSA records against the chain a server presents. Usage 3 (DANE-EE) binds
 * the leaf, 2 (DANE-TA) any certificate of the chain as trust anchor, 1 (PKIX-EE) and 0 (PKIX-TA) the same plus
 * ordinary PKIX validation, which the TLS scanner judges; here we check the association itself.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { toHex } from '../bytes.js';
import type { TlsaRdata } from './rdata.js';

export const TLSA_USAGES: Record<number, string> = { 0: 'PKIX-TA', 1: 'PKIX-EE', 2: 'DANE-TA', 3: 'DANE-EE' };
export const TLSA_SELECTORS: Record<number, string> = { 0: 'Cert', 1: 'SPKI' };
export const TLSA_MATCHING: Record<number, string> = { 0: 'Full', 1: 'SHA2-256', 2: 'SHA2-512' };

/** Selector → the bytes it selects from a DER certificate (RFC 6698 §2.1.2). */
const SELECT: Record<number, (der: Uint8Array) => Uint8Array> = {
  0: (der) => der,
  1: (der) => new X509Certificate(Buffer.from(der)).publicKey.export({ type: 'spki', format: 'der' }),
};

/** Matching type → the association data computed from the selected bytes (RFC 6698 §2.1.3). */
const MATCH: Record<number, (b: Uint8Array) => Uint8Array> = {
  0: (b) => b,
  1: (b) => createHash('sha256').update(b).digest(),
  2: (b) => createHash('sha512').update(b).digest(),
};

export interface TlsaMatch {
  record: string;
  usage: string;
  /** Index in the presented chain that matched (0 = leaf), or null. */
  matchedIndex: number | null;
  /** Why the record could not be used (unknown usage, selector or matching type). */
  unusable: string | null;
}

/** Describe a TLSA record in presentation form. */
export function tlsaText(r: TlsaRdata): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${toHex(r.data)}`;
}

/** Match each TLSA record against the presented chain (leaf first, DER). */
export function matchTlsa(records: readonly TlsaRdata[], chain: readonly Uint8Array[]): TlsaMatch[] {
  return records.map((r) => {
    const base = { record: tlsaText(r), usage: TLSA_USAGES[r.usage] ?? `usage ${r.usage}` };
    const select = SELECT[r.selector];
    const match = MATCH[r.matchingType];
    if (!(r.usage in TLSA_USAGES) || !select || !match) return { ...base, matchedIndex: null, unusable: 'unknown usage, selector or matching type (RFC 7671 §4)' };
    // EE usages bind only the leaf; TA usages any certificate in the chain (RFC 7671 §5.2.2 allows the TA to be absent
    // from the chain only for full-key records, which this probe cannot see).
    const candidates = r.usage === 1 || r.usage === 3 ? chain.slice(0, 1) : chain;
    const want = Buffer.from(r.data);
    for (let i = 0; i < candidates.length; i++) {
      try {
        if (want.equals(Buffer.from(match(select(candidates[i]!))))) return { ...base, matchedIndex: r.usage === 1 || r.usage === 3 ? 0 : i, unusable: null };
      } catch {
        // an unparsable certificate matches nothing
      }
    }
    return { ...base, matchedIndex: null, unusable: null };
  });
}
