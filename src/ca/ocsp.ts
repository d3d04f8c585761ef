/**
 * OCSP (RFC 6960) as a sans-IO codec: parse an OCSPRequest (§4.1.1), answer each CertID from a status lookup, and
 * encode a BasicOCSPResponse (§4.2.1) signed by a delegated responder (§4.2.2.2) with the nonce echoed (RFC 8954).
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { MitmError } from '../errors.js';
import { parseAlgorithm, type AlgorithmIdentifier } from '../x509/certificate.js';
import { decodeOid, decodeTime, DerReader, parseOne, TAG, type Tlv } from '../x509/der.js';
import { bitString, enumerated, explicit, generalizedTime, octets, oid, seq, signatureAlgorithmFor, tlv } from './asn1.js';
import { REVOCATION_REASONS, type RevocationReason } from './crl.js';

/** Named limits on requests. */
export const OCSP_LIMITS = {
  /** An OCSPRequest larger than this is refused before parsing (HTTP body or decoded GET path). */
  maxRequestBytes: 16 * 1024,
  /** CertIDs in one request. */
  maxCertIds: 32,
  /** RFC 8954 §2.1: a nonce is 1 to 32 octets. */
  maxNonceBytes: 32,
} as const;

const OID_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OID_BASIC = '1.3.6.1.5.5.7.48.1.1';

/** CertID hash algorithms (RFC 6960 §4.1.1; SHA-1 is what OpenSSL sends by default). */
export const CERT_ID_HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** OCSPResponseStatus (§4.2.1). */
export const RESPONSE_STATUS = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;

export interface CertId {
  hashOid: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  serialHex: string;
  /** The exact CertID DER, echoed in the SingleResponse. */
  raw: Uint8Array;
}

export interface OcspRequest {
  certIds: CertId[];
  /** The whole nonce extension as received, echoed verbatim. */
  nonceExtension?: Uint8Array;
}

const malformed = (why: string): never => {
  throw new MitmError('MG_ERR_MALFORMED', `OCSP request: ${why}`);
};

function parseCertId(t: Tlv): CertId {
  const r = new DerReader(t.value, 'CertID');
  const alg = r.enter(TAG.SEQUENCE, 'hashAlgorithm');
  const hashOid = decodeOid(alg.read(TAG.OID, 'algorithm').value, 'CertID');
  if (!alg.done) alg.read(TAG.NULL, 'parameters');
  alg.end();
  const issuerNameHash = r.read(TAG.OCTET_STRING, 'issuerNameHash').value;
  const issuerKeyHash = r.read(TAG.OCTET_STRING, 'issuerKeyHash').value;
  const serial = r.read(TAG.INTEGER, 'serialNumber').value;
  r.end();
  if (serial.length === 0 || serial.length > 20 + 1) malformed('serialNumber length out of range');
  return { hashOid, issuerNameHash, issuerKeyHash, serialHex: Buffer.from(serial).toString('hex'), raw: t.raw };
}

