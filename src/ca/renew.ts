/**
 * Renewal: a successor with the same names, purpose and subject as a certificate this CA issued, for the same public
 * key (or a fresh one with `rekey`). The old certificate must be ours, current in the log and not revoked.
 */
import { createPublicKey } from 'node:crypto';
import { MitmError } from '../errors.js';
import { parseCertificates } from '../x509/certificate.js';
import { NAME_OIDS } from '../x509/name.js';
import { parseSanName } from './names.js';
import type { CertificateAuthority, Issued } from './store.js';

export interface RenewOptions {
  rekey?: boolean;
  lifetimeHours?: number;
  now?: Date;
}

export function renewCertificate(ca: CertificateAuthority, certPem: string, options: RenewOptions = {}): Issued {
  const [cert] = parseCertificates(certPem);
  if (!cert) throw new MitmError('MG_ERR_PEM', 'no certificate to renew');
  if (cert.issuer.key !== ca.intermediate.subject.key) throw new MitmError('MG_ERR_USAGE', `${cert.subject.text || cert.serialHex} was not issued by this CA`);
  const record = ca.state().issued.get(cert.serialHex);
  if (!record || record.fingerprint !== cert.fingerprint) throw new MitmError('MG_ERR_USAGE', `serial ${cert.serialHex} is not in this CA's audit log`);
  if (record.revoked) throw new MitmError('MG_ERR_FORBIDDEN', `${cert.serialHex} is revoked (${record.revoked.reason}); issue a new certificate instead`);
  if (record.profile === 'ocsp') throw new MitmError('MG_ERR_USAGE', 'the OCSP responder certificate is renewed by re-running ca init tooling, not ca renew');
  const subject = cert.subject.rdns.flat().flatMap((a) => {
    const short = NAME_OIDS[a.oid];
    return short && a.text !== undefined ? [[short, a.text] as const] : [];
  });
  return ca.issue(
    {
      profile: record.profile,
      names: record.names.map(parseSanName),
      subject,
      ...(options.rekey ? {} : { publicKey: createPublicKey({ key: Buffer.from(cert.spki.der), format: 'der', type: 'spki' }) }),
      ...(options.lifetimeHours ? { lifetimeHours: options.lifetimeHours } : {}),
      ...(record.requester ? { requester: record.requester } : {}),
      renewedFrom: cert.serialHex,
    },
    options.now,
  );
}
