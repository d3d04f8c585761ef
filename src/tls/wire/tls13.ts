/**
 * Reading the encrypted part of a TLS 1.3 server flight (RFC 8446 §7, §5.2), sans-IO.
 *
 * A scanner that sent a ClientHello with real key shares (./key-shares.ts) can compute the handshake secret and read
 * what every TLS 1.3 server hides after its ServerHello: EncryptedExtensions (ALPN), CertificateRequest (is a client
 * certificate asked for, and from which CAs?), Certificate (the chain, and a stapled OCSP response in the leaf entry's
 * extensions) — without finishing the handshake, and without trusting anything. The client never sends its Finished;
 * the connection is closed once the server's Finished has arrived.
 *
 * Only the server's handshake traffic key is derived. Everything is bounded by the caller's record and message limits.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { ByteReader, ByteWriter } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { LIMITS } from './limits.js';
import { EXTENSION_TYPE } from './registry.js';

/** The AEAD of each TLS 1.3 suite (RFC 8446 §B.4) and its hash. */
export interface Tls13SuiteParams {
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  hash: 'sha256' | 'sha384';
  keyLength: number;
  tagLength: number;
}

export const TLS13_SUITE_PARAMS: Readonly<Record<number, Tls13SuiteParams>> = {
  0x1301: { cipher: 'aes-128-gcm', hash: 'sha256', keyLength: 16, tagLength: 16 },
  0x1302: { cipher: 'aes-256-gcm', hash: 'sha384', keyLength: 32, tagLength: 16 },
  0x1303: { cipher: 'chacha20-poly1305', hash: 'sha256', keyLength: 32, tagLength: 16 },
  0x1304: { cipher: 'aes-128-ccm', hash: 'sha256', keyLength: 16, tagLength: 16 },
  0x1305: { cipher: 'aes-128-ccm', hash: 'sha256', keyLength: 16, tagLength: 8 },
};

const HASH_LENGTH = { sha256: 32, sha384: 48 } as const;
const IV_LENGTH = 12;

/** HKDF-Extract (RFC 5869 §2.2). */
export function hkdfExtract(hash: string, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return Uint8Array.from(createHmac(hash, salt).update(ikm).digest());
}

/** HKDF-Expand-Label (RFC 8446 §7.1): HKDF-Expand with the `tls13 ` label structure as info. */
export function hkdfExpandLabel(hash: string, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = new TextEncoder().encode(`tls13 ${label}`);
  const info = new ByteWriter().u16(length).vector(1, (w) => w.bytes(fullLabel)).vector(1, (w) => w.bytes(context)).finish();
  const out = Buffer.alloc(length);
  let previous = Buffer.alloc(0);
  for (let filled = 0, i = 1; filled < length; i++) {
    previous = createHmac(hash, secret).update(previous).update(info).update(Uint8Array.of(i)).digest();
    previous.copy(out, filled);
    filled += previous.length;
  }
  return Uint8Array.from(out);
}

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
  /** server_handshake_traffic_secret, kept for the RFC 8448 test. */
  secret: Uint8Array;
}

/**
 * The server's handshake traffic key and IV (RFC 8446 §7.1, §7.3) from the (EC)DHE shared secret and the transcript
 * ClientHello‖ServerHello (whole handshake messages, headers included).
 */
export function serverHandshakeKeys(suite: number, sharedSecret: Uint8Array, clientHello: Uint8Array, serverHello: Uint8Array): TrafficKeys {
  const p = TLS13_SUITE_PARAMS[suite];
  if (!p) throw new MitmError('MG_ERR_PROTOCOL', `0x${suite.toString(16).padStart(4, '0')} is not a TLS 1.3 cipher suite`);
  const n = HASH_LENGTH[p.hash];
  const zeros = new Uint8Array(n);
  const early = hkdfExtract(p.hash, zeros, zeros);
  const emptyHash = createHash(p.hash).digest();
  const derived = hkdfExpandLabel(p.hash, early, 'derived', emptyHash, n);
  const handshakeSecret = hkdfExtract(p.hash, derived, sharedSecret);
  const transcript = createHash(p.hash).update(clientHello).update(serverHello).digest();
  const secret = hkdfExpandLabel(p.hash, handshakeSecret, 's hs traffic', transcript, n);
  return {
    key: hkdfExpandLabel(p.hash, secret, 'key', new Uint8Array(0), p.keyLength),
    iv: hkdfExpandLabel(p.hash, secret, 'iv', new Uint8Array(0), IV_LENGTH),
    secret,
  };
}

