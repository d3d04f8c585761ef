/**
 * The private CA on disk: a directory holding the offline root, the online intermediate (name-constrained), the
 * delegated OCSP responder, the hash-chained audit log that is the CA's state, the current CRL and a copy of every
 * issued certificate. Keys are written 0600 in a 0700 directory, optionally encrypted (./keys.ts); they are never
 * printed or logged. Mutations take a lock file so two `ca` commands never interleave their log lines.
 *
 *   ca.json  root.pem root.key  intermediate.pem intermediate.key  ocsp.pem ocsp.key  chain.pem
 *   audit.jsonl  crl.pem crl.der  issued/<serial>.pem
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { appendFileSync, chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MitmError } from '../errors.js';
import { createAuthority } from '../pki/ca.js';
import type { KeyPair, KeySpec } from '../pki/builder.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import { decodePem, encodePem } from '../x509/pem.js';
import { TrustStore } from '../x509/trust-store.js';
import { validateChain } from '../x509/validate.js';
import { parseCrl } from '../x509/crl.js';
import { seq, tlv } from './asn1.js';
import { chainRecord, foldState, verifyChain, type AuditEvent, type AuditRecord, type CaState, type IssuedCertificate } from './audit-log.js';
import { encodeCrl, type RevocationReason } from './crl.js';
import { privateKeyFromPem, privateKeyToPem } from './keys.js';
import { encodeLeaf, subjectPublicKeyBits as spkiBits } from './leaf-der.js';
import { describeSan, type SanName } from './names.js';
import { PROFILES, type ProfileName } from './profiles.js';
import { parseCidr } from './sign-policy.js';
import type { Responder } from './ocsp.js';

export const KEY_TYPES: Readonly<Record<string, KeySpec>> = {
  p256: { type: 'ec', curve: 'P-256' },
  p384: { type: 'ec', curve: 'P-384' },
  rsa3072: { type: 'rsa', bits: 3072 },
  ed25519: { type: 'ed25519' },
};

/** How long the CRL and OCSP answers are good for, and how long `ca init` makes the authorities live. */
export const CA_DEFAULTS = { rootDays: 3650, intermediateDays: 1095, crlHours: 24, ocspHours: 1, rootCrlDays: 365 } as const;
/** Lock waits: 200 tries 25 ms apart (5 s), then MG_ERR_IO. */
const LOCK_TRIES = 200;
/** Bytes read from the end of the audit log to find its last record. */
const TAIL_BYTES = 64 * 1024;

export interface CaConfig {
  version: 1;
  name: string;
  keyType: string;
  encrypted: boolean;
  permitted: { dns: string[]; ip: string[] };
  urls: { ocsp?: string; crl?: string };
  createdAt: string;
}

export interface InitOptions {
  name: string;
  keyType?: string;
  permitDns?: string[];
  permitIp?: string[];
  ocspUrl?: string;
  crlUrl?: string;
  passphrase?: string;
  now?: Date;
}

const DAY = 86_400_000;

/** Write a file that holds a secret: created exclusively, mode 0600 whatever the umask. */
function writeSecret(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

function writePublic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode: 0o644 });
  renameSync(tmp, path);
}

/** NameConstraints (RFC 5280 §4.2.1.10) with permitted dNSName and iPAddress (address + mask) subtrees. */
function nameConstraints(dns: readonly string[], ips: readonly string[]): Uint8Array {
  const subtrees = [
    ...dns.map((d) => seq(tlv(0x82, Buffer.from(d, 'ascii')))),
    ...ips.map((c) => {
      const net = parseCidr(c);
      if (!net) throw new MitmError('MG_ERR_USAGE', `--permit-ip ${JSON.stringify(c)} is not an address or CIDR`);
      const mask = new Uint8Array(net.bytes.length);
      for (let i = 0; i < net.bits; i++) mask[i >> 3]! |= 0x80 >> (i % 8);
      const addr = net.bytes.map((b, i) => b & mask[i]!);
      return seq(tlv(0x87, addr, mask));
    }),
  ];
  // permittedSubtrees [0] IMPLICIT GeneralSubtrees
  return seq(tlv(0xa0, ...subtrees));
}

