import { isIP } from 'node:net';
import {
  buildCertificate, cachedKeyPair, EKU, type BuiltCertificate, type CertificateSpec, type ExtensionSpec, type KeyPair,
  type KeySpec, type NameSpec, type SanEntry,
} from './builder.js';

/** An issuing authority: its certificate plus the key that signs with it. */
export interface Authority {
  name: NameSpec;
  cert: BuiltCertificate;
  key: KeyPair;
}

const DAY = 24 * 60 * 60 * 1000;

export interface AuthorityOptions {
  key?: KeySpec | KeyPair;
  /** Sign with this authority instead of self-signing: makes an intermediate. */
  issuer?: Authority;
  pathLen?: number;
  notBefore?: Date;
  notAfter?: Date;
  hash?: CertificateSpec['hash'];
  /** Merged over the CA defaults (basicConstraints CA:TRUE, keyUsage keyCertSign+cRLSign, SKI). */
  extensions?: ExtensionSpec;
  version?: 1 | 3;
}

const keyOf = (k: KeySpec | KeyPair | undefined, label: string): KeyPair =>
  k && 'privateKey' in k ? k : cachedKeyPair(k ?? { type: 'ec', curve: 'P-256' }, label);

/** A root (self-signed) or intermediate CA. */
export function createAuthority(name: NameSpec, options: AuthorityOptions = {}): Authority {
  const key = keyOf(options.key, `ca:${JSON.stringify(name)}`);
  const now = Date.now();
  const extensions: ExtensionSpec = {
    basicConstraints: { ca: true, ...(options.pathLen === undefined ? {} : { pathLen: options.pathLen }) },
    keyUsage: { usages: ['keyCertSign', 'cRLSign', 'digitalSignature'] },
    subjectKeyIdentifier: true,
    ...(options.issuer?.cert.ski ? { authorityKeyIdentifier: options.issuer.cert.ski } : {}),
    ...options.extensions,
  };
  const cert = buildCertificate({
    subject: name,
    issuer: options.issuer?.name ?? name,
    subjectKey: key,
    signingKey: options.issuer?.key ?? key,
    notBefore: options.notBefore ?? new Date(now - DAY),
    notAfter: options.notAfter ?? new Date(now + 3650 * DAY),
    extensions,
    ...(options.hash ? { hash: options.hash } : {}),
    ...(options.version ? { version: options.version } : {}),
  });
  return { name, cert, key };
}

export interface LeafOptions {
  /** DNS names and IP addresses for the SAN; the first is also the CN unless `subject` is given. */
  names: string[];
  subject?: NameSpec;
  key?: KeySpec | KeyPair;
  notBefore?: Date;
  notAfter?: Date;
  hash?: CertificateSpec['hash'];
  /** Defaults to serverAuth; use `[EKU.clientAuth]` for a client certificate. */
  eku?: string[];
  /** Merged over the leaf defaults. */
  extensions?: ExtensionSpec;
  corruptSignature?: boolean;
  version?: 1 | 3;
}

export const sanEntriesFor = (names: string[]): SanEntry[] => names.map((n) => (isIP(n) ? { ip: n } : { dns: n }));

/** An end-entity certificate for `names`, issued by `issuer` (or self-signed when `issuer` is null). */
export function issueLeaf(issuer: Authority | null, options: LeafOptions): BuiltCertificate & { keyPair: KeyPair } {
  const key = keyOf(options.key, 'leaf');
  const now = Date.now();
  const subject = options.subject ?? options.names[0] ?? 'mitmguard leaf';
  const extensions: ExtensionSpec = {
    basicConstraints: { ca: false },
    keyUsage: { usages: key.spec.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'] },
    extKeyUsage: { oids: options.eku ?? [EKU.serverAuth] },
    ...(options.names.length ? { subjectAltName: { entries: sanEntriesFor(options.names) } } : {}),
    ...(issuer?.cert.ski ? { authorityKeyIdentifier: issuer.cert.ski } : {}),
    ...options.extensions,
  };
  const cert = buildCertificate({
    subject,
    issuer: issuer?.name ?? subject,
    subjectKey: key,
    signingKey: issuer?.key ?? key,
    notBefore: options.notBefore ?? new Date(now - DAY),
    notAfter: options.notAfter ?? new Date(now + 90 * DAY),
    extensions,
    ...(options.hash ? { hash: options.hash } : {}),
    ...(options.corruptSignature ? { corruptSignature: true } : {}),
    ...(options.version ? { version: options.version } : {}),
  });
  return { ...cert, keyPair: key };
}

export { EKU };
