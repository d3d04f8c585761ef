/**
 * The TLS handshake as seen on the wire, through the sans-IO codec of src/tls/wire: records are split by its
 * RecordSplitter, handshake messages reassembled across records (RFC 8446 §5.1 allows both coalescing and splitting),
 * the ClientHello and ServerHello parsed by its parsers, and — for TLS ≤ 1.2, where the server's Certificate travels in
 * the clear — the chain taken from the Certificate message. Reading stops at ChangeCipherSpec or application data.
 */
import { MitmError, toMitmError } from '../../errors.js';
import { CONTENT_TYPE, HANDSHAKE_TYPE, LIMITS, parseCertificateList, parseClientHello, parseServerHello, RecordSplitter, suiteName, groupName, versionName } from '../../tls/wire/index.js';
import { ja3, ja4, ja4s } from '../../tls/wire/fingerprint.js';
import type { Direction } from '../flows.js';

export interface TlsClientHelloFacts {
  /** The legacy_version field. */
  legacyVersion: string;
  sni: string | null;
  alpn: string[];
  /** supported_versions, by name (GREASE values left out). */
  supportedVersions: string[];
  cipherSuites: string[];
  groups: string[];
  /** Raw numbers, in order, for fingerprints (JA3/JA4 need the codes, GREASE included). */
  cipherSuiteCodes: number[];
  extensionTypes: number[];
  groupCodes: number[];
  /** Filled at merge by src/tls/wire/fingerprint.ts; null until then. */
  ja3: string | null;
  ja4: string | null;
}

export interface TlsServerHelloFacts {
  /** The negotiated version (supported_versions when present). */
  version: string;
  cipherSuite: string;
  alpn: string | null;
  group: string | null;
  helloRetryRequest: boolean;
  extensionTypes: number[];
  ja4s: string | null;
}

export interface TlsHandshakeCallbacks {
  clientHello(facts: TlsClientHelloFacts, frameNumber: number, timestampUs: number): void;
  serverHello(facts: TlsServerHelloFacts, frameNumber: number, timestampUs: number): void;
  /** TLS ≤ 1.2 only: the chain as sent (DER, leaf first). */
  certificates(ders: Uint8Array[], frameNumber: number, timestampUs: number): void;
  /** A direction could not be read as TLS (not TLS after all, a malformed message): its code. */
  error(direction: Direction, code: string, message: string): void;
}

/** RFC 8701: GREASE values are 0x?a?a with both bytes equal. */
export const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

/** Bytes buffered per direction before the handshake is abandoned. */
export const MAX_TLS_HANDSHAKE_BYTES = LIMITS.MAX_FLIGHT_BYTES * 2;

class Direction_ {
  readonly splitter = new RecordSplitter(MAX_TLS_HANDSHAKE_BYTES);
  handshake: Uint8Array = new Uint8Array(0);
  done = false;
}

/** Reads one TLS connection's handshake from both directions of a reassembled TCP stream. */
export class TlsHandshakeDecoder {
  private readonly dirs: [Direction_, Direction_] = [new Direction_(), new Direction_()];
  private version: number | null = null;

  constructor(private readonly on: TlsHandshakeCallbacks) {}

  get finished(): boolean {
    return this.dirs[0].done && this.dirs[1].done;
  }

  /** Stop reading a direction (a gap in the stream: what follows is not contiguous). */
  stop(direction: Direction): void {
    this.dirs[direction].done = true;
  }

  push(direction: Direction, bytes: Uint8Array, frameNumber: number, timestampUs: number): void {
    const d = this.dirs[direction];
    if (d.done) return;
    try {
      for (const record of d.splitter.push(bytes)) {
        if (record.type === CONTENT_TYPE.changeCipherSpec || record.type === CONTENT_TYPE.applicationData) {
          d.done = true;
          return;
        }
        if (record.type !== CONTENT_TYPE.handshake) continue;
        d.handshake = join(d.handshake, record.fragment);
        // RFC 8446 §4: msg_type u8, length u24, body.
        while (d.handshake.length >= 4) {
          const len = (d.handshake[1]! << 16) | (d.handshake[2]! << 8) | d.handshake[3]!;
          if (len > LIMITS.MAX_HANDSHAKE_MESSAGE) throw new MitmError('MG_ERR_TOO_LARGE', `handshake message of ${len} bytes`, { details: { length: len } });
          if (d.handshake.length < 4 + len) break;
          const message = d.handshake.subarray(0, 4 + len);
          d.handshake = d.handshake.slice(4 + len);
          this.message(direction, message, frameNumber, timestampUs);
          if (d.done) return;
        }
      }
    } catch (err) {
      const e = toMitmError(err, 'MG_ERR_MALFORMED');
      d.done = true;
      this.on.error(direction, e.code, e.message);
    }
  }

  private message(direction: Direction, message: Uint8Array, frameNumber: number, ts: number): void {
    const type = message[0]!;
    const body = message.subarray(4);
    const d = this.dirs[direction];
    if (direction === 0) {
      if (type === HANDSHAKE_TYPE.clientHello) {
        const ch = parseClientHello(message);
        this.on.clientHello(
          {
            legacyVersion: versionName(ch.version),
            sni: ch.serverName,
            alpn: ch.alpn,
            supportedVersions: ch.supportedVersions.filter((v) => !isGrease(v)).map(versionName),
            cipherSuites: ch.cipherSuites.filter((v) => !isGrease(v)).map(suiteName),
            groups: ch.groups.filter((v) => !isGrease(v)).map(groupName),
            cipherSuiteCodes: ch.cipherSuites,
            extensionTypes: ch.extensions.map((e) => e.type),
            groupCodes: ch.groups,
            ja3: ja3(ch).hash,
            ja4: ja4(ch).ja4,
          },
          frameNumber,
          ts,
        );
      }
      // The rest of the client's flight (key exchange, Finished) tells us nothing a detector uses.
      d.done = true;
      return;
    }
    if (type === HANDSHAKE_TYPE.serverHello) {
      const sh = parseServerHello(body);
      if (!sh.helloRetryRequest) this.version = sh.version;
      this.on.serverHello(
        {
          version: versionName(sh.version),
          cipherSuite: suiteName(sh.cipherSuite),
          alpn: sh.alpn,
          group: sh.keyShareGroup === null ? null : groupName(sh.keyShareGroup),
          helloRetryRequest: sh.helloRetryRequest,
          extensionTypes: [...sh.extensions.keys()],
          ja4s: ja4s(sh).ja4,
        },
        frameNumber,
        ts,
      );
      // TLS 1.3: everything after the ServerHello is encrypted (RFC 8446 §2).
      if (!sh.helloRetryRequest && sh.version >= 0x0304) d.done = true;
      return;
    }
    if (type === HANDSHAKE_TYPE.certificate && this.version !== null && this.version <= 0x0303) {
      this.on.certificates(parseCertificateList(body), frameNumber, ts);
      return;
    }
    if (type === HANDSHAKE_TYPE.serverHelloDone) d.done = true;
  }
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A stream whose first bytes are a TLS handshake record (content type 22, major version 3, plausible length). */
export function looksLikeTls(first: Uint8Array): boolean {
  return first.length >= 3 && first[0] === CONTENT_TYPE.handshake && first[1] === 3 && first[2]! <= 4;
}
