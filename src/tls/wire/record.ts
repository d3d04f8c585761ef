/**
 * The record layer (RFC 8446 §5.1, RFC 5246 §6.2.1): framing only, no protection — a scanner reads the plaintext part
 * of a handshake and stops before anything is encrypted.
 */
import { ByteWriter } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { LIMITS } from './limits.js';
import { CONTENT_TYPE } from './registry.js';

export interface TlsRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
}

const KNOWN_CONTENT_TYPES = new Set<number>(Object.values(CONTENT_TYPE));

/** Frame `fragment` as one or more records of `type`, splitting at 2^14 bytes (RFC 8446 §5.1). */
export function encodeRecords(type: number, version: number, fragment: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  const max = 2 ** 14;
  for (let off = 0; off < fragment.length || off === 0; off += max) {
    const piece = fragment.subarray(off, off + max);
    w.u8(type).u16(version).u16(piece.length).bytes(piece);
    if (fragment.length === 0) break;
  }
  return w.finish();
}

/**
 * Incremental record splitter: push bytes as they arrive, take whole records out. Rejects what cannot be TLS
 * (unknown content type, a major version other than 3) and records longer than the RFC allows, before buffering them.
 */
export class RecordSplitter {
  private buffer: Uint8Array = new Uint8Array(0);
  private total = 0;

  constructor(private readonly maxBytes: number = LIMITS.MAX_FLIGHT_BYTES) {}

  /** Bytes received so far. */
  get received(): number {
    return this.total;
  }

  push(chunk: Uint8Array): TlsRecord[] {
    this.total += chunk.length;
    if (this.total > this.maxBytes) {
      throw new MitmError('MG_ERR_TOO_LARGE', `server sent more than ${this.maxBytes} bytes before the answer was complete`, {
        details: { limit: this.maxBytes },
      });
    }
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    const out: TlsRecord[] = [];
    let off = 0;
    while (this.buffer.length - off >= 5) {
      const type = this.buffer[off]!;
      const version = (this.buffer[off + 1]! << 8) | this.buffer[off + 2]!;
      const length = (this.buffer[off + 3]! << 8) | this.buffer[off + 4]!;
      if (!KNOWN_CONTENT_TYPES.has(type) || this.buffer[off + 1] !== 3) {
        throw new MitmError('MG_ERR_PROTOCOL', `not a TLS record: content type ${type}, version 0x${version.toString(16)}`, {
          details: { type, version },
        });
      }
      if (length > LIMITS.MAX_RECORD_LENGTH) {
        throw new MitmError('MG_ERR_TOO_LARGE', `record of ${length} bytes exceeds ${LIMITS.MAX_RECORD_LENGTH}`, {
          details: { length, limit: LIMITS.MAX_RECORD_LENGTH },
        });
      }
      if (this.buffer.length - off - 5 < length) break;
      out.push({ type, version, fragment: this.buffer.slice(off + 5, off + 5 + length) });
      off += 5 + length;
    }
    this.buffer = this.buffer.slice(off);
    return out;
  }

  /** Bytes of an incomplete record still waiting for the rest. */
  get pending(): number {
    return this.buffer.length;
  }
}
