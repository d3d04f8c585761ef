/**
 * A certificate builder on @peculiar/asn1-x509 with signing by `node:crypto`, so it can make every certificate the lab,
 * the client audit and the tests need — including the deliberately wrong ones (MD5 or SHA-1 signatures, RSA-512 keys,
 * v1 CA certificates, unknown critical extensions, NUL bytes in names, corrupted signatures) that WebCrypto-based
 * builders refuse to make. Fast enough for per-name minting (~1 ms with a reused key).
 */
import 'reflect-metadata';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as x from '@peculiar/asn1-x509';
import { RsaSaPssParams, id_sha256, id_mgf1, id_RSASSA_PSS } from '@peculiar/asn1-rsa';
import { MitmError } from '../errors.js';
import { encodePem } from '../x509/pem.js';

export type KeySpec =
  | { type: 'rsa'; bits: number }
  | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' | 'secp256k1' }
  | { type: 'ed25519' }
  | { type: 'ed448' };

export type SignatureHash = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface KeyPair {
  spec: KeySpec;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const CURVE_NODE_NAME = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', secp256k1: 'secp256k1' } as const;

export function generateKeyPair(spec: KeySpec): KeyPair {
  switch (spec.type) {
    case 'rsa':
      return { spec, ...generateKeyPairSync('rsa', { modulusLength: spec.bits, publicExponent: 0x10001 }) };
    case 'ec':
      return { spec, ...generateKeyPairSync('ec', { namedCurve: CURVE_NODE_NAME[spec.curve] }) };
    case 'ed25519':
      return { spec, ...generateKeyPairSync('ed25519') };
    case 'ed448':
      return { spec, ...generateKeyPairSync('ed448') };
  }
}

const keyCache = new Map<string, KeyPair>();
/** A key pair per spec and label, made once per process: RSA key generation is the slow part of minting. */
export function cachedKeyPair(spec: KeySpec, label = 'default'): KeyPair {
  const k = `${JSON.stringify(spec)}/${label}`;
  let kp = keyCache.get(k);
  if (!kp) keyCache.set(k, (kp = generateKeyPair(spec)));
  return kp;
}

/** A distinguished name as ordered attributes: `[['CN', 'example.com'], ['O', 'Example']]` or a plain CN string. */
export type NameSpec = string | ReadonlyArray<readonly [string, string]>;

const ATTRIBUTE_OIDS: Record<string, string> = {
  CN: '2.5.4.3', C: '2.5.4.6', L: '2.5.4.7', ST: '2.5.4.8', O: '2.5.4.10', OU: '2.5.4.11', serialNumber: '2.5.4.5',
  emailAddress: '1.2.840.113549.1.9.1', DC: '0.9.2342.19200300.100.1.25',
};

export function buildName(spec: NameSpec): x.Name {
  const attrs = typeof spec === 'string' ? [['CN', spec] as const] : spec;
  return new x.Name(
    attrs.map(([k, v]) => {
      const type = ATTRIBUTE_OIDS[k] ?? (/^\d+(\.\d+)+$/.test(k) ? k : undefined);
      if (!type) throw new MitmError('MG_ERR_USAGE', `unknown name attribute ${k}`);
      // RFC 5280 §4.1.2.4: countryName is PrintableString, emailAddress and DC IA5String; others UTF8String.
      const value =
        k === 'C' ? new x.AttributeValue({ printableString: v })
        : k === 'emailAddress' || k === 'DC' ? new x.AttributeValue({ ia5String: v })
        : new x.AttributeValue({ utf8String: v });
      return new x.RelativeDistinguishedName([new x.AttributeTypeAndValue({ type, value })]);
    }),
  );
}

export type SanEntry = { dns: string } | { ip: string } | { email: string } | { uri: string };

export interface ExtensionSpec {
  basicConstraints?: { ca: boolean; pathLen?: number; critical?: boolean };
  keyUsage?: { usages: Array<keyof typeof x.KeyUsageFlags>; critical?: boolean };
  extKeyUsage?: { oids: string[]; critical?: boolean };
  subjectAltName?: { entries: SanEntry[]; critical?: boolean };
  nameConstraints?: { permitted?: SanEntry[]; excluded?: SanEntry[]; critical?: boolean };
  /** true: SHA-1 of the public key (RFC 5280 §4.2.1.2 method 1). */
  subjectKeyIdentifier?: boolean | Uint8Array;
  /** Copied from the issuer's SKI by `issueCertificate`; set explicitly to override. */
  authorityKeyIdentifier?: Uint8Array | false;
  crlDistributionPoints?: string[];
  ocspUrl?: string;
  /** Anything else, DER of the extnValue contents as given (for unknown or malformed extensions). */
  raw?: Array<{ oid: string; critical: boolean; value: Uint8Array }>;
}

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export interface CertificateSpec {
  subject: NameSpec;
  /** Defaults to the subject (self-issued). */
  issuer?: NameSpec;
  subjectKey: KeyPair | KeyObject;
  /** Defaults to the subject key (self-signed). */
  signingKey?: KeyPair | KeyObject;
  hash?: SignatureHash;
  /** RSA keys: sign with RSASSA-PSS (SHA-256 only) instead of PKCS#1 v1.5. */
  pss?: boolean;
  serial?: Uint8Array;
  notBefore?: Date;
  notAfter?: Date;
  /** 1 or 3 (v1 certificates carry no extensions). */
  version?: 1 | 3;
  extensions?: ExtensionSpec;
  /** Flip a bit of the signature: a certificate whose signature does not verify. */
  corruptSignature?: boolean;
}

export interface BuiltCertificate {
  der: Uint8Array;
  pem: string;
  /** The subject key pair when it was given as one (for serving the certificate). */
  keyPair?: KeyPair;
  ski?: Uint8Array;
}

const asPublic = (k: KeyPair | KeyObject): KeyObject =>
  'privateKey' in k ? k.publicKey : k.type === 'private' ? createPublicKey(k) : k;
const asPrivate = (k: KeyPair | KeyObject): KeyObject => {
  const key = 'privateKey' in k ? k.privateKey : k;
  if (key.type !== 'private') throw new MitmError('MG_ERR_USAGE', 'signing key must be a private key');
  return key;
};

const SIG_OIDS: Record<string, string> = {
  'rsa/md5': '1.2.840.113549.1.1.4',
  'rsa/sha1': '1.2.840.113549.1.1.5',
  'rsa/sha256': '1.2.840.113549.1.1.11',
  'rsa/sha384': '1.2.840.113549.1.1.12',
  'rsa/sha512': '1.2.840.113549.1.1.13',
  'ec/sha1': '1.2.840.10045.4.1',
  'ec/sha256': '1.2.840.10045.4.3.2',
  'ec/sha384': '1.2.840.10045.4.3.3',
  'ec/sha512': '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
};

function signatureAlgorithm(key: KeyObject, hash: SignatureHash, pss: boolean): { alg: x.AlgorithmIdentifier; nodeHash: string | null } {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519' || type === 'ed448') return { alg: new x.AlgorithmIdentifier({ algorithm: SIG_OIDS[type]! }), nodeHash: null };
  if (type === 'rsa' && pss) {
    if (hash !== 'sha256') throw new MitmError('MG_ERR_UNSUPPORTED', 'RSASSA-PSS is built with SHA-256 only');
    const params = new RsaSaPssParams({
      hashAlgorithm: new x.AlgorithmIdentifier({ algorithm: id_sha256, parameters: null }),
      maskGenAlgorithm: new x.AlgorithmIdentifier({
        algorithm: id_mgf1,
        parameters: AsnConvert.serialize(new x.AlgorithmIdentifier({ algorithm: id_sha256, parameters: null })),
      }),
      saltLength: 32,
    });
    return { alg: new x.AlgorithmIdentifier({ algorithm: id_RSASSA_PSS, parameters: AsnConvert.serialize(params) }), nodeHash: hash };
  }
  const family = type === 'rsa' ? 'rsa' : type === 'ec' ? 'ec' : undefined;
  const oid = family && SIG_OIDS[`${family}/${hash}`];
  if (!oid) throw new MitmError('MG_ERR_UNSUPPORTED', `cannot sign with ${type} and ${hash}`);
  // RFC 4055 §5 / RFC 5758 §3.2: RSA PKCS#1 algorithm ids carry NULL parameters, ECDSA ones carry none.
  return { alg: new x.AlgorithmIdentifier(family === 'rsa' ? { algorithm: oid, parameters: null } : { algorithm: oid }), nodeHash: hash };
}

function generalName(e: SanEntry): x.GeneralName {
  if ('dns' in e) return new x.GeneralName({ dNSName: e.dns });
  if ('ip' in e) return new x.GeneralName({ iPAddress: e.ip });
  if ('email' in e) return new x.GeneralName({ rfc822Name: e.email });
  return new x.GeneralName({ uniformResourceIdentifier: e.uri });
}

const ext = (oid: string, critical: boolean, value: unknown): x.Extension =>
  new x.Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

/** SHA-1 over the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2, method 1). */
export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), x.SubjectPublicKeyInfo);
  return new Uint8Array(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());
}

