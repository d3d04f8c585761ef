/**
 * Probes of the DNS area: network I/O in, observations out. They never throw on what the network does; failures
 * become fields of the observation (architecture: probes → observations → checks).
 */
import { MitmError, toMitmError } from '../errors.js';
import type { ErrorInfo } from '../model/index.js';
import { caaAllows, caaPolicy, caaSearchNames, issuerCaaDomains } from './caa.js';
import { queryValidated, type QueryValidatedOptions } from './query-validated.js';
import { compareResolvers } from './spoof.js';
import { fetchMtaStsPolicy, mxMatches, parseMtaStsPolicy, parseMtaStsTxt, parseTlsRptTxt, type PolicyFetchOptions } from './mail.js';
import { normalizeName } from './name.js';
import type { DnsCaaObservation, DnsMailObservation, DnsNameObservation, DnsTlsaObservation } from './observations.js';
import type { CaaRdata, TlsaRdata } from './rdata.js';
import { matchTlsa, tlsaText } from './tlsa.js';
import { fetchPeerChain } from '../tls/scan/peer-chain.js';
import { RR_TYPES, typeName } from './types.js';
import type { ServerAddress } from './client.js';
import { X509Certificate } from 'node:crypto';

/** How long the DNS step waits for the handshake that shows the presented chain (CAA issuer, TLSA match). */
const PRESENTED_CHAIN_TIMEOUT_MS = 5000;

const errorInfo = (e: unknown): ErrorInfo => {
  const m = toMitmError(e, 'MG_ERR_DNS');
  return { code: m.code, message: m.message };
};

const txtOf = (r: { type: string; strings?: string[] }) => (r.strings ?? []).join('');

/** DNSSEC status of `name`, and a comparison across `compareWith` resolvers when two or more are given. */
export async function probeName(name: string, type: number, options: QueryValidatedOptions & { compareWith?: ServerAddress[] }): Promise<DnsNameObservation> {
  const validation = await queryValidated(name, type, options);
  const comparison = options.compareWith && options.compareWith.length > 1 ? await compareResolvers(name, type, options.compareWith, options.query) : null;
  return { name: validation.name, type: typeName(type), validation, comparison };
}

/** CAA set for `name` (climbing to ancestors, RFC 8659 §3) and, when a server is given, its certificate issuer. */
export async function probeCaa(
  name: string, options: QueryValidatedOptions & { server?: { host: string; port: number }; caIds?: { match: string; domains: string[] }[] },
): Promise<DnsCaaObservation> {
  const obs: DnsCaaObservation = {
    name: normalizeName(name), verdict: 'INDETERMINATE', policy: caaPolicy(null, []), certificateIssuer: null, issuerDomains: [], issuerVerdict: null, error: null,
  };
  try {
    for (const n of caaSearchNames(name)) {
      const r = await queryValidated(n, RR_TYPES.CAA, options);
      obs.verdict = r.verdict;
      const caa = r.rdata.filter((d) => d.type === 'CAA') as unknown as CaaRdata[];
      if (caa.length > 0) {
        obs.policy = caaPolicy(n, caa);
        break;
      }
      if (r.verdict === 'BOGUS' || r.verdict === 'INDETERMINATE') break;
    }
    if (options.server) {
      const chain = await fetchPresentedChain(options.server.host, options.server.port, name.replace(/\.$/, ''));
      obs.certificateIssuer = chain.issuer;
      obs.issuerDomains = issuerCaaDomains(chain.issuer, options.caIds);
      obs.issuerVerdict = caaAllows(obs.policy, obs.name, obs.issuerDomains);
    }
  } catch (err) {
    obs.error = errorInfo(err);
  }
  return obs;
}

/** The chain a server presents, with the leaf's issuer and subject as `O=…, CN=…` text (node's rendering). */
async function fetchPresentedChain(host: string, port: number, servername: string): Promise<{ chain: Uint8Array[]; issuer: string; subject: string }> {
  const chain = await fetchPeerChain(host, port, { servername, timeoutMs: PRESENTED_CHAIN_TIMEOUT_MS });
  const leaf = new X509Certificate(Buffer.from(chain[0]!));
  return { chain, issuer: leaf.issuer.replace(/\n/g, ', '), subject: leaf.subject.replace(/\n/g, ', ') };
}