/** RFC 8446 §5.3: the per-record nonce is the IV XOR the 64-bit sequence number, left-padded. */
function nonceFor(iv: Uint8Array, seq: number): Buffer {
  const nonce = Buffer.from(iv);
  let s = BigInt(seq);
  for (let i = nonce.length - 1; i >= nonce.length - 8; i--) {
    nonce[i]! ^= Number(s & 0xffn);
    s >>= 8n;
  }
  return nonce;
}

/** The record header as additional data; CCM must also be told the plaintext length before any data (node:crypto). */
function setAad(aead: { setAAD(a: Uint8Array, o?: { plaintextLength: number }): unknown }, p: Tls13SuiteParams, header: Uint8Array, plaintextLength: number): void {
  if (p.cipher === 'aes-128-ccm') aead.setAAD(header, { plaintextLength });
  else aead.setAAD(header);
}

/** One decrypted record: its real content type and content, padding removed (RFC 8446 §5.2, §5.4). */
export interface InnerPlaintext {
  type: number;
  content: Uint8Array;
}

/** Decrypts the server's handshake records in order. Each failure is MG_ERR_PROTOCOL (a wrong key or a forged record). */
export class Tls13RecordDecrypter {
  private seq = 0;

  constructor(
    private readonly suite: number,
    private readonly keys: TrafficKeys,
  ) {}

  /** Decrypt one application_data record given its 5-byte header and fragment. */
  decrypt(header: Uint8Array, fragment: Uint8Array): InnerPlaintext {
    const p = TLS13_SUITE_PARAMS[this.suite]!;
    if (fragment.length < p.tagLength + 1) throw new MitmError('MG_ERR_PROTOCOL', `encrypted record of ${fragment.length} bytes is shorter than its tag`);
    // RFC 8446 §5.2: TLSCiphertext.length must not exceed 2^14 + 256.
    if (fragment.length > 2 ** 14 + 256) throw new MitmError('MG_ERR_TOO_LARGE', `encrypted record of ${fragment.length} bytes exceeds 2^14 + 256`);
    const nonce = nonceFor(this.keys.iv, this.seq++);
    const data = fragment.subarray(0, fragment.length - p.tagLength);
    const tag = fragment.subarray(fragment.length - p.tagLength);
    let plain: Buffer;
    try {
      const options = { authTagLength: p.tagLength } as const;
      const d = createDecipheriv(p.cipher as 'aes-128-gcm', this.keys.key, nonce, options);
      setAad(d, p, header, data.length);
      d.setAuthTag(tag);
      plain = Buffer.concat([d.update(data), d.final()]);
    } catch (err) {
      throw new MitmError('MG_ERR_PROTOCOL', 'a TLS 1.3 handshake record did not decrypt (wrong key share, transcript or a tampered record)', { cause: err });
    }
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    if (end === 0) throw new MitmError('MG_ERR_PROTOCOL', 'decrypted TLS 1.3 record has no content type (all padding)');
    return { type: plain[end - 1]!, content: Uint8Array.from(plain.subarray(0, end - 1)) };
  }
}

/** Encrypt like a server would: the inverse of Tls13RecordDecrypter, for tests and the lab. */
export function encryptRecord(suite: number, keys: TrafficKeys, seq: number, type: number, content: Uint8Array, padding = 0): Uint8Array {
  const p = TLS13_SUITE_PARAMS[suite]!;
  const inner = Buffer.concat([Buffer.from(content), Buffer.from([type]), Buffer.alloc(padding)]);
  const header = Uint8Array.of(23, 3, 3, (inner.length + p.tagLength) >> 8, (inner.length + p.tagLength) & 0xff);
  const c = createCipheriv(p.cipher as 'aes-128-gcm', keys.key, nonceFor(keys.iv, seq), { authTagLength: p.tagLength });
  setAad(c, p, header, inner.length);
  const body = Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]);
  return Uint8Array.from(Buffer.concat([header, body]));
}