function buildExtensions(spec: ExtensionSpec, subjectPublic: KeyObject): { list: x.Extension[]; ski?: Uint8Array } {
  const list: x.Extension[] = [];
  let ski: Uint8Array | undefined;
  if (spec.basicConstraints) {
    const bc = spec.basicConstraints;
    list.push(ext(x.id_ce_basicConstraints, bc.critical ?? true, new x.BasicConstraints({ cA: bc.ca, pathLenConstraint: bc.pathLen })));
  }
  if (spec.keyUsage) {
    const flags = spec.keyUsage.usages.reduce((acc, u) => acc | x.KeyUsageFlags[u], 0);
    list.push(ext(x.id_ce_keyUsage, spec.keyUsage.critical ?? true, new x.KeyUsage(flags)));
  }
  if (spec.extKeyUsage) list.push(ext(x.id_ce_extKeyUsage, spec.extKeyUsage.critical ?? false, new x.ExtendedKeyUsage(spec.extKeyUsage.oids)));
  if (spec.subjectAltName) {
    list.push(ext(x.id_ce_subjectAltName, spec.subjectAltName.critical ?? false, new x.SubjectAlternativeName(spec.subjectAltName.entries.map(generalName))));
  }
  if (spec.nameConstraints) {
    const subtrees = (entries?: SanEntry[]) =>
      entries?.length ? new x.GeneralSubtrees(entries.map((e) => new x.GeneralSubtree({ base: generalName(e) }))) : undefined;
    list.push(
      ext(x.id_ce_nameConstraints, spec.nameConstraints.critical ?? true, new x.NameConstraints({
        permittedSubtrees: subtrees(spec.nameConstraints.permitted),
        excludedSubtrees: subtrees(spec.nameConstraints.excluded),
      })),
    );
  }
  if (spec.subjectKeyIdentifier) {
    ski = spec.subjectKeyIdentifier === true ? keyIdentifier(subjectPublic) : spec.subjectKeyIdentifier;
    list.push(ext(x.id_ce_subjectKeyIdentifier, false, new x.SubjectKeyIdentifier(ski)));
  }
  if (spec.authorityKeyIdentifier) {
    list.push(ext(x.id_ce_authorityKeyIdentifier, false, new x.AuthorityKeyIdentifier({ keyIdentifier: new x.KeyIdentifier(spec.authorityKeyIdentifier) })));
  }
  if (spec.crlDistributionPoints?.length) {
    const points = spec.crlDistributionPoints.map(
      (uri) => new x.DistributionPoint({ distributionPoint: new x.DistributionPointName({ fullName: [new x.GeneralName({ uniformResourceIdentifier: uri })] }) }),
    );
    list.push(ext(x.id_ce_cRLDistributionPoints, false, new x.CRLDistributionPoints(points)));
  }
  if (spec.ocspUrl) {
    const aia = new x.AuthorityInfoAccessSyntax([
      new x.AccessDescription({ accessMethod: x.id_ad_ocsp, accessLocation: new x.GeneralName({ uniformResourceIdentifier: spec.ocspUrl }) }),
    ]);
    list.push(ext(x.id_pe_authorityInfoAccess, false, aia));
  }
  for (const r of spec.raw ?? []) list.push(new x.Extension({ extnID: r.oid, critical: r.critical, extnValue: new OctetString(r.value) }));
  return ski ? { list, ski } : { list };
}

