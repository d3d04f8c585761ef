/**
 * RRSIG verification of one RRset with a set of keys (RFC 4035 §5.3): signer and type checks, the labels field,
 * the validity window in serial-number arithmetic (RFC 4034 §3.1.5), key tag and algorithm match, the zone key bit,
 * then the signature itself over the canonical signed data.
 */
import type { KeyObject } from 'node:crypto';
import type { DnsRecord } from '../message.js';
import { labelCount, normalizeName } from '../name.js';
import type { DnskeyRdata, RrsigRdata } from '../rdata.js';
import { RR_TYPES, typeName } from '../types.js';
import { DNS_LIMITS } from '../limits.js';
import { ALGORITHMS, algorithmName } from './algorithms.js';
import { signedData } from './canonical.js';
import { reason, type Reason } from './reasons.js';

export interface ZoneKey {
  zone: string;
  rdata: Uint8Array;
  data: DnskeyRdata;
  tag: number;
  key: KeyObject | null;
}

export interface VerifyBudget {
  verifications: number;
}

export type RrsetVerdict = { ok: true; sig: RrsigRdata; key: ZoneKey; wildcard: boolean } | { ok: false; reason: Reason };

/** Serial-number comparison (RFC 1982) of 32-bit timestamps: negative when a is before b. */
function serialDiff(a: number, b: number): number {
  return ((a - b) | 0);
}

function fmtTime(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000', '');
}

/** The RRSIGs in `records` covering `name`/`type`. */
export function rrsigsFor(records: readonly DnsRecord[], name: string, type: number): RrsigRdata[] {
  const n = normalizeName(name);
  return records
    .filter((r) => r.type === RR_TYPES.RRSIG && r.data.type === 'RRSIG' && normalizeName(r.name) === n && (r.data as unknown as RrsigRdata).typeCovered === type)
    .map((r) => r.data as unknown as RrsigRdata);
}

/**
 * Verify `rrset` (all records of one owner and type) against `keys` of `zone` at time `now` (seconds). Succeeds when
 * any RRSIG verifies (RFC 4035 §5.3.3); otherwise the most telling failure is reported.
 */
export function verifyRrset(
  rrset: readonly DnsRecord[], sigs: readonly RrsigRdata[], keys: readonly ZoneKey[], zone: string, now: number, budget: VerifyBudget,
): RrsetVerdict {
  const first = rrset[0]!;
  const owner = normalizeName(first.name);
  const what = `${owner} ${typeName(first.type)}`;
  if (sigs.length === 0) return { ok: false, reason: reason('RRSIGS_MISSING', `${what} has no signature, but ${zone} is signed`) };
  // Several signatures may fail for different reasons; report the one that tells the person most.
  let best: Reason | null = null;
  let bestWeight = -1;
  const note = (r: Reason, weight: number) => {
    if (weight > bestWeight) {
      best = r;
      bestWeight = weight;
    }
  };
  for (const sig of sigs) {
    if (normalizeName(sig.signerName) !== zone) {
      note(reason('DNSSEC_BOGUS', `${what} is signed by ${sig.signerName}, not by its zone ${zone}`), 2);
      continue;
    }
    if (sig.labels > labelCount(owner)) {
      note(reason('DNSSEC_BOGUS', `the RRSIG of ${what} claims ${sig.labels} labels, more than the owner name has`), 2);
      continue;
    }
    if (serialDiff(now, sig.inception) < 0) {
      note(reason('SIGNATURE_NOT_YET_VALID', `the signature of ${what} is not valid until ${fmtTime(sig.inception)}`), 9);
      continue;
    }
    if (serialDiff(now, sig.expiration) > 0) {
      note(reason('SIGNATURE_EXPIRED', `the signature of ${what} expired at ${fmtTime(sig.expiration)}`), 9);
      continue;
    }
    const alg = ALGORITHMS[sig.algorithm];
    if (!alg) {
      note(reason('UNSUPPORTED_DNSKEY_ALGORITHM', `${what} is signed with ${algorithmName(sig.algorithm)}, which this validator does not support`), 4);
      continue;
    }
    const candidates = keys.filter((k) => k.tag === sig.keyTag && k.data.algorithm === sig.algorithm).slice(0, DNS_LIMITS.maxKeysPerTag);
    if (candidates.length === 0) {
      note(reason('DNSKEY_MISSING', `no trusted key of ${zone} has key tag ${sig.keyTag} and ${alg.name} to check the signature of ${what}`), 5);
      continue;
    }
    const data = signedData(sig, rrset);
    for (const k of candidates) {
      // RFC 4034 §2.1.1: only keys with the Zone Key flag may verify zone data.
      if ((k.data.flags & 0x0100) === 0 || k.data.protocol !== 3 || !k.key) {
        note(reason('NO_ZONE_KEY_BIT', `key ${k.tag} of ${zone} is not a usable zone key`), 3);
        continue;
      }
      if (++budget.verifications > DNS_LIMITS.maxSignatureVerifications) {
        return { ok: false, reason: reason('DNSSEC_INDETERMINATE', `more than ${DNS_LIMITS.maxSignatureVerifications} signature checks: stopped (KeyTrap limit)`) };
      }
      let valid = false;
      try {
        valid = alg.verify(data, k.key, sig.signature);
      } catch {
        valid = false;
      }
      if (valid) return { ok: true, sig, key: k, wildcard: sig.labels < labelCount(owner) };
      note(reason('DNSSEC_BOGUS', `the signature of ${what} by key ${k.tag} of ${zone} does not verify: the data was altered or signed with another key`), 10);
    }
  }
  return { ok: false, reason: best ?? reason('DNSSEC_BOGUS', `no signature of ${what} verifies`) };
}
