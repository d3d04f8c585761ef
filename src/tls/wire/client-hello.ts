/**
 * ClientHello builders: TLS 1.0–1.3 and SSLv3 (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2, RFC 6101 §5.6.1.2) and the
 * SSLv2-compatible CLIENT-HELLO (RFC 5246 App. E.2, RFC 6176). Pure: options in, bytes out.
 */
import { randomBytes } from 'node:crypto';
import { ByteWriter } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { EXTENSION_TYPE, HANDSHAKE_TYPE, CONTENT_TYPE, VERSIONS } from './registry.js';
import { encodeRecords } from './record.js';

export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

export interface ClientHelloOptions {
  /** legacy_version (RFC 8446 §4.1.2). For TLS 1.3 use 0x0303 and list 0x0304 in `supportedVersions`. */
  version: number;
  cipherSuites: readonly number[];
  /** The supported_versions extension (RFC 8446 §4.2.1); omitted when undefined. */
  supportedVersions?: readonly number[];
  serverName?: string;
  groups?: readonly number[];
  /** key_share entries (RFC 8446 §4.2.8); an empty array sends an empty list, which asks for a HelloRetryRequest. */
  keyShares?: readonly KeyShareEntry[];
  signatureAlgorithms?: readonly number[];
  alpn?: readonly string[];
  /** status_request for OCSP stapling (RFC 6066 §8). */
  statusRequest?: boolean;
  /** An empty renegotiation_info extension (RFC 5746 §3.4). */
  renegotiationInfo?: boolean;
  extendedMasterSecret?: boolean;
  sessionTicket?: boolean;
  /** ec_point_formats (RFC 8422 §5.1.2): uncompressed only. */
  ecPointFormats?: boolean;
  /** psk_key_exchange_modes (RFC 8446 §4.2.9): psk_dhe_ke. */
  pskKeyExchangeModes?: boolean;
  /** Compression methods (RFC 5246 §7.4.1.2); default [0] (null). Offer 1 (DEFLATE, RFC 3749) to detect CRIME exposure. */
  compressionMethods?: readonly number[];
  /** Pad to 512 bytes when the hello is 256–511 bytes long (RFC 7685 §4: some middleboxes hang on those lengths). */
  padding?: boolean;
  /** record_size_limit (RFC 8449 §4). */
  recordSizeLimit?: number;
  /** Omit every extension (SSLv3 servers predate them). */
  noExtensions?: boolean;
  random?: Uint8Array;
  sessionId?: Uint8Array;
  /** The cookie a HelloRetryRequest carried, echoed in the second ClientHello (RFC 8446 §4.2.2). */
  cookie?: Uint8Array;
}

function extension(w: ByteWriter, type: number, body: (w: ByteWriter) => void): void {
  w.u16(type).vector(2, body);
}

const encoder = new TextEncoder();

/**
 * Extension encoders, in the order of the RFC 8448 §3 example ClientHello (so that hello can be rebuilt byte for byte),
 * then the TLS ≤ 1.2 extensions. Each writes nothing when its option is unset.
 */
const EXTENSION_WRITERS: ReadonlyArray<(w: ByteWriter, o: ClientHelloOptions) => void> = [
  (w, o) => {
    if (!o.serverName) return;
    // RFC 6066 §3: server_name_list of one host_name entry.
    extension(w, EXTENSION_TYPE.serverName, (e) =>
      e.vector(2, (l) => l.u8(0).vector(2, (n) => n.bytes(encoder.encode(o.serverName!)))),
    );
  },
  (w, o) => {
    if (o.renegotiationInfo) extension(w, EXTENSION_TYPE.renegotiationInfo, (e) => e.u8(0));
  },
  (w, o) => {
    if (o.groups?.length) extension(w, EXTENSION_TYPE.supportedGroups, (e) => e.vector(2, (l) => o.groups!.forEach((g) => l.u16(g))));
  },
  (w, o) => {
    if (o.ecPointFormats) extension(w, EXTENSION_TYPE.ecPointFormats, (e) => e.vector(1, (l) => l.u8(0)));
  },
  (w, o) => {
    if (o.sessionTicket) extension(w, EXTENSION_TYPE.sessionTicket, () => {});
  },
  (w, o) => {
    if (!o.keyShares) return;
    extension(w, EXTENSION_TYPE.keyShare, (e) =>
      e.vector(2, (l) => o.keyShares!.forEach((k) => l.u16(k.group).vector(2, (x) => x.bytes(k.keyExchange)))),
    );
  },
  (w, o) => {
    if (o.supportedVersions?.length) {
      extension(w, EXTENSION_TYPE.supportedVersions, (e) => e.vector(1, (l) => o.supportedVersions!.forEach((v) => l.u16(v))));
    }
  },
  (w, o) => {
    if (o.signatureAlgorithms?.length) {
      extension(w, EXTENSION_TYPE.signatureAlgorithms, (e) => e.vector(2, (l) => o.signatureAlgorithms!.forEach((s) => l.u16(s))));
    }
  },
  (w, o) => {
    if (o.pskKeyExchangeModes) extension(w, EXTENSION_TYPE.pskKeyExchangeModes, (e) => e.vector(1, (l) => l.u8(1)));
  },
  (w, o) => {
    if (o.recordSizeLimit !== undefined) extension(w, EXTENSION_TYPE.recordSizeLimit, (e) => e.u16(o.recordSizeLimit!));
  },
  (w, o) => {
    if (o.extendedMasterSecret) extension(w, EXTENSION_TYPE.extendedMasterSecret, () => {});
  },
  (w, o) => {
    if (o.statusRequest) {
      // RFC 6066 §8: status_type ocsp(1), empty responder_id_list, empty request_extensions.
      extension(w, EXTENSION_TYPE.statusRequest, (e) => e.u8(1).u16(0).u16(0));
    }
  },
  (w, o) => {
    if (o.alpn?.length) {
      extension(w, EXTENSION_TYPE.alpn, (e) => e.vector(2, (l) => o.alpn!.forEach((p) => l.vector(1, (x) => x.bytes(encoder.encode(p))))));
    }
  },
  (w, o) => {
    // RFC 8446 §4.2.2: opaque cookie<1..2^16-1>.
    if (o.cookie) extension(w, EXTENSION_TYPE.cookie, (e) => e.vector(2, (c) => c.bytes(o.cookie!)));
  },
];