const pemCert = (pem: string): Uint8Array => {
  const blocks = decodePem(pem).filter((b) => b.label === 'CERTIFICATE');
  if (!blocks[0]) throw new MitmError('MG_ERR_PEM', 'no CERTIFICATE block');
  return blocks[0].der;
};

/** Create a new CA in `dir` (which must not hold one). Returns the opened CA. */
export function initCa(dir: string, options: InitOptions): CertificateAuthority {
  if (existsSync(join(dir, 'ca.json'))) throw new MitmError('MG_ERR_USAGE', `${dir} already holds a CA`);
  const keyType = options.keyType ?? 'p256';
  const spec = KEY_TYPES[keyType];
  if (!spec) throw new MitmError('MG_ERR_USAGE', `--key-type must be one of ${Object.keys(KEY_TYPES).join(', ')}`);
  const now = options.now ?? new Date();
  const permitDns = (options.permitDns ?? []).map((d) => d.toLowerCase());
  const permitIp = options.permitIp ?? [];
  mkdirSync(join(dir, 'issued'), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const gen = (): KeyPair => {
    const kp = spec.type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: spec.bits }) : spec.type === 'ec' ? generateKeyPairSync('ec', { namedCurve: spec.curve }) : generateKeyPairSync('ed25519');
    return { spec, ...kp } as KeyPair;
  };
  const root = createAuthority([['CN', `${options.name} Root CA`], ['O', options.name]], {
    key: gen(), pathLen: 1, notBefore: new Date(now.getTime() - 300_000), notAfter: new Date(now.getTime() + CA_DEFAULTS.rootDays * DAY),
  });
  const constrained = permitDns.length + permitIp.length > 0;
  const intermediate = createAuthority([['CN', `${options.name} Intermediate CA`], ['O', options.name]], {
    key: gen(), issuer: root, pathLen: 0, notBefore: new Date(now.getTime() - 300_000), notAfter: new Date(now.getTime() + CA_DEFAULTS.intermediateDays * DAY),
    extensions: {
      keyUsage: { usages: ['keyCertSign', 'cRLSign', 'digitalSignature'] },
      ...(constrained ? { raw: [{ oid: '2.5.29.30', critical: true, value: nameConstraints(permitDns, permitIp) }] } : {}),
    },
  });
  const config: CaConfig = {
    version: 1, name: options.name, keyType, encrypted: options.passphrase !== undefined,
    permitted: { dns: permitDns, ip: permitIp },
    urls: { ...(options.ocspUrl ? { ocsp: options.ocspUrl } : {}), ...(options.crlUrl ? { crl: options.crlUrl } : {}) },
    createdAt: now.toISOString(),
  };
  // The root's own CRL (empty), signed now while the root key is at hand: relying parties that check every
  // certificate of the path (OpenSSL with X509_V_FLAG_CRL_CHECK_ALL, as node:tls sets it) need one for the intermediate.
  const rootCert = parseCertificate(root.cert.der);
  const rootCrl = encodeCrl({
    issuerName: rootCert.subject.der, ...(root.cert.ski ? { issuerKeyId: root.cert.ski } : {}), issuerKey: root.key.privateKey,
    revoked: [], crlNumber: 1, thisUpdate: new Date(now.getTime() - 60_000), nextUpdate: new Date(now.getTime() + CA_DEFAULTS.rootCrlDays * DAY),
  });
  writePublic(join(dir, 'root-crl.pem'), encodePem('X509 CRL', rootCrl));
  writeSecret(join(dir, 'root.key'), privateKeyToPem(root.key.privateKey, options.passphrase));
  writeSecret(join(dir, 'intermediate.key'), privateKeyToPem(intermediate.key.privateKey, options.passphrase));
  writePublic(join(dir, 'root.pem'), root.cert.pem);
  writePublic(join(dir, 'intermediate.pem'), intermediate.cert.pem);
  writePublic(join(dir, 'chain.pem'), intermediate.cert.pem + root.cert.pem);
  writePublic(join(dir, 'ca.json'), JSON.stringify(config, null, 2) + '\n');
  const ca = new CertificateAuthority(dir, config, intermediate.key.privateKey, options.passphrase);
  // The delegated OCSP responder (RFC 6960 §4.2.2.2): its own key, EKU OCSPSigning, nocheck.
  const responderKey = gen();
  const responder = ca.issue({ profile: 'ocsp', names: [], subject: [['CN', `${options.name} OCSP Responder`], ['O', options.name]], publicKey: responderKey.publicKey }, now);
  writeSecret(join(dir, 'ocsp.key'), privateKeyToPem(responderKey.privateKey, options.passphrase));
  writePublic(join(dir, 'ocsp.pem'), responder.certPem);
  ca.append({ type: 'init', root: fingerprint(root.cert.der), intermediate: fingerprint(intermediate.cert.der), responder: fingerprint(pemCert(responder.certPem)) }, now);
  ca.writeCrl(now);
  return ca;
}

