/** The Certificate message of TLS ≤ 1.2 (RFC 5246 §7.4.2): a list of DER certificates, leaf first. */
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { LIMITS } from './limits.js';

export function parseCertificateList(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body, 'Certificate');
  const list = r.vector(3, 'certificate_list', LIMITS.MAX_HANDSHAKE_MESSAGE);
  r.end();
  const certs: Uint8Array[] = [];
  while (!list.done) {
    if (certs.length >= LIMITS.MAX_CHAIN_LENGTH) {
      throw new MitmError('MG_ERR_TOO_LARGE', `certificate chain longer than ${LIMITS.MAX_CHAIN_LENGTH}`, {
        details: { limit: LIMITS.MAX_CHAIN_LENGTH },
      });
    }
    const cert = list.vector(3, 'ASN.1Cert').rest();
    if (cert.length === 0) throw new MitmError('MG_ERR_MALFORMED', 'Certificate: empty certificate entry');
    certs.push(cert);
  }
  return certs;
}