/** Parse one DER OCSPRequest. Unsigned requests only are needed; a signature, if present, is ignored (§4.1.2). */
export function parseOcspRequest(der: Uint8Array): OcspRequest {
  if (der.length > OCSP_LIMITS.maxRequestBytes) throw new MitmError('MG_ERR_TOO_LARGE', `OCSP request larger than ${OCSP_LIMITS.maxRequestBytes} bytes`);
  const outer = new DerReader(parseOne(der, TAG.SEQUENCE, 'OCSPRequest').value, 'OCSPRequest');
  const tbs = outer.enter(TAG.SEQUENCE, 'TBSRequest');
  if (!outer.done) outer.read(0xa0, 'optionalSignature');
  outer.end();
  const version = tbs.optional(0xa0, 'version');
  if (version) {
    const v = new DerReader(version.value, 'version').read(TAG.INTEGER, 'version').value;
    if (v.length !== 1 || v[0] !== 0) malformed('version must be v1');
  }
  tbs.optional(0xa1, 'requestorName');
  const list = tbs.enter(TAG.SEQUENCE, 'requestList');
  const certIds: CertId[] = [];
  while (!list.done) {
    if (certIds.length >= OCSP_LIMITS.maxCertIds) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${OCSP_LIMITS.maxCertIds} CertIDs in one request`);
    const req = list.enter(TAG.SEQUENCE, 'Request');
    certIds.push(parseCertId(req.read(TAG.SEQUENCE, 'reqCert')));
    req.optional(0xa0, 'singleRequestExtensions');
    req.end();
  }
  if (certIds.length === 0) malformed('empty requestList');
  let nonceExtension: Uint8Array | undefined;
  const exts = tbs.optional(0xa2, 'requestExtensions');
  tbs.end();
  if (exts) {
    const seqR = new DerReader(exts.value, 'requestExtensions').enter(TAG.SEQUENCE, 'Extensions');
    while (!seqR.done) {
      const e = seqR.read(TAG.SEQUENCE, 'Extension');
      const er = new DerReader(e.value, 'Extension');
      const id = decodeOid(er.read(TAG.OID, 'extnID').value, 'Extension');
      er.optional(TAG.BOOLEAN, 'critical');
      const value = er.read(TAG.OCTET_STRING, 'extnValue').value;
      er.end();
      if (id === OID_NONCE) {
        // RFC 8954 §2.1: Nonce ::= OCTET STRING (SIZE(1..32)); older clients send the raw bytes, accepted as well.
        let inner = value;
        try {
          inner = parseOne(value, TAG.OCTET_STRING, 'nonce').value;
        } catch {
          /* legacy unwrapped nonce */
        }
        if (inner.length < 1 || inner.length > OCSP_LIMITS.maxNonceBytes) malformed(`nonce must be 1 to ${OCSP_LIMITS.maxNonceBytes} octets`);
        nonceExtension = new Uint8Array(e.raw);
      }
    }
  }
  return nonceExtension ? { certIds, nonceExtension } : { certIds };
}

export type CertStatus = { status: 'good' } | { status: 'revoked'; revokedAt: Date; reason: RevocationReason } | { status: 'unknown' };

export interface Responder {
  /** The issuing CA whose certificates this responder answers for. */
  issuerNameDer: Uint8Array;
  /** The subjectPublicKey BIT STRING contents of the issuing CA. */
  issuerPublicKeyBits: Uint8Array;
  /** The delegated responder: its certificate DER, its key, and the SHA-1 of its public key bits (ResponderID byKey). */
  responderCertDer: Uint8Array;
  responderKey: KeyObject;
  responderKeyHash: Uint8Array;
  /** How long an answer may be cached (nextUpdate − thisUpdate). */
  validityMs: number;
}

/** Whether a CertID names the responder's issuing CA (issuerNameHash and issuerKeyHash under the CertID's hash). */
export function certIdMatchesIssuer(id: CertId, responder: Responder): boolean {
  const hash = CERT_ID_HASHES[id.hashOid];
  if (!hash) return false;
  const nameHash = createHash(hash).update(responder.issuerNameDer).digest();
  const keyHash = createHash(hash).update(responder.issuerPublicKeyBits).digest();
  return Buffer.compare(nameHash, id.issuerNameHash) === 0 && Buffer.compare(keyHash, id.issuerKeyHash) === 0;
}

/** An OCSPResponse carrying only an error status (§4.2.1: no responseBytes). */
export const errorResponse = (status: Exclude<keyof typeof RESPONSE_STATUS, 'successful'>): Uint8Array => seq(enumerated(RESPONSE_STATUS[status]));

function certStatus(s: CertStatus): Uint8Array {
  switch (s.status) {
    case 'good':
      return tlv(0x80); // [0] IMPLICIT NULL
    case 'unknown':
      return tlv(0x82); // [2] IMPLICIT UnknownInfo (NULL)
    case 'revoked': {
      const reason = REVOCATION_REASONS[s.reason];
      // [1] IMPLICIT RevokedInfo { revocationTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
      return tlv(0xa1, generalizedTime(s.revokedAt), ...(reason === 0 ? [] : [explicit(0, enumerated(reason))]));
    }
  }
}

/**
 * Answer a parsed request: each CertID looked up (`unknown` for other issuers), signed by the delegated responder,
 * which is included in `certs` so clients can check its EKU and issuer (§4.2.2.2).
 */
export function buildOcspResponse(request: OcspRequest, responder: Responder, lookup: (serialHex: string) => CertStatus, now: Date): Uint8Array {
  const { alg, hash } = signatureAlgorithmFor(responder.responderKey.asymmetricKeyType);
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + responder.validityMs);
  const singles = request.certIds.map((id) =>
    seq(
      id.raw,
      certStatus(certIdMatchesIssuer(id, responder) ? lookup(id.serialHex) : { status: 'unknown' }),
      generalizedTime(thisUpdate),
      explicit(0, generalizedTime(nextUpdate)),
    ),
  );
  const responseData = seq(
    explicit(2, octets(responder.responderKeyHash)), // ResponderID byKey [2] KeyHash
    generalizedTime(thisUpdate),
    seq(...singles),
    ...(request.nonceExtension ? [explicit(1, seq(request.nonceExtension))] : []),
  );
  const basic = seq(responseData, alg, bitString(sign(hash, responseData, responder.responderKey)), explicit(0, seq(responder.responderCertDer)));
  return seq(enumerated(RESPONSE_STATUS.successful), explicit(0, seq(oid(OID_BASIC), octets(basic))));
}

/** Client side, for the tunnel: encode a request for one certificate (SHA-1 CertID, as OpenSSL) with a nonce. */
export function encodeOcspRequest(issuerNameDer: Uint8Array, issuerPublicKeyBits: Uint8Array, serial: Uint8Array, nonce: Uint8Array): Uint8Array {
  const certId = seq(
    seq(oid('1.3.14.3.2.26'), tlv(0x05)),
    octets(createHash('sha1').update(issuerNameDer).digest()),
    octets(createHash('sha1').update(issuerPublicKeyBits).digest()),
    tlv(0x02, serial),
  );
  const nonceExt = seq(oid(OID_NONCE), octets(octets(nonce)));
  return seq(seq(seq(seq(certId)), explicit(2, seq(nonceExt))));
}

/** A parsed BasicOCSPResponse (RFC 6960 §4.2.1), for relying parties such as the tunnel. */
export interface ParsedOcspResponse {
  /** The exact signed ResponseData bytes. */
  tbs: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  /** Certificates included by the responder (DER), e.g. the delegated responder's. */
  certs: Uint8Array[];
  /** ResponderID: byKey hash, or byName DER. */
  responder: { keyHash?: Uint8Array; nameDer?: Uint8Array };
  responses: Array<CertStatus & { serialHex: string; issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array; hashOid: string; thisUpdate: Date; nextUpdate?: Date }>;
  nonce?: Uint8Array;
}

const responseMalformed = (why: string): never => {
  throw new MitmError('MG_ERR_MALFORMED', `OCSP response: ${why}`);
};

/** Parse an OCSPResponse; a non-successful status is MG_ERR_PROTOCOL with the status in details. */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const outer = new DerReader(parseOne(der, TAG.SEQUENCE, 'OCSPResponse').value, 'OCSPResponse');
  const status = outer.read(TAG.ENUMERATED, 'responseStatus').value;
  if (status.length !== 1) responseMalformed('bad responseStatus');
  if (status[0] !== 0) throw new MitmError('MG_ERR_PROTOCOL', `OCSP responder answered status ${status[0]}`, { details: { responseStatus: status[0] } });
  const rb = new DerReader(outer.read(0xa0, 'responseBytes').value, 'responseBytes').enter(TAG.SEQUENCE, 'ResponseBytes');
  outer.end();
  if (decodeOid(rb.read(TAG.OID, 'responseType').value) !== OID_BASIC) responseMalformed('not id-pkix-ocsp-basic');
  const basicBytes = rb.read(TAG.OCTET_STRING, 'response').value;
  rb.end();
  const basic = new DerReader(parseOne(basicBytes, TAG.SEQUENCE, 'BasicOCSPResponse').value, 'BasicOCSPResponse');
  const tbsTlv = basic.read(TAG.SEQUENCE, 'tbsResponseData');
  const signatureAlgorithm = parseAlgorithm(basic.read(TAG.SEQUENCE, 'signatureAlgorithm'), 'OCSP signatureAlgorithm');
  const sigBits = basic.read(TAG.BIT_STRING, 'signature').value;
  if (sigBits.length < 2 || sigBits[0] !== 0) responseMalformed('signature BIT STRING');
  const certs: Uint8Array[] = [];
  const certsTlv = basic.optional(0xa0, 'certs');
  if (certsTlv) {
    const list = new DerReader(certsTlv.value, 'certs').enter(TAG.SEQUENCE, 'certs');
    while (!list.done) {
      if (certs.length >= 8) responseMalformed('more than 8 certificates');
      certs.push(list.read(TAG.SEQUENCE, 'Certificate').raw);
    }
  }
  basic.end();
  const data = new DerReader(tbsTlv.value, 'ResponseData');
  data.optional(0xa0, 'version');
  const rid = data.read(undefined, 'responderID');
  const responder: ParsedOcspResponse['responder'] = {};
  if (rid.tag === 0xa2) responder.keyHash = new DerReader(rid.value, 'byKey').read(TAG.OCTET_STRING, 'KeyHash').value;
  else if (rid.tag === 0xa1) responder.nameDer = new DerReader(rid.value, 'byName').read(TAG.SEQUENCE, 'Name').raw;
  else responseMalformed('unknown ResponderID');
  data.read(TAG.GeneralizedTime, 'producedAt');
  const list = data.enter(TAG.SEQUENCE, 'responses');
  const responses: ParsedOcspResponse['responses'] = [];
  while (!list.done) {
    if (responses.length >= OCSP_LIMITS.maxCertIds) responseMalformed('too many SingleResponses');
    const single = list.enter(TAG.SEQUENCE, 'SingleResponse');
    const id = parseCertId(single.read(TAG.SEQUENCE, 'certID'));
    const st = single.read(undefined, 'certStatus');
    let cs: CertStatus;
    if (st.tag === 0x80) cs = { status: 'good' };
    else if (st.tag === 0x82) cs = { status: 'unknown' };
    else if (st.tag === 0xa1) {
      const ri = new DerReader(st.value, 'RevokedInfo');
      const at = ri.read(TAG.GeneralizedTime, 'revocationTime');
      const reasonTlv = ri.optional(0xa0, 'revocationReason');
      const code = reasonTlv ? new DerReader(reasonTlv.value, 'CRLReason').read(TAG.ENUMERATED, 'CRLReason').value[0] ?? 0 : 0;
      const reason = (Object.entries(REVOCATION_REASONS).find(([, v]) => v === code)?.[0] ?? 'unspecified') as RevocationReason;
      cs = { status: 'revoked', revokedAt: decodeTime(at, 'revocationTime'), reason };
    } else return responseMalformed('unknown certStatus');
    const thisUpdate = decodeTime(single.read(TAG.GeneralizedTime, 'thisUpdate'), 'thisUpdate');
    const nu = single.optional(0xa0, 'nextUpdate');
    const nextUpdate = nu ? decodeTime(new DerReader(nu.value, 'nextUpdate').read(TAG.GeneralizedTime, 'nextUpdate'), 'nextUpdate') : undefined;
    single.optional(0xa1, 'singleExtensions');
    single.end();
    responses.push({ ...cs, serialHex: id.serialHex, issuerNameHash: id.issuerNameHash, issuerKeyHash: id.issuerKeyHash, hashOid: id.hashOid, thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) });
  }
  let nonce: Uint8Array | undefined;
  const exts = data.optional(0xa1, 'responseExtensions');
  data.end();
  if (exts) {
    const r = new DerReader(exts.value, 'responseExtensions').enter(TAG.SEQUENCE, 'Extensions');
    while (!r.done) {
      const e = r.enter(TAG.SEQUENCE, 'Extension');
      const oidText = decodeOid(e.read(TAG.OID, 'extnID').value);
      e.optional(TAG.BOOLEAN, 'critical');
      const v = e.read(TAG.OCTET_STRING, 'extnValue').value;
      if (oidText === OID_NONCE) {
        try {
          nonce = parseOne(v, TAG.OCTET_STRING, 'nonce').value;
        } catch {
          nonce = v;
        }
      }
    }
  }
  return { tbs: tbsTlv.raw, signatureAlgorithm, signature: sigBits.subarray(1), certs, responder, responses, ...(nonce ? { nonce } : {}) };
}