const fingerprint = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');

/** Open the CA in `dir`. Reading state needs no passphrase; signing does (given here or to `unlock`). */
export function openCa(dir: string, passphrase?: string): CertificateAuthority {
  const path = join(dir, 'ca.json');
  if (!existsSync(path)) throw new MitmError('MG_ERR_USAGE', `${dir} holds no CA (run mitmguard ca init first)`);
  let config: CaConfig;
  try {
    config = JSON.parse(readFileSync(path, 'utf8')) as CaConfig;
  } catch (err) {
    throw new MitmError('MG_ERR_CONFIG', `${path} is not valid JSON`, { cause: err });
  }
  if (config.version !== 1) throw new MitmError('MG_ERR_CONFIG', `${path}: unsupported version ${String(config.version)}`);
  return new CertificateAuthority(dir, config, undefined, passphrase);
}

export interface IssueRequest {
  profile: ProfileName;
  names: readonly SanName[];
  /** Subject attributes; default CN = the first DNS name or IP address, or an empty subject for SPIFFE-only. */
  subject?: ReadonlyArray<readonly [string, string]>;
  lifetimeHours?: number;
  /** The subject's public key (from a CSR or the old certificate); a fresh key of the CA's type is made otherwise. */
  publicKey?: KeyObject;
  requester?: string;
  renewedFrom?: string;
}

export interface Issued {
  serial: string;
  certPem: string;
  /** Leaf, then the intermediate: what a TLS server or client presents. */
  chainPem: string;
  /** Only when the CA generated the key: PKCS#8 PEM, to be written 0600 by the caller. */
  keyPem?: string;
  record: IssuedCertificate;
}

export class CertificateAuthority {
  private cachedIntermediate: Certificate | undefined;
  private cachedRoot: Certificate | undefined;

  constructor(
    readonly dir: string,
    readonly config: CaConfig,
    private signingKey: KeyObject | undefined,
    private readonly passphrase: string | undefined,
  ) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  get intermediate(): Certificate {
    return (this.cachedIntermediate ??= parseCertificate(pemCert(readFileSync(this.path('intermediate.pem'), 'utf8'))));
  }
  get root(): Certificate {
    return (this.cachedRoot ??= parseCertificate(pemCert(readFileSync(this.path('root.pem'), 'utf8'))));
  }
  get chainPem(): string {
    return readFileSync(this.path('chain.pem'), 'utf8');
  }

  private key(): KeyObject {
    return (this.signingKey ??= privateKeyFromPem(readFileSync(this.path('intermediate.key'), 'utf8'), this.passphrase, 'intermediate.key'));
  }

