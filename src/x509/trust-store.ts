/**
 * Trust stores: Node's bundled roots, the system store (/etc/ssl/certs) and user-given PEM files or directories
 * (an organisation's private CA, `--ca FILE|DIR`). Anchors are indexed by normalised subject for path building.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileError, readInputFile } from '../input-file.js';
import { MitmError, toMitmError } from '../errors.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { certificatesFromPemOrDer } from './pem.js';

/** Where the system store lives on Debian-like systems (ca-certificates). */
export const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];
/** Named limit: files read from one directory. */
export const MAX_STORE_FILES = 5000;

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

let nodeStore: TrustStore | undefined;
/** Node's bundled Mozilla roots, parsed once per process. */
export function nodeTrustStore(): TrustStore {
  if (!nodeStore) {
    nodeStore = new TrustStore();
    for (const pem of rootCertificates) nodeStore.addPemOrDer(pem, 'node:tls.rootCertificates');
  }
  return nodeStore;
}

function readPath(store: TrustStore, path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw fileError('trust anchors', path, err);
  }
  if (st.isDirectory()) {
    const names = readdirSync(path).filter((n) => /\.(pem|crt|cer)$/i.test(n)).sort();
    if (names.length > MAX_STORE_FILES) throw new MitmError('MG_ERR_TOO_LARGE', `${path}: more than ${MAX_STORE_FILES} certificate files`);
    for (const n of names) {
      try {
        store.addPemOrDer(readFileSync(join(path, n)), join(path, n));
      } catch (err) {
        store.rejected.push({ source: join(path, n), reason: toMitmError(err).message });
      }
    }
    return;
  }
  store.addPemOrDer(readInputFile('trust anchors', path), path);
}

export interface TrustStoreOptions {
  /** Node's bundled roots. */
  node?: boolean;
  /** The operating system's store (/etc/ssl/certs). */
  system?: boolean;
  /** PEM/DER files or directories of them. */
  paths?: string[];
}

/**
 * Build a trust store from Node's roots, the system store and/or files and directories.
 *
 * @example
 * const store = loadTrustStore({ paths: ['/etc/myorg/ca.pem'] });
 */
export function loadTrustStore(options: TrustStoreOptions = {}): TrustStore {
  const store = new TrustStore();
  if (options.node) store.merge(nodeTrustStore());
  if (options.system) {
    const bundle = SYSTEM_BUNDLES.find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (bundle) readPath(store, bundle);
    else readPath(store, '/etc/ssl/certs');
  }
  for (const p of options.paths ?? []) readPath(store, p);
  return store;
}
