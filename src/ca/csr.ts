/**
 * PKCS#10 certificate requests (RFC 2986) on @peculiar/x509: parse, verify the proof of possession, and read the
 * names asked for (the subjectAltName of the extensionRequest, RFC 2985 §5.4.2). What the CA grants is decided by the
 * sign policy, never by the request: only the public key and the names are taken from it.
 */
import 'reflect-metadata';
import { createPublicKey, type KeyObject } from 'node:crypto';
import * as px from '@peculiar/x509';
import { MitmError } from '../errors.js';
import { parseSanName, type SanName } from './names.js';

/** A CSR larger than this is refused before parsing. */
export const MAX_CSR_BYTES = 64 * 1024;

export interface ParsedCsr {
  publicKey: KeyObject;
  names: SanName[];
  /** The subject CN, when the request had one. */
  commonName?: string;
}

const SAN_TYPE: Record<string, string> = { dns: 'dns', ip: 'ip', url: 'uri', email: 'email' };

/** Parse and verify a PEM or DER CSR. MG_ERR_PEM / MG_ERR_MALFORMED on bad input, MG_ERR_X509_INVALID on a bad signature. */
export async function parseCsr(input: string | Uint8Array): Promise<ParsedCsr> {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > MAX_CSR_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `a CSR larger than ${MAX_CSR_BYTES} bytes is refused`);
  let csr: px.Pkcs10CertificateRequest;
  try {
    csr = new px.Pkcs10CertificateRequest(typeof input === 'string' ? input : new Uint8Array(input));
  } catch (err) {
    throw new MitmError('MG_ERR_MALFORMED', 'not a PKCS#10 certificate request', { cause: err });
  }
  let ok = false;
  try {
    ok = await csr.verify();
  } catch (err) {
    throw new MitmError('MG_ERR_UNSUPPORTED', 'the CSR signature algorithm is not supported', { cause: err });
  }
  if (!ok) throw new MitmError('MG_ERR_X509_INVALID', 'the CSR signature does not verify (no proof of possession)');
  // A verified signature does not make every field usable: anything undecodable past this point is MG_ERR_MALFORMED.
  let publicKey: KeyObject;
  const names: SanName[] = [];
  try {
    publicKey = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
    const san = csr.getExtension('2.5.29.17');
    if (san) {
      const ext = new px.SubjectAlternativeNameExtension(san.rawData);
      for (const n of ext.names.items) {
        const kind = SAN_TYPE[n.type];
        if (!kind) throw new MitmError('MG_ERR_UNSUPPORTED', `the CSR asks for a ${n.type} name, which this CA does not issue`);
        names.push(parseSanName(`${kind}:${n.value}`));
      }
    }
  } catch (err) {
    throw err instanceof MitmError ? err : new MitmError('MG_ERR_MALFORMED', 'the CSR\'s key or names cannot be decoded', { cause: err });
  }
  const cn = csr.subjectName.getField('CN')[0];
  if (names.length === 0 && cn) names.push(parseSanName(cn));
  return cn ? { publicKey, names, commonName: cn } : { publicKey, names };
}

/** Keys the CA certifies (CABF BR §6.1.5): RSA of 2048 bits or more, ECDSA on P-256/P-384/P-521, Ed25519. */
export function assertAcceptableKey(key: KeyObject): void {
  const type = key.asymmetricKeyType;
  const d = key.asymmetricKeyDetails;
  const ok =
    (type === 'rsa' && (d?.modulusLength ?? 0) >= 2048) ||
    (type === 'ec' && ['prime256v1', 'secp384r1', 'secp521r1'].includes(d?.namedCurve ?? '')) ||
    type === 'ed25519';
  if (!ok) throw new MitmError('MG_ERR_FORBIDDEN', `the CA does not certify ${type}${d?.modulusLength ? `-${d.modulusLength}` : d?.namedCurve ? ` ${d.namedCurve}` : ''} keys (RSA ≥ 2048, P-256/P-384/P-521 or Ed25519)`);
}