  /** Every record of the audit log, verified; a broken chain is MG_ERR_CONFIG (the log was tampered with). */
  records(): AuditRecord[] {
    const p = this.path('audit.jsonl');
    if (!existsSync(p)) return [];
    const v = verifyChain(readFileSync(p, 'utf8'));
    if (!v.ok) throw new MitmError('MG_ERR_CONFIG', `audit.jsonl is broken at line ${v.brokenAt!.line}: ${v.brokenAt!.reason}`);
    return v.records;
  }

  state(): CaState {
    return foldState(this.records());
  }

  /** Run `fn` holding the directory lock (O_EXCL lock file). */
  private locked<T>(fn: () => T): T {
    const lock = this.path('.lock');
    let fd: number | undefined;
    for (let i = 0; i < LOCK_TRIES && fd === undefined; i++) {
      try {
        fd = openSync(lock, 'wx', 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new MitmError('MG_ERR_IO', `cannot lock ${this.dir}`, { cause: err });
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
      }
    }
    if (fd === undefined) throw new MitmError('MG_ERR_IO', `${lock} is held by another process (remove it if none runs)`);
    try {
      return fn();
    } finally {
      closeSync(fd);
      unlinkSync(lock);
    }
  }

  /** The last line of the log, read from the file's tail (appending must not cost a fold over the whole log). */
  private lastRecord(): AuditRecord | undefined {
    const p = this.path('audit.jsonl');
    if (!existsSync(p)) return undefined;
    const size = statSync(p).size;
    if (size === 0) return undefined;
    const fd = openSync(p, 'r');
    try {
      const len = Math.min(size, TAIL_BYTES);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      const lines = buf.toString('utf8').split('\n').filter(Boolean);
      const last = lines.at(-1);
      if (!last || (lines.length < 2 && len < size)) throw new MitmError('MG_ERR_CONFIG', 'audit.jsonl: last line longer than the tail read');
      return JSON.parse(last) as AuditRecord;
    } catch (err) {
      throw err instanceof MitmError ? err : new MitmError('MG_ERR_CONFIG', 'audit.jsonl: the last line is not a record', { cause: err });
    } finally {
      closeSync(fd);
    }
  }

  /** Append one event to the audit log (chained to the last record). */
  append(event: AuditEvent, now = new Date()): AuditRecord {
    return this.locked(() => {
      const rec = chainRecord(this.lastRecord(), event, now, process.env.USER ?? 'unknown');
      appendFileSync(this.path('audit.jsonl'), JSON.stringify(rec) + '\n', { mode: 0o600 });
      return rec;
    });
  }

  /** Issue one certificate under a profile; it is validated by the strict validator before it is handed out. */
  issue(request: IssueRequest, now = new Date()): Issued {
    const profile = PROFILES[request.profile];
    const hours = request.lifetimeHours ?? profile.defaultLifetimeHours;
    if (!(hours > 0) || hours > profile.maxLifetimeHours) {
      throw new MitmError('MG_ERR_USAGE', `a ${request.profile} certificate lives at most ${profile.maxLifetimeHours} h`);
    }
    if (request.profile !== 'ocsp' && request.names.length === 0) throw new MitmError('MG_ERR_USAGE', 'give at least one name (--san)');
    let keyPem: string | undefined;
    let publicKey = request.publicKey;
    if (!publicKey) {
      const spec = KEY_TYPES[this.config.keyType]!;
      const kp = spec.type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : spec.type === 'ec' ? generateKeyPairSync('ec', { namedCurve: spec.curve }) : generateKeyPairSync('ed25519');
      publicKey = kp.publicKey;
      keyPem = privateKeyToPem(kp.privateKey);
    }
    const spki = new Uint8Array((publicKey.type === 'public' ? publicKey : createPublicKey(publicKey)).export({ type: 'spki', format: 'der' }));
    // CN only from a DNS name: OpenSSL checks a CN that looks like a host name against DNS name constraints, so an IP
    // address there would fail a dNSName-constrained intermediate. No DNS name: an empty subject and a critical SAN.
    const firstDns = request.names.find((n) => n.kind === 'dns');
    const subject = request.subject ?? (firstDns && firstDns.value.length <= 64 ? [['CN', firstDns.value] as const] : []);
    const intermediate = this.intermediate;
    const { der, serial } = encodeLeaf({
      subject,
      names: request.names,
      eku: profile.eku,
      issuerName: intermediate.subject.der,
      ...(intermediate.ext.subjectKeyIdentifier ? { issuerKeyId: intermediate.ext.subjectKeyIdentifier } : {}),
      issuerKey: this.key(),
      spki,
      notBefore: new Date(now.getTime() - 300_000),
      notAfter: new Date(now.getTime() + hours * 3_600_000),
      ...(request.profile !== 'ocsp' && this.config.urls.crl ? { crlUrl: this.config.urls.crl } : {}),
      ...(request.profile !== 'ocsp' && this.config.urls.ocsp ? { ocspUrl: this.config.urls.ocsp } : {}),
      ...(profile.ocspNoCheck ? { ocspNoCheck: true } : {}),
    });
    const cert = parseCertificate(der);
    this.selfCheck(cert, request.profile, now);
    const certPem = encodePem('CERTIFICATE', der);
    const serialHex = Buffer.from(serial).toString('hex');
    const event = {
      type: 'issue' as const,
      serial: serialHex,
      profile: request.profile,
      subject: cert.subject.text,
      names: request.names.map(describeSan),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      fingerprint: cert.fingerprint,
      keyAlgorithm: publicKey.asymmetricKeyType === 'ec' ? `ec-${String(publicKey.asymmetricKeyDetails?.namedCurve)}` : `${publicKey.asymmetricKeyType}${publicKey.asymmetricKeyDetails?.modulusLength ? `-${publicKey.asymmetricKeyDetails.modulusLength}` : ''}`,
      ...(request.requester ? { requester: request.requester } : {}),
      ...(request.renewedFrom ? { renewedFrom: request.renewedFrom } : {}),
    };
    writePublic(this.path(`issued/${serialHex}.pem`), certPem);
    const rec = this.append(event, now);
    const { type: _t, seq: _s, time, actor: _a, prev: _p, hash: _h, ...fields } = rec as AuditRecord & { type: 'issue' };
    return {
      serial: serialHex,
      certPem,
      chainPem: certPem + encodePem('CERTIFICATE', intermediate.der),
      ...(keyPem ? { keyPem } : {}),
      record: { ...fields, issuedAt: time },
    };
  }

  /** Every certificate must pass our strict validator for its purpose before anyone sees it. */
  private selfCheck(cert: Certificate, profile: ProfileName, now: Date): void {
    const store = new TrustStore([this.root]);
    const purposes = profile === 'peer' ? (['server', 'client'] as const) : profile === 'client' ? (['client'] as const) : profile === 'server' ? (['server'] as const) : [];
    for (const purpose of purposes) {
      const r = validateChain(cert, [this.intermediate], store, { purpose, at: now });
      if (!r.valid) throw new MitmError('MG_ERR_X509_INVALID', `the issued certificate fails validation: ${r.errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`);
    }
    if (profile === 'ocsp') {
      const r = validateChain(cert, [this.intermediate], store, { purpose: 'client', at: now });
      const fatal = r.errors.filter((e) => e.code !== 'extended-key-usage');
      if (fatal.length) throw new MitmError('MG_ERR_X509_INVALID', `the responder certificate fails validation: ${fatal.map((e) => e.message).join('; ')}`);
    }
  }

  /** The stored copy of an issued certificate. */
  issuedCertificate(serialHex: string): Certificate {
    const p = this.path(`issued/${serialHex.toLowerCase()}.pem`);
    if (!/^[0-9a-f]+$/i.test(serialHex) || !existsSync(p)) throw new MitmError('MG_ERR_USAGE', `no certificate with serial ${serialHex} was issued by this CA`);
    return parseCertificate(pemCert(readFileSync(p, 'utf8')));
  }

  /** Revoke by serial, then publish a new CRL. Revoking twice is a usage error. */
  revoke(serialHex: string, reason: RevocationReason, now = new Date()): IssuedCertificate {
    const serial = serialHex.toLowerCase().replace(/^0x/, '').replace(/:/g, '');
    const c = this.state().issued.get(serial);
    if (!c) throw new MitmError('MG_ERR_USAGE', `no certificate with serial ${serial} was issued by this CA`);
    if (c.revoked) throw new MitmError('MG_ERR_USAGE', `${serial} was already revoked on ${c.revoked.at}`);
    this.append({ type: 'revoke', serial, reason }, now);
    this.writeCrl(now);
    return { ...c, revoked: { at: now.toISOString(), reason } };
  }

  /** Sign and write crl.der / crl.pem with the next cRLNumber; returns the DER. */
  writeCrl(now = new Date()): Uint8Array {
    const state = this.state();
    const revoked = [...state.issued.values()]
      .filter((c) => c.revoked)
      .map((c) => ({ serialHex: c.serial, revokedAt: new Date(c.revoked!.at), reason: c.revoked!.reason }));
    const crlNumber = state.lastCrlNumber + 1;
    const nextUpdate = new Date(now.getTime() + CA_DEFAULTS.crlHours * 3_600_000);
    const intermediate = this.intermediate;
    const der = encodeCrl({
      issuerName: intermediate.subject.der,
      ...(intermediate.ext.subjectKeyIdentifier ? { issuerKeyId: intermediate.ext.subjectKeyIdentifier } : {}),
      issuerKey: this.key(),
      revoked,
      crlNumber,
      thisUpdate: new Date(now.getTime() - 60_000),
      nextUpdate,
    });
    parseCrl(der); // our own parser must read what we publish
    writePublic(this.path('crl.der'), der);
    // crl.pem: the intermediate's CRL, then the root's (see initCa), so one file serves full-path CRL checking.
    const rootCrl = existsSync(this.path('root-crl.pem')) ? readFileSync(this.path('root-crl.pem'), 'utf8') : '';
    writePublic(this.path('crl.pem'), encodePem('X509 CRL', der) + rootCrl);
    this.append({ type: 'crl', crlNumber, revoked: revoked.length, nextUpdate: nextUpdate.toISOString() }, now);
    return der;
  }

  /** The delegated OCSP responder's material (RFC 6960 §4.2.2.2). */
  responder(validityMs = CA_DEFAULTS.ocspHours * 3_600_000): Responder {
    const certDer = pemCert(readFileSync(this.path('ocsp.pem'), 'utf8'));
    const key = privateKeyFromPem(readFileSync(this.path('ocsp.key'), 'utf8'), this.passphrase, 'ocsp.key');
    const cert = parseCertificate(certDer);
    const intermediate = this.intermediate;
    return {
      issuerNameDer: intermediate.subject.der,
      issuerPublicKeyBits: spkiBits(intermediate.spki.der),
      responderCertDer: certDer,
      responderKey: key,
      responderKeyHash: new Uint8Array(createHash('sha1').update(spkiBits(cert.spki.der)).digest()),
      validityMs,
    };
  }

  /** Files in issued/ (for `ca list` when the log and the directory should agree). */
  issuedFiles(): string[] {
    return readdirSync(this.path('issued')).filter((f) => f.endsWith('.pem'));
  }

  /** Modification stamp of the audit log, so a long-running responder knows when to re-read the state. */
  stamp(): string {
    const s = statSync(this.path('audit.jsonl'));
    return `${s.size}:${s.mtimeMs}`;
  }
}
