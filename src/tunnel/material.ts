/**
 * The tunnel's TLS material on disk — certificate chain, key, CA bundle, CRL — loaded into a node:tls secure context
 * and reloaded when a file changes or on request (SIGHUP). A reload that fails (a half-written file, a key that does
 * not match) keeps the old context: a rotation mistake never takes the tunnel down. Existing connections keep the
 * context they were made with; only new handshakes see the new one.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { MitmError, toMitmError } from '../errors.js';
import { parseCertificates } from '../x509/certificate.js';

export interface MaterialFiles {
  cert: string;
  key: string;
  /** CA bundle that peers' certificates must chain to. */
  ca: string;
  /** CRL (PEM or DER) checked by OpenSSL for the peer's certificate; reloaded like the rest. */
  crl?: string;
}

export interface LoadedMaterial {
  options: SecureContextOptions;
  context: SecureContext;
  /** notAfter of our own leaf. */
  notAfter: Date;
  subject: string;
}

/** TLS 1.3 by default; the `tls12` preset also allows TLS 1.2 with ECDHE and AEAD suites only. */
export const TLS_PRESETS = {
  tls13: { minVersion: 'TLSv1.3' },
  tls12: { minVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305' },
} as const satisfies Record<string, SecureContextOptions>;
export type TlsPreset = keyof typeof TLS_PRESETS;

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new MitmError('MG_ERR_IO', `cannot read the ${what} ${path}`, { cause: err });
  }
}

function crlEntries(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  const blocks = text.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g);
  return blocks ? blocks.map((b) => Buffer.from(b + '\n', 'latin1')) : [bytes];
}

/** Load the files into a secure context; MG_ERR_CONFIG when they do not fit together. */
export function loadMaterial(files: MaterialFiles, preset: TlsPreset): LoadedMaterial {
  const cert = read(files.cert, 'certificate');
  const key = read(files.key, 'key');
  const ca = read(files.ca, 'CA bundle');
  // node:tls reads one CRL per entry and checks every certificate of the path (CRL_CHECK_ALL): one entry per block.
  const crl = files.crl ? crlEntries(read(files.crl, 'CRL')) : undefined;
  const [leaf] = parseCertificates(cert);
  if (!leaf) throw new MitmError('MG_ERR_PEM', `${files.cert} holds no certificate`);
  const options: SecureContextOptions = { ...TLS_PRESETS[preset], cert, key, ca, ...(crl ? { crl } : {}) };
  try {
    return { options, context: createSecureContext(options), notAfter: leaf.notAfter, subject: leaf.subject.text };
  } catch (err) {
    throw new MitmError('MG_ERR_CONFIG', `the TLS material does not load: ${toMitmError(err).message}`, { cause: err });
  }
}

/**
 * Watch the directories holding the files (editors and `mv` replace files, which a watch on the file itself loses)
 * and call `onChange` once per burst of changes (debounced).
 */
export function watchMaterial(files: MaterialFiles, onChange: () => void, debounceMs = 150): () => void {
  const paths = [files.cert, files.key, files.ca, ...(files.crl ? [files.crl] : [])].map((p) => resolve(p));
  const byDir = new Map<string, Set<string>>();
  for (const p of paths) {
    const d = dirname(p);
    if (!byDir.has(d)) byDir.set(d, new Set());
    byDir.get(d)!.add(basename(p));
  }
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of byDir) {
    const w = watch(dir, (_event, name) => {
      if (name && !names.has(name.toString())) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    w.on('error', () => undefined);
    watchers.push(w);
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
