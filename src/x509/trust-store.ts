/**
 * Trust stores: Node's bundled roots, the system store (/etc/ssl/certs) and user-given PEM files or directories
 * (an organisation's private CA, `--ca FILE|DIR`). Anchors are indexed by normalised subject for path building.
 */
import { toMitmError } from '../errors.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { certificatesFromPemOrDer } from './pem.js';


export interface RejectedAnchor {
  source: string;
  reason: string;
}

export class TrustStore {
  private readonly bySubject = new Map<string, Certificate[]>();
  private readonly fingerprints = new Set<string>();
  readonly anchors: Certificate[] = [];
  /** Certificates that could not be parsed, with where they came from. */
  readonly rejected: RejectedAnchor[] = [];

  constructor(certs: Iterable<Certificate> = []) {
    for (const c of certs) this.add(c);
  }

  /** Add one anchor; duplicates (same DER) are ignored. */
  add(cert: Certificate): void {
    if (this.fingerprints.has(cert.fingerprint)) return;
    this.fingerprints.add(cert.fingerprint);
    this.anchors.push(cert);
    const list = this.bySubject.get(cert.subject.key);
    if (list) list.push(cert);
    else this.bySubject.set(cert.subject.key, [cert]);
  }

  /** Add every certificate in PEM text or DER bytes; unparseable ones are recorded in `rejected`. */
  addPemOrDer(input: string | Uint8Array, source: string): void {
    for (const der of certificatesFromPemOrDer(input)) {
      try {
        this.add(parseCertificate(der));
      } catch (err) {
        this.rejected.push({ source, reason: toMitmError(err).message });
      }
    }
  }

  /** Merge another store's anchors into this one. */
  merge(other: TrustStore): this {
    for (const c of other.anchors) this.add(c);
    return this;
  }

  has(cert: Certificate): boolean {
    return this.fingerprints.has(cert.fingerprint);
  }

  /** Anchors whose subject equals `issuerKey` (a normalised name key). */
  withSubject(issuerKey: string): readonly Certificate[] {
    return this.bySubject.get(issuerKey) ?? [];
  }

  get size(): number {
    return this.anchors.length;
  }
}
