/**
 * OCSP checking of a peer certificate (RFC 6960) for the tunnel: ask the responder named in the certificate's
 * authorityInfoAccess (or a configured URL), with a fresh nonce, and believe the answer only when it is signed by the
 * issuer itself or by a delegated responder the issuer certified for OCSPSigning (§4.2.2.2), names this serial under
 * this issuer, echoes the nonce and is current. Answers are cached per serial until their nextUpdate (bounded).
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { MitmError, toMitmError } from '../errors.js';
import { encodeOcspRequest, parseOcspResponse, type CertStatus } from '../ca/ocsp.js';
import { subjectPublicKeyBits } from '../ca/leaf-der.js';
import { BoundedCache } from '../pki/mint.js';
import { verifyRaw, verifySignedBy } from '../x509/algorithms.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';

/** Answers are kept at most `maxCacheMs` (5 min) even when their nextUpdate is later: that bounds how long a
 * revocation takes to reach the tunnel. */
export const OCSP_CHECK_DEFAULTS = { timeoutMs: 3000, cacheSize: 1000, maxResponseBytes: 64 * 1024, clockSkewMs: 300_000, maxCacheMs: 300_000 } as const;

export type OcspOutcome = { ok: true; status: 'good'; cached: boolean } | { ok: false; status: 'revoked' | 'unknown' | 'error'; detail: string };

export interface OcspCheckerOptions {
  /** Use this responder instead of the certificate's AIA URL. */
  url?: string;
  /** Let the connection through when the responder cannot be asked (default: refuse). */
  softFail?: boolean;
  timeoutMs?: number;
}

const EKU_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

function post(url: string, body: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  const u = new URL(url);
  if (u.protocol !== 'http:') return Promise.reject(new MitmError('MG_ERR_UNSUPPORTED', `OCSP over ${u.protocol} is not supported (RFC 6960 Appendix A uses http)`));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port || 80, path: u.pathname + u.search, method: 'POST', timeout: timeoutMs, headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > OCSP_CHECK_DEFAULTS.maxResponseBytes) req.destroy(new MitmError('MG_ERR_TOO_LARGE', 'OCSP response too large'));
        else chunks.push(c);
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(new Uint8Array(Buffer.concat(chunks))) : reject(new MitmError('MG_ERR_PROTOCOL', `OCSP responder answered HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new MitmError('MG_ERR_TIMEOUT', `OCSP responder ${u.host} did not answer in ${timeoutMs} ms`)));
    req.on('error', (err) => reject(toMitmError(err)));
    req.end(Buffer.from(body));
  });
}

export class OcspChecker {
  private readonly cache = new BoundedCache<{ until: number }>(OCSP_CHECK_DEFAULTS.cacheSize);
  constructor(private readonly options: OcspCheckerOptions = {}) {}

  async check(leaf: Certificate, issuer: Certificate, now = new Date()): Promise<OcspOutcome> {
    const hit = this.cache.get(leaf.fingerprint);
    if (hit && hit.until > now.getTime()) return { ok: true, status: 'good', cached: true };
    const url = this.options.url ?? leaf.ext.authorityInfoAccess?.ocsp[0];
    const soft = (detail: string): OcspOutcome => (this.options.softFail ? { ok: true, status: 'good', cached: false } : { ok: false, status: 'error', detail });
    if (!url) return soft('the certificate names no OCSP responder');
    const nonce = randomBytes(16);
    let status: CertStatus & { nextUpdate?: Date };
    try {
      const der = await post(url, encodeOcspRequest(issuer.subject.der, subjectPublicKeyBits(issuer.spki.der), leaf.serial, nonce), this.options.timeoutMs ?? OCSP_CHECK_DEFAULTS.timeoutMs);
      status = this.verify(parseOcspResponse(der), leaf, issuer, nonce, now);
    } catch (err) {
      return soft(`OCSP: ${toMitmError(err).message}`);
    }
    if (status.status === 'revoked') return { ok: false, status: 'revoked', detail: `OCSP: revoked ${status.revokedAt.toISOString()} (${status.reason})` };
    if (status.status === 'unknown') return { ok: false, status: 'unknown', detail: 'OCSP: the responder does not know this certificate' };
    const cap = now.getTime() + OCSP_CHECK_DEFAULTS.maxCacheMs;
    this.cache.set(leaf.fingerprint, { until: Math.min(status.nextUpdate?.getTime() ?? cap, cap) });
    return { ok: true, status: 'good', cached: false };
  }

  private verify(r: ReturnType<typeof parseOcspResponse>, leaf: Certificate, issuer: Certificate, nonce: Uint8Array, now: Date): CertStatus & { nextUpdate?: Date } {
    const issuerKeyHash = createHash('sha1').update(subjectPublicKeyBits(issuer.spki.der)).digest();
    // §4.2.2.2: signed by the issuer itself, or by a certificate the issuer issued with id-kp-OCSPSigning.
    let signer: Certificate = issuer;
    const byIssuer = r.responder.keyHash && Buffer.compare(Buffer.from(r.responder.keyHash), issuerKeyHash) === 0;
    if (!byIssuer) {
      const delegated = r.certs.map((d) => parseCertificate(d)).find((c) =>
        r.responder.keyHash ? Buffer.compare(createHash('sha1').update(subjectPublicKeyBits(c.spki.der)).digest(), Buffer.from(r.responder.keyHash)) === 0 : c.subject.key === issuer.subject.key);
      if (!delegated) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP response is signed by an unknown responder');
      if (delegated.issuer.key !== issuer.subject.key || !verifySignedBy(delegated, issuer).ok) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP responder certificate was not issued by the certificate\'s issuer');
      if (!delegated.ext.extKeyUsage?.includes(EKU_OCSP_SIGNING)) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP responder certificate lacks id-kp-OCSPSigning');
      if (delegated.notBefore > now || delegated.notAfter < now) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP responder certificate is not valid now');
      signer = delegated;
    }
    const sig = verifyRaw(r.tbs, r.signatureAlgorithm, r.signature, signer);
    if (!sig.ok) throw new MitmError('MG_ERR_X509_INVALID', `the OCSP response signature does not verify${sig.reason ? `: ${sig.reason}` : ''}`);
    if (!r.nonce || Buffer.compare(Buffer.from(r.nonce), Buffer.from(nonce)) !== 0) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP response does not echo our nonce');
    const nameHash = createHash('sha1').update(issuer.subject.der).digest();
    const single = r.responses.find((x) => x.serialHex === leaf.serialHex && Buffer.compare(Buffer.from(x.issuerNameHash), nameHash) === 0 && Buffer.compare(Buffer.from(x.issuerKeyHash), issuerKeyHash) === 0);
    if (!single) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP response does not answer for this certificate');
    if (single.thisUpdate.getTime() > now.getTime() + OCSP_CHECK_DEFAULTS.clockSkewMs) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP answer is from the future');
    if (single.nextUpdate && single.nextUpdate < now) throw new MitmError('MG_ERR_X509_INVALID', 'the OCSP answer is stale');
    return single;
  }
}
