/**
 * Fast per-name certificate minting for the interception modes (`audit-client --proxy`, the proxy): one private key
 * reused for every minted leaf (key generation is the slow part; signing is ~1 ms), a bounded cache, and wildcard
 * lookup so `a.example.com` and `b.example.com` share the `*.example.com` certificate — the lessons of mitmproxy's
 * certs.py. Minted leaves carry no subjectKeyIdentifier: SChannel mis-builds paths when a leaf's SKI equals its CA's.
 */
import 'reflect-metadata';
import { isIP } from 'node:net';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as x from '@peculiar/asn1-x509';
import { MitmError } from '../errors.js';
import { encodePem } from '../x509/pem.js';
import { generateKeyPair, type BuiltCertificate, type KeyPair } from './builder.js';
import { issueLeaf, type Authority, type LeafOptions } from './ca.js';
import { encodeServerLeaf } from './mint-der.js';

const DAY = 24 * 60 * 60 * 1000;

/** Default capacity, as mitmproxy's STORE_CAP: enough for a browsing session, small enough to never matter. */
export const MINT_CACHE_CAPACITY = 100;
/** RFC 1035 §2.3.4: 253 octets of name; longer SNI values are refused rather than minted. */
const MAX_NAME_LENGTH = 253;

/**
 * A bounded least-recently-used map. `get` refreshes an entry; `set` evicts the oldest beyond capacity. Map keeps
 * insertion order, so the first key is always the least recently used.
 */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity = MINT_CACHE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new MitmError('MG_ERR_USAGE', 'cache capacity must be a positive integer');
  }
  get size(): number {
    return this.map.size;
  }
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}

/**
 * Names under which a certificate for `name` may already be cached: the name itself, then the wildcard one label up
 * (`www.example.com` → `*.example.com`). RFC 6125 §6.4.3: a wildcard matches exactly one left-most label, so only
 * one level is tried, and never for IP addresses or single-label names.
 */
export function cacheCandidates(name: string): string[] {
  const n = normaliseName(name);
  const dot = n.indexOf('.');
  if (isIP(n) || dot < 0 || n.indexOf('.', dot + 1) < 0) return [n];
  return [n, `*${n.slice(dot)}`];
}

function normaliseName(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  if (!n || n.length > MAX_NAME_LENGTH || /[\s/\\\0]/.test(n)) throw new MitmError('MG_ERR_TARGET', `cannot mint a certificate for ${JSON.stringify(name.slice(0, 80))}`);
  return n;
}

export interface MintedCertificate {
  /** The names in the SAN: the requested one and, for names with a parent domain, its wildcard. */
  names: string[];
  cert: BuiltCertificate;
  /** Leaf first, then the issuer (clients that trust the issuer need nothing more). */
  chain: BuiltCertificate[];
  key: KeyPair;
}

export interface MinterOptions {
  issuer: Authority;
  /** The one key every minted leaf uses; generated once (P-256) when not given. */
  leafKey?: KeyPair;
  capacity?: number;
  /** Extra leaf options merged into every minted leaf (validity, EKU, hash, …). */
  leaf?: Partial<LeafOptions>;
}

/** Mints and caches a leaf per name, signed by one issuer. */
export class CertificateMinter {
  private readonly cache: BoundedCache<MintedCertificate>;
  private readonly key: KeyPair;
  /** Bytes prepared once for the DER fast path (absent when `leaf` options ask for the general builder). */
  private readonly fast: { issuerName: Uint8Array; spki: Uint8Array } | undefined;
  /** Counters, for benchmarks and the proxy's status line. */
  readonly stats = { minted: 0, hits: 0 };

  constructor(private readonly options: MinterOptions) {
    this.cache = new BoundedCache(options.capacity ?? MINT_CACHE_CAPACITY);
    this.key = options.leafKey ?? generateKeyPair({ type: 'ec', curve: 'P-256' });
    const issuerType = options.issuer.key.privateKey.asymmetricKeyType;
    const fastIssuer = issuerType === 'ec' || issuerType === 'rsa' || issuerType === 'ed25519';
    this.fast = options.leaf === undefined && fastIssuer
      ? {
          issuerName: new Uint8Array(AsnConvert.serialize(AsnConvert.parse(options.issuer.cert.der, x.Certificate).tbsCertificate.subject)),
          spki: new Uint8Array(this.key.publicKey.export({ type: 'spki', format: 'der' })),
        }
      : undefined;
  }

  private build(names: string[]): BuiltCertificate {
    if (this.fast) {
      const now = Date.now();
      const der = encodeServerLeaf({
        names,
        issuerName: this.fast.issuerName,
        ...(this.options.issuer.cert.ski ? { issuerKeyId: this.options.issuer.cert.ski } : {}),
        issuerKey: this.options.issuer.key.privateKey,
        subjectPublicKeyInfo: this.fast.spki,
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 30 * DAY),
      });
      return { der, pem: encodePem('CERTIFICATE', der), keyPair: this.key };
    }
    return issueLeaf(this.options.issuer, {
      names,
      // RFC 5280 §4.1.2.6: with the name in the SAN the subject could be empty; a CN keeps old clients working.
      subject: names[0]!,
      ...this.options.leaf,
      key: this.key,
      extensions: { ...this.options.leaf?.extensions, subjectKeyIdentifier: false },
    });
  }

  /** The certificate for `name`: from the cache (exact or wildcard) or minted now. */
  mint(name: string): MintedCertificate {
    const candidates = cacheCandidates(name);
    for (const c of candidates) {
      const hit = this.cache.get(c);
      if (hit) {
        this.stats.hits++;
        return hit;
      }
    }
    const names = candidates.length > 1 ? candidates : [candidates[0]!];
    const cert = this.build(names);
    const minted: MintedCertificate = { names, cert, chain: [cert, this.options.issuer.cert], key: this.key };
    this.stats.minted++;
    for (const c of candidates) this.cache.set(c, minted);
    return minted;
  }

  get cached(): number {
    return this.cache.size;
  }
}
