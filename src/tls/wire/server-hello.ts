/** ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4; RFC 5246 §7.4.1.3). */
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { EXTENSION_TYPE } from './registry.js';

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"). */
export const HRR_RANDOM = Uint8Array.from(
  Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'),
);

/** RFC 8446 §4.1.3: the last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 (…01) or below (…00). */
export const DOWNGRADE_SENTINELS = {
  tls12: Uint8Array.from(Buffer.from('444f574e47524401', 'hex')),
  tls11: Uint8Array.from(Buffer.from('444f574e47524400', 'hex')),
} as const;

export type DowngradeSentinel = keyof typeof DOWNGRADE_SENTINELS;

/** Which downgrade sentinel ends `random`, if any. */
export function downgradeSentinel(random: Uint8Array): DowngradeSentinel | null {
  const tail = random.subarray(24, 32);
  for (const [name, bytes] of Object.entries(DOWNGRADE_SENTINELS) as Array<[DowngradeSentinel, Uint8Array]>) {
    if (equalBytes(tail, bytes)) return name;
  }
  return null;
}

export interface ServerHello {
  /** legacy_version as sent. */
  legacyVersion: number;
  /** The negotiated version: supported_versions when present (RFC 8446 §4.2.1), else legacy_version. */
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  helloRetryRequest: boolean;
  /** Raw extensions by type, in the order received. */
  extensions: Map<number, Uint8Array>;
  /** key_share: the server's group (ServerHello) or the group it asks for (HelloRetryRequest). */
  keyShareGroup: number | null;
  alpn: string | null;
  /** renegotiation_info present (RFC 5746 §3.6): the server supports secure renegotiation. */
  secureRenegotiation: boolean;
  /** status_request present: the server will staple an OCSP response (RFC 6066 §8). */
  statusRequest: boolean;
  extendedMasterSecret: boolean;
}

/** Parse a ServerHello body (after the 4-byte handshake header). */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'ServerHello');
  const legacyVersion = r.u16('legacy_version');
  const random = r.take(32, 'random');
  // RFC 8446 §4.1.3 / RFC 5246 §7.4.1.3: legacy_session_id<0..32>; more is a decode_error, not a size limit of ours.
  const sessionIdLength = r.u8('legacy_session_id');
  if (sessionIdLength > 32) throw new MitmError('MG_ERR_MALFORMED', `ServerHello: legacy_session_id of ${sessionIdLength} bytes (at most 32)`);
  const sessionId = r.take(sessionIdLength, 'legacy_session_id');
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = new Map<number, Uint8Array>();
  // RFC 5246 §7.4.1.3: the extensions block may be absent altogether (SSLv3 and old TLS servers).
  if (!r.done) {
    const ext = r.vector(2, 'extensions');
    while (!ext.done) {
      const type = ext.u16('extension_type');
      const data = ext.vector(2, 'extension_data').rest();
      if (extensions.has(type)) throw new MitmError('MG_ERR_MALFORMED', `ServerHello: duplicate extension ${type}`);
      extensions.set(type, data);
    }
  }
  r.end();
  const helloRetryRequest = equalBytes(random, HRR_RANDOM);

  let version = legacyVersion;
  const sv = extensions.get(EXTENSION_TYPE.supportedVersions);
  if (sv) {
    const s = new ByteReader(sv, 'supported_versions');
    version = s.u16('selected_version');
    s.end();
  }
  let keyShareGroup: number | null = null;
  const ks = extensions.get(EXTENSION_TYPE.keyShare);
  if (ks) {
    const k = new ByteReader(ks, 'key_share');
    keyShareGroup = k.u16('group');
    // HRR carries only the group (§4.2.8); a ServerHello carries a KeyShareEntry.
    if (!helloRetryRequest) k.vector(2, 'key_exchange');
    k.end();
  }
  let alpn: string | null = null;
  const al = extensions.get(EXTENSION_TYPE.alpn);
  if (al) {
    const a = new ByteReader(al, 'alpn');
    const list = a.vector(2, 'protocol_name_list');
    alpn = new TextDecoder().decode(list.vector(1, 'protocol_name').rest());
    list.end();
    a.end();
  }
  return {
    legacyVersion,
    version,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    helloRetryRequest,
    extensions,
    keyShareGroup,
    alpn,
    secureRenegotiation: extensions.has(EXTENSION_TYPE.renegotiationInfo),
    statusRequest: extensions.has(EXTENSION_TYPE.statusRequest),
    extendedMasterSecret: extensions.has(EXTENSION_TYPE.extendedMasterSecret),
  };
}