function readExtensions(r: ByteReader, what: string): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const list = r.vector(2, `${what} extensions`);
  while (!list.done) {
    const type = list.u16('extension type');
    const body = list.vector(2, 'extension data').rest();
    if (out.has(type)) throw new MitmError('MG_ERR_PROTOCOL', `${what}: extension ${type} appears twice`);
    out.set(type, body);
  }
  return out;
}

/** EncryptedExtensions (RFC 8446 §4.3.1): the extensions, and the ALPN protocol when one was selected. */
export function parseEncryptedExtensions(body: Uint8Array): { extensions: Map<number, Uint8Array>; alpn: string | null } {
  const r = new ByteReader(body, 'EncryptedExtensions');
  const extensions = readExtensions(r, 'EncryptedExtensions');
  if (!r.done) throw new MitmError('MG_ERR_PROTOCOL', 'EncryptedExtensions: bytes after the extensions');
  let alpn: string | null = null;
  const al = extensions.get(EXTENSION_TYPE.alpn);
  if (al) {
    const list = new ByteReader(al, 'alpn').vector(2, 'protocol_name_list');
    alpn = new TextDecoder().decode(list.vector(1, 'protocol_name').rest());
    if (!list.done) throw new MitmError('MG_ERR_PROTOCOL', 'ALPN: the server selected more than one protocol');
  }
  return { extensions, alpn };
}

/** One CertificateEntry (RFC 8446 §4.4.2): the DER and its extensions (status_request carries a stapled OCSP response). */
export interface Tls13CertificateEntry {
  der: Uint8Array;
  extensions: Map<number, Uint8Array>;
}

/** Certificate (RFC 8446 §4.4.2), bounded by LIMITS.MAX_CHAIN_LENGTH. */
export function parseTls13Certificate(body: Uint8Array): { context: Uint8Array; entries: Tls13CertificateEntry[] } {
  const r = new ByteReader(body, 'Certificate');
  const context = r.vector(1, 'certificate_request_context').rest();
  const list = r.vector(3, 'certificate_list');
  if (!r.done) throw new MitmError('MG_ERR_PROTOCOL', 'Certificate: bytes after the certificate list');
  const entries: Tls13CertificateEntry[] = [];
  while (!list.done) {
    if (entries.length >= LIMITS.MAX_CHAIN_LENGTH) {
      throw new MitmError('MG_ERR_TOO_LARGE', `more than ${LIMITS.MAX_CHAIN_LENGTH} certificates in the chain`);
    }
    const der = list.vector(3, 'cert_data').rest();
    if (der.length === 0) throw new MitmError('MG_ERR_PROTOCOL', 'Certificate: an empty cert_data');
    entries.push({ der, extensions: readExtensions(list, 'CertificateEntry') });
  }
  return { context, entries };
}

/** CertificateRequest (RFC 8446 §4.3.2): its context and extensions (signature_algorithms, certificate_authorities). */
export function parseTls13CertificateRequest(body: Uint8Array): { context: Uint8Array; extensions: Map<number, Uint8Array> } {
  const r = new ByteReader(body, 'CertificateRequest');
  const context = r.vector(1, 'certificate_request_context').rest();
  const extensions = readExtensions(r, 'CertificateRequest');
  if (!r.done) throw new MitmError('MG_ERR_PROTOCOL', 'CertificateRequest: bytes after the extensions');
  if (!extensions.has(EXTENSION_TYPE.signatureAlgorithms)) {
    throw new MitmError('MG_ERR_PROTOCOL', 'CertificateRequest without signature_algorithms (RFC 8446 §4.3.2 requires it)');
  }
  return { context, extensions };
}