/** Build and sign one certificate exactly as specified. */
export function buildCertificate(spec: CertificateSpec): BuiltCertificate {
  const subjectPublic = asPublic(spec.subjectKey);
  const signer = asPrivate(spec.signingKey ?? spec.subjectKey);
  const { alg, nodeHash } = signatureAlgorithm(signer, spec.hash ?? 'sha256', spec.pss ?? false);
  const now = Date.now();
  const serial = spec.serial ?? (() => {
    const s = randomBytes(16);
    s[0] = s[0]! & 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
    if (s[0] === 0) s[0] = 1;
    return new Uint8Array(s);
  })();
  const version = spec.version ?? 3;
  const { list, ski } = version === 3 && spec.extensions ? buildExtensions(spec.extensions, subjectPublic) : { list: [], ski: undefined };
  const tbs = new x.TBSCertificate({
    version: version === 1 ? x.Version.v1 : x.Version.v3,
    serialNumber: serial.slice().buffer,
    signature: alg,
    issuer: buildName(spec.issuer ?? spec.subject),
    validity: new x.Validity({
      notBefore: spec.notBefore ?? new Date(now - 60 * 60 * 1000),
      notAfter: spec.notAfter ?? new Date(now + 90 * 24 * 60 * 60 * 1000),
    }),
    subject: buildName(spec.subject),
    subjectPublicKeyInfo: AsnConvert.parse(subjectPublic.export({ type: 'spki', format: 'der' }), x.SubjectPublicKeyInfo),
    extensions: list.length ? new x.Extensions(list) : undefined,
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signOptions =
    signer.asymmetricKeyType === 'rsa' && spec.pss
      ? { key: signer, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }
      : signer;
  const signature = new Uint8Array(sign(nodeHash, tbsDer, signOptions));
  if (spec.corruptSignature) signature[signature.length - 1] = signature[signature.length - 1]! ^ 0x01;
  const cert = new x.Certificate({ tbsCertificate: tbs, signatureAlgorithm: alg, signatureValue: signature.buffer });
  const der = new Uint8Array(AsnConvert.serialize(cert));
  const out: BuiltCertificate = { der, pem: encodePem('CERTIFICATE', der) };
  if ('privateKey' in spec.subjectKey) out.keyPair = spec.subjectKey;
  if (ski) out.ski = ski;
  return out;
}

/** The private key as PKCS#8 PEM, for node:tls and openssl. Write it with mode 0600; never print it. */
export function privateKeyPem(k: KeyPair | KeyObject): string {
  return asPrivate(k).export({ type: 'pkcs8', format: 'pem' }).toString();
}
