/**
 * Where trust anchors come from: Node's bundled roots, the operating system's store, files and directories. The I/O
 * side of ./trust-store.ts, which holds anchors and answers questions about them without touching a file.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { MitmError, toMitmError } from '../errors.js';
import { fileError, readInputFile } from '../input-file.js';
import { TrustStore } from './trust-store.js';

/** Where the system store lives on Debian-like systems (ca-certificates). */
export const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];
/** Named limit: files read from one directory. */
export const MAX_STORE_FILES = 5000;

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
