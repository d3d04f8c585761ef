/**
 * Observation kinds of the DNS area, declared on the shared ObservationMap (see src/checks/types.ts) so that
 * src/checks/dns.ts can read them. Plain data only: what was seen, nothing judged.
 */
import type { ErrorInfo } from '../model/index.js';
import type { CaaIssuerVerdict, CaaPolicy } from './caa.js';
import type { DnssecResult } from './dnssec/validator.js';
import type { MtaStsPolicy } from './mail.js';
import type { ResolverComparison } from './spoof.js';
import type { TlsaMatch } from './tlsa.js';
import type { DnssecVerdict } from './dnssec/reasons.js';

/** DNSSEC status of one name, plus (when more than one resolver was given) the cross-resolver comparison. */
export interface DnsNameObservation {
  name: string;
  type: string;
  validation: DnssecResult;
  comparison: ResolverComparison | null;
}

export interface DnsCaaObservation {
  name: string;
  verdict: DnssecVerdict;
  policy: CaaPolicy;
  /** Issuer of the certificate the server presents, when a server was probed. */
  certificateIssuer: string | null;
  issuerDomains: string[];
  issuerVerdict: CaaIssuerVerdict | null;
  error: ErrorInfo | null;
}

export interface DnsTlsaObservation {
  /** `_443._tcp.host.` */
  name: string;
  host: string;
  port: number;
  verdict: DnssecVerdict;
  records: string[];
  matches: TlsaMatch[];
  chainLength: number;
  error: ErrorInfo | null;
}

export interface DnsMailObservation {
  domain: string;
  mx: { hosts: string[]; verdict: DnssecVerdict };
  mtaSts: {
    txt: string | null;
    txtError: string | null;
    policyUrl: string | null;
    policy: MtaStsPolicy | null;
    policyError: ErrorInfo | null;
    /** MX hosts that no policy pattern matches. */
    unmatchedMx: string[];
  };
  tlsRpt: { txt: string | null; rua: string[]; error: string | null };
  /** Whether the MX hosts publish DANE TLSA records for port 25 (an alternative to MTA-STS, RFC 7672). */
  dane: { host: string; verdict: DnssecVerdict; records: number }[];
}

declare module '../checks/types.js' {
  interface ObservationMap {
    'dns-name': DnsNameObservation;
    'dns-caa': DnsCaaObservation;
    'dns-tlsa': DnsTlsaObservation;
    'dns-mail': DnsMailObservation;
  }
}