/** The ClientHello handshake message body (without the 4-byte handshake header). */
export function encodeClientHelloBody(o: ClientHelloOptions): Uint8Array {
  if (o.cipherSuites.length === 0) throw new MitmError('MG_ERR_USAGE', 'a ClientHello needs at least one cipher suite');
  const random = o.random ?? randomBytes(32);
  if (random.length !== 32) throw new MitmError('MG_ERR_USAGE', 'ClientHello.random must be 32 bytes');
  const w = new ByteWriter();
  w.u16(o.version).bytes(random);
  w.vector(1, (s) => s.bytes(o.sessionId ?? new Uint8Array(0)));
  w.vector(2, (c) => o.cipherSuites.forEach((s) => c.u16(s)));
  w.vector(1, (c) => (o.compressionMethods ?? [0]).forEach((m) => c.u8(m)));
  if (o.noExtensions) return w.finish();
  const ext = new ByteWriter();
  for (const write of EXTENSION_WRITERS) write(ext, o);
  let extBytes = ext.finish();
  // RFC 7685 §4: handshake header (4) + body + extensions length (2) lands in 256..511 → pad the total to 512.
  const helloLength = 4 + w.length + 2 + extBytes.length;
  if (o.padding && helloLength >= 256 && helloLength < 512) {
    const padLen = Math.max(0, 512 - helloLength - 4);
    const padded = new ByteWriter().bytes(extBytes);
    extension(padded, EXTENSION_TYPE.padding, (e) => e.bytes(new Uint8Array(padLen)));
    extBytes = padded.finish();
  }
  w.vector(2, (e) => e.bytes(extBytes));
  return w.finish();
}

/** A complete ClientHello: handshake header plus record framing, ready for the socket. */
export function encodeClientHello(o: ClientHelloOptions): Uint8Array {
  const body = encodeClientHelloBody(o);
  const hs = new ByteWriter().u8(HANDSHAKE_TYPE.clientHello).vector(3, (b) => b.bytes(body)).finish();
  // RFC 8446 §5.1: legacy_record_version 0x0301 for compatibility, except SSLv3 which expects 0x0300.
  const recordVersion = o.version <= VERSIONS.SSLv3 ? VERSIONS.SSLv3 : VERSIONS['TLSv1.0'];
  return encodeRecords(CONTENT_TYPE.handshake, recordVersion, hs);
}

/** SSLv2 cipher kinds (SSLv2 draft §C.4): three bytes each. */
export const SSLV2_CIPHER_KINDS: Readonly<Record<number, string>> = {
  0x010080: 'SSL_CK_RC4_128_WITH_MD5',
  0x020080: 'SSL_CK_RC4_128_EXPORT40_WITH_MD5',
  0x030080: 'SSL_CK_RC2_128_CBC_WITH_MD5',
  0x040080: 'SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5',
  0x050080: 'SSL_CK_IDEA_128_CBC_WITH_MD5',
  0x060040: 'SSL_CK_DES_64_CBC_WITH_MD5',
  0x0700c0: 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5',
};

export interface Sslv2HelloOptions {
  /** 0x0002 for a pure SSLv2 hello; 0x0301+ for an SSLv2-compatible hello of a TLS client (RFC 5246 App. E.2). */
  version: number;
  /** SSLv2 cipher kinds (3 bytes) and/or TLS suites (written as 0x00XXXX). */
  sslv2Ciphers?: readonly number[];
  tlsSuites?: readonly number[];
  challenge?: Uint8Array;
}

/** An SSLv2 CLIENT-HELLO with its two-byte record header (high bit set, 15-bit length). */
export function encodeSslv2ClientHello(o: Sslv2HelloOptions): Uint8Array {
  const challenge = o.challenge ?? randomBytes(16);
  const specs = [...(o.sslv2Ciphers ?? []), ...(o.tlsSuites ?? [])];
  const body = new ByteWriter()
    .u8(1) // MSG-CLIENT-HELLO
    .u16(o.version)
    .u16(specs.length * 3)
    .u16(0) // session-id length
    .u16(challenge.length);
  for (const s of specs) body.u8((s >>> 16) & 0xff).u16(s & 0xffff);
  body.bytes(challenge);
  const msg = body.finish();
  return new ByteWriter().u16(0x8000 | msg.length).bytes(msg).finish();
}
