/**
 * The TLS ≤ 1.2 CertificateRequest (RFC 5246 §7.4.4, RFC 4346 §7.4.4), and the question "did this server flight carry
 * one?" answered over the one flight reader (./flight.ts). Sans-IO: records in, the request (or its absence) out. TLS 1.3 encrypts its CertificateRequest; the mTLS probe
 * reads it from the decrypted flight (src/tls/wire/tls13.ts) and `parseTls13CertificateRequestFacts` reads its body.
 */
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { parseOne, TAG } from '../../x509/der.js';
import { parseName } from '../../x509/name.js';
import { ServerFlightReader } from './flight.js';
import { EXTENSION_TYPE, SIGNATURE_SCHEMES, VERSIONS } from './registry.js';
import { parseTls13CertificateRequest } from './tls13.js';

/** A server may list many CAs; beyond this the list is cut (and says so). */
export const MAX_CA_NAMES = 256;

/** RFC 5246 §7.4.4 ClientCertificateType, with the RFC 8422 §5.5 ECDSA types. */
export const CLIENT_CERTIFICATE_TYPES: Readonly<Record<number, string>> = {
  1: 'rsa_sign', 2: 'dss_sign', 3: 'rsa_fixed_dh', 4: 'dss_fixed_dh', 64: 'ecdsa_sign', 65: 'rsa_fixed_ecdh', 66: 'ecdsa_fixed_ecdh',
};
const SCHEME_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SIGNATURE_SCHEMES).map(([n, c]) => [c, n]));

export interface CertificateRequestFacts {
  certificateTypes: string[];
  signatureAlgorithms: string[];
  /** Acceptable CA names, RFC 4514 rendering; an unparsable name is kept as `#<hex>`. */
  caNames: string[];
  caNamesTruncated: boolean;
}

/** Parse a CertificateRequest body. `tls12`: the supported_signature_algorithms field exists (TLS 1.2 only). */
export function parseCertificateRequest(body: Uint8Array, tls12: boolean): CertificateRequestFacts {
  const r = new ByteReader(body, 'CertificateRequest');
  const types = r.vector(1, 'certificate_types');
  const certificateTypes: string[] = [];
  while (!types.done) {
    const t = types.u8();
    certificateTypes.push(CLIENT_CERTIFICATE_TYPES[t] ?? `type_${t}`);
  }
  if (certificateTypes.length === 0) throw new MitmError('MG_ERR_MALFORMED', 'CertificateRequest: empty certificate_types (RFC 5246 requires at least one)');
  const signatureAlgorithms = tls12 ? readSchemes(r.vector(2, 'supported_signature_algorithms')) : [];
  const cas = r.vector(2, 'certificate_authorities');
  r.end();
  return { certificateTypes, signatureAlgorithms, ...readCaNames(cas) };
}

/**
 * A TLS 1.3 CertificateRequest body (RFC 8446 §4.3.2), read from the decrypted server flight: signature_algorithms
 * and the certificate_authorities extension (§4.2.4), the same DistinguishedName list as TLS 1.2. There are no
 * certificate types in TLS 1.3.
 */
export function parseTls13CertificateRequestFacts(body: Uint8Array): CertificateRequestFacts {
  const { extensions } = parseTls13CertificateRequest(body);
  const signatureAlgorithms = readSchemes(new ByteReader(extensions.get(EXTENSION_TYPE.signatureAlgorithms)!, 'signature_algorithms').vector(2, 'supported_signature_algorithms'));
  const cas = extensions.get(CERTIFICATE_AUTHORITIES);
  const names = cas ? readCaNames(new ByteReader(cas, 'certificate_authorities').vector(2, 'certificate_authorities')) : { caNames: [], caNamesTruncated: false };
  return { certificateTypes: [], signatureAlgorithms, ...names };
}

/** A SignatureScheme list (RFC 8446 §4.2.3, RFC 5246 §7.4.1.4.1) by name; an unknown code as hex. */
function readSchemes(algs: ByteReader): string[] {
  if (algs.remaining % 2 !== 0) throw new MitmError('MG_ERR_MALFORMED', 'CertificateRequest: odd signature algorithm list');
  const out: string[] = [];
  while (!algs.done) {
    const code = algs.u16();
    out.push(SCHEME_NAMES[code] ?? `0x${code.toString(16).padStart(4, '0')}`);
  }
  return out;
}

/** RFC 8446 §4.2.4 certificate_authorities. */
const CERTIFICATE_AUTHORITIES = 47;

function readCaNames(cas: ByteReader): Pick<CertificateRequestFacts, 'caNames' | 'caNamesTruncated'> {
  const caNames: string[] = [];
  let caNamesTruncated = false;
  while (!cas.done) {
    const der = cas.vector(2, 'DistinguishedName').rest();
    if (der.length === 0) throw new MitmError('MG_ERR_MALFORMED', 'CertificateRequest: empty DistinguishedName');
    if (caNames.length >= MAX_CA_NAMES) {
      caNamesTruncated = true;
      continue;
    }
    try {
      caNames.push(parseName(parseOne(der, TAG.SEQUENCE, 'CA name'), 'CA name').text);
    } catch {
      caNames.push(`#${Buffer.from(der.subarray(0, 64)).toString('hex')}`);
    }
  }
  return { caNames, caNamesTruncated };
}

export type FlightOutcome =
  | { done: false }
  | { done: true; version: number; request: CertificateRequestFacts | null }
  | { done: true; alert: string };

/**
 * Reads a TLS ≤ 1.2 server flight up to ServerHelloDone and reports the CertificateRequest in it (or null), on top of
 * ServerFlightReader (messages spanning records and records holding several messages, RFC 5246 §6.2.1, are its job).
 * A TLS 1.3 answer (or a HelloRetryRequest) ends it at once: the request is then encrypted.
 */
export class CertificateRequestReader {
  private readonly flight = new ServerFlightReader();
  private version: number | null = null;
  private request: CertificateRequestFacts | null = null;

  push(chunk: Uint8Array): FlightOutcome {
    for (const event of this.flight.push(chunk)) {
      if (event.type === 'alert') return { done: true, alert: event.alert.name };
      if (event.type === 'serverHello') {
        this.version = event.hello.version;
        if (event.hello.helloRetryRequest || event.hello.version === VERSIONS['TLSv1.3']) return { done: true, version: VERSIONS['TLSv1.3'], request: null };
      } else if (event.type === 'certificateRequest') {
        this.request = parseCertificateRequest(event.body, this.version === VERSIONS['TLSv1.2']);
      } else if (event.type === 'serverHelloDone') {
        return { done: true, version: this.version ?? 0, request: this.request };
      }
    }
    return { done: false };
  }
}