/** TLSA records at `_port._tcp.host` matched against the chain the server at `connect` presents. */
export async function probeTlsa(
  host: string, port: number, options: QueryValidatedOptions & { connect?: { host: string; port: number } },
): Promise<DnsTlsaObservation> {
  const name = `_${port}._tcp.${normalizeName(host)}`;
  const obs: DnsTlsaObservation = { name, host: normalizeName(host), port, verdict: 'INDETERMINATE', records: [], matches: [], chainLength: 0, error: null };
  try {
    const r = await queryValidated(name, RR_TYPES.TLSA, options);
    obs.verdict = r.verdict;
    const tlsa = r.rdata.filter((d) => d.type === 'TLSA') as unknown as TlsaRdata[];
    obs.records = tlsa.map(tlsaText);
    if (tlsa.length > 0) {
      const c = options.connect ?? { host: host.replace(/\.$/, ''), port };
      const chain = await fetchPresentedChain(c.host, c.port, host.replace(/\.$/, ''));
      obs.chainLength = chain.chain.length;
      obs.matches = matchTlsa(tlsa, chain.chain);
    }
  } catch (err) {
    obs.error = errorInfo(err);
  }
  return obs;
}

/** MX, MTA-STS (TXT + policy over HTTPS), TLS-RPT and DANE presence for a mail domain. */
export async function probeMail(domain: string, options: QueryValidatedOptions & { policy?: PolicyFetchOptions }): Promise<DnsMailObservation> {
  const d = normalizeName(domain);
  const mx = await queryValidated(d, RR_TYPES.MX, options);
  const hosts = mx.rdata.filter((x) => x.type === 'MX').map((x) => normalizeName((x as { exchange: string }).exchange));
  const obs: DnsMailObservation = {
    domain: d,
    mx: { hosts, verdict: mx.verdict },
    mtaSts: { txt: null, txtError: null, policyUrl: null, policy: null, policyError: null, unmatchedMx: [] },
    tlsRpt: { txt: null, rua: [], error: null },
    dane: [],
  };
  const sts = await queryValidated(`_mta-sts.${d}`, RR_TYPES.TXT, options);
  const stsTxt = sts.rdata.filter((x) => x.type === 'TXT').map(txtOf).filter((t) => t.startsWith('v=STSv1'));
  if (stsTxt.length > 0) {
    obs.mtaSts.txt = stsTxt[0]!;
    try {
      // RFC 8461 §3.1: more than one STSv1 record means no policy.
      if (stsTxt.length > 1) throw new MitmError('MG_ERR_MALFORMED', 'more than one v=STSv1 TXT record (RFC 8461 §3.1)');
      parseMtaStsTxt(stsTxt[0]!);
    } catch (e) {
      obs.mtaSts.txtError = (e as Error).message;
    }
    try {
      const fetched = await fetchMtaStsPolicy(d, options.policy);
      obs.mtaSts.policyUrl = fetched.url;
      obs.mtaSts.policy = parseMtaStsPolicy(fetched.text);
      obs.mtaSts.unmatchedMx = hosts.filter((h) => !obs.mtaSts.policy!.mx.some((p) => mxMatches(p, h)));
    } catch (e) {
      obs.mtaSts.policyError = errorInfo(e);
    }
  }
  const rpt = await queryValidated(`_smtp._tls.${d}`, RR_TYPES.TXT, options);
  const rptTxt = rpt.rdata.filter((x) => x.type === 'TXT').map(txtOf).find((t) => t.startsWith('v=TLSRPTv1'));
  if (rptTxt) {
    obs.tlsRpt.txt = rptTxt;
    try {
      obs.tlsRpt.rua = parseTlsRptTxt(rptTxt).rua;
    } catch (e) {
      obs.tlsRpt.error = (e as Error).message;
    }
  }
  for (const h of hosts.slice(0, 10)) {
    const t = await queryValidated(`_25._tcp.${h}`, RR_TYPES.TLSA, options);
    obs.dane.push({ host: h, verdict: t.verdict, records: t.rdata.filter((x) => x.type === 'TLSA').length });
  }
  return obs;
}
