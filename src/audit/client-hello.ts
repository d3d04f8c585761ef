/**
 * What an audited client offered in its ClientHello: versions, groups (and which are post-quantum), key shares,
 * signature schemes, ALPN, and its JA3/JA4 fingerprints. Sans-IO: the endpoint pushes the bytes the client sent
 * before they reach node:tls; the collector reassembles the TLS handshake records (RFC 8446 §5.1: a handshake message
 * may span records) up to the end of the ClientHello and stops. Bounded by MAX_CLIENT_HELLO_BYTES.
 */
import { ByteReader } from '../bytes.js';
import { MitmError, toMitmError } from '../errors.js';
import { parseClientHello } from '../tls/wire/client-hello-parse.js';
import { isGrease, ja3, ja4, signatureAlgorithmsOf } from '../tls/wire/fingerprint.js';
import { CONTENT_TYPE, groupName, isPostQuantumGroup, SIGNATURE_SCHEMES, versionName } from '../tls/wire/registry.js';

/** The most a ClientHello may take on the wire, records included (a PQ hello is ~1.8 KB; 64 KB is generous). */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

export interface ClientHelloFacts {
  /** Versions offered in supported_versions (or the legacy version alone), highest first as sent; no GREASE. */
  versions: string[];
  /** supported_groups in the client's order, IANA names; no GREASE. */
  groups: string[];
  /** Groups the client sent a key share for (its first guess). */
  keyShareGroups: string[];
  /** The offered groups that resist a quantum computer (ML-KEM, alone or hybrid). */
  postQuantumGroups: string[];
  /** signature_algorithms in the client's order (RFC 8446 §4.2.3 names, or 0xNNNN). */
  signatureSchemes: string[];
  alpn: string[];
  cipherSuites: number;
  ja3: string;
  ja3Hash: string;
  ja4: string;
}

/**
 * Names for what clients offer beyond the schemes our probes send: ML-DSA (FIPS 204, draft-ietf-tls-mldsa; OpenSSL 3.5
 * offers them) and the TLS 1.3 brainpool ECDSA schemes (RFC 8734 §3).
 */
const OFFERED_ONLY: Readonly<Record<string, number>> = {
  mldsa44: 0x0904,
  mldsa65: 0x0905,
  mldsa87: 0x0906,
  ecdsa_brainpoolP256r1tls13_sha256: 0x081a,
  ecdsa_brainpoolP384r1tls13_sha384: 0x081b,
  ecdsa_brainpoolP512r1tls13_sha512: 0x081c,
};
const SCHEME_NAME = new Map(Object.entries({ ...SIGNATURE_SCHEMES, ...OFFERED_ONLY }).map(([name, code]) => [code, name]));
const hex = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

/** The facts of one parsed ClientHello message (with its 4-byte header). Throws a MitmError on a malformed one. */
export function clientHelloFacts(message: Uint8Array): ClientHelloFacts {
  const hello = parseClientHello(message);
  const noGrease = (xs: number[]) => xs.filter((x) => !isGrease(x));
  const groups = noGrease(hello.groups);
  const versions = noGrease(hello.supportedVersions.length ? hello.supportedVersions : [hello.version]);
  const j3 = ja3(hello);
  return {
    versions: versions.map(versionName),
    groups: groups.map(groupName),
    keyShareGroups: noGrease(hello.keyShareGroups).map(groupName),
    postQuantumGroups: groups.filter(isPostQuantumGroup).map(groupName),
    signatureSchemes: noGrease(signatureAlgorithmsOf(hello)).map((s) => SCHEME_NAME.get(s) ?? hex(s)),
    alpn: hello.alpn,
    cipherSuites: noGrease(hello.cipherSuites).length,
    ja3: j3.text,
    ja3Hash: j3.hash,
    ja4: ja4(hello).ja4,
  };
}

/**
 * Feed it the client's bytes; `push` returns the facts once the ClientHello is complete, `null` while more is needed.
 * After the hello (or an error) it ignores everything: `error` says why nothing came.
 */
export class ClientHelloCollector {
  private buffer: Uint8Array = new Uint8Array(0);
  private handshake: Uint8Array = new Uint8Array(0);
  private done = false;
  error: MitmError | null = null;
  facts: ClientHelloFacts | null = null;

  push(chunk: Uint8Array): ClientHelloFacts | null {
    if (this.done) return null;
    try {
      if (this.buffer.length + chunk.length > MAX_CLIENT_HELLO_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `ClientHello over ${MAX_CLIENT_HELLO_BYTES} bytes`);
      this.buffer = concat(this.buffer, chunk);
      // RFC 8446 §5.1: type(1) legacy_record_version(2) length(2) fragment.
      while (this.buffer.length >= 5) {
        const r = new ByteReader(this.buffer, 'TLS record');
        const type = r.u8('content_type');
        r.u16('legacy_record_version');
        const length = r.u16('length');
        if (type !== CONTENT_TYPE.handshake) throw new MitmError('MG_ERR_PROTOCOL', `expected a handshake record, got content type ${type}`);
        // RFC 8446 §5.1: a fragment is at most 2^14 bytes.
        if (length > 0x4000) throw new MitmError('MG_ERR_PROTOCOL', `record of ${length} bytes (over 2^14)`);
        // The message's declared size is known from the first record's first bytes: refuse an oversized one early.
        if (this.handshake.length === 0 && this.buffer.length >= 9) {
          const size = (this.buffer[6]! << 16) | (this.buffer[7]! << 8) | this.buffer[8]!;
          if (4 + size > MAX_CLIENT_HELLO_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `ClientHello of ${size} bytes`);
        }
        if (this.buffer.length < 5 + length) break;
        this.handshake = concat(this.handshake, this.buffer.subarray(5, 5 + length));
        this.buffer = this.buffer.subarray(5 + length);
        if (this.handshake.length >= 4) {
          const size = (this.handshake[1]! << 16) | (this.handshake[2]! << 8) | this.handshake[3]!;
          if (4 + size > MAX_CLIENT_HELLO_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `ClientHello of ${size} bytes`);
          if (this.handshake.length >= 4 + size) {
            this.done = true;
            this.facts = clientHelloFacts(this.handshake.subarray(0, 4 + size));
            return this.facts;
          }
        }
      }
      return null;
    } catch (err) {
      this.done = true;
      this.error = toMitmError(err, 'MG_ERR_MALFORMED');
      return null;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
