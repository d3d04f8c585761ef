/**
 * Building queries on dns-packet: EDNS0 (RFC 6891) with the DO bit (RFC 3225), CD (RFC 4035 §3.2.2) and the
 * question name with randomised letter case (draft-vixie-dnsext-dns0x20) as extra entropy against off-path spoofing.
 */
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { DNS_LIMITS } from './limits.js';

export interface QuestionSpec {
  name: string;
  type: number;
}

export interface QueryFlags {
  /** Ask for DNSSEC records (EDNS0 DO bit). */
  dnssecOk: boolean;
  /** Checking Disabled: the resolver passes on data it could not validate, so we can validate ourselves. */
  checkingDisabled: boolean;
  /** Recursion desired. */
  recursionDesired: boolean;
}

/** Randomise the case of each letter (0x20 bit); the answer must echo it exactly. */
export function randomizeCase(name: string): string {
  let out = '';
  for (const ch of name) out += /[a-z]/i.test(ch) && randomInt(2) === 1 ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
  return out;
}

/** A random 16-bit id from the CSPRNG (RFC 5452 §4.3). */
export function randomQueryId(): number {
  return randomInt(0, 65536);
}

/** Encode a query message. `name` is used exactly as given (with any 0x20 case). */
export function encodeQuery(id: number, q: QuestionSpec, flags: QueryFlags): Uint8Array {
  const f = (flags.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0) | (flags.checkingDisabled ? dnsPacket.CHECKING_DISABLED : 0);
  const name = q.name === '.' ? '.' : q.name.replace(/\.$/, '');
  const buf = dnsPacket.encode({
    type: 'query',
    id,
    flags: f,
    // dns-packet names types by string; `UNKNOWN_<n>` carries any number (SVCB, HTTPS) through unchanged.
    questions: [{ name, type: `UNKNOWN_${q.type}` as dnsPacket.RecordType, class: 'IN' }],
    additionals: [
      { type: 'OPT', name: '.', udpPayloadSize: DNS_LIMITS.udpPayloadSize, flags: flags.dnssecOk ? dnsPacket.DNSSEC_OK : 0, options: [] } as unknown as dnsPacket.Answer,
    ],
  });
  return Uint8Array.from(buf);
}
