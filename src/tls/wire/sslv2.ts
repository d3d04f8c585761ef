/** SSLv2 SERVER-HELLO (SSLv2 draft §2.6, RFC 6176 forbids the protocol but servers may still speak it). */
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { LIMITS } from './limits.js';

export interface Sslv2ServerHello {
  version: number;
  /** 3-byte SSLv2 cipher kinds the server offers. */
  cipherKinds: number[];
  certificate: Uint8Array | null;
}

/**
 * How many bytes the SSLv2 record at the start of `bytes` needs in total, or 0 when the header is incomplete.
 * Only the two-byte header form (high bit set) is accepted; servers answering SSLv2 use it.
 */
export function sslv2RecordLength(bytes: Uint8Array): number {
  if (bytes.length < 2) return 0;
  if ((bytes[0]! & 0x80) === 0) throw new MitmError('MG_ERR_PROTOCOL', 'not an SSLv2 record (no two-byte header)');
  const length = ((bytes[0]! & 0x7f) << 8) | bytes[1]!;
  if (length > LIMITS.MAX_SSLV2_RECORD) throw new MitmError('MG_ERR_TOO_LARGE', `SSLv2 record of ${length} bytes`);
  return 2 + length;
}

/** Parse one complete SSLv2 record holding a SERVER-HELLO. */
export function parseSslv2ServerHello(record: Uint8Array): Sslv2ServerHello {
  const total = sslv2RecordLength(record);
  if (total === 0 || record.length < total) throw new MitmError('MG_ERR_TRUNCATED', 'SSLv2 record is incomplete');
  const r = new ByteReader(record.subarray(2, total), 'SSLv2 SERVER-HELLO');
  const type = r.u8('msg_type');
  // MSG-ERROR is 0; anything other than MSG-SERVER-HELLO (4) means no SSLv2 handshake.
  if (type !== 4) throw new MitmError('MG_ERR_PROTOCOL', `SSLv2: expected SERVER-HELLO (4), got message ${type}`);
  r.u8('session_id_hit');
  r.u8('certificate_type');
  const version = r.u16('server_version');
  const certLength = r.u16('certificate_length');
  const specsLength = r.u16('cipher_specs_length');
  const connIdLength = r.u16('connection_id_length');
  if (specsLength % 3 !== 0) throw new MitmError('MG_ERR_MALFORMED', 'SSLv2: cipher specs length is not a multiple of 3');
  const certificate = certLength ? r.take(certLength, 'certificate') : null;
  const specs = r.take(specsLength, 'cipher_specs');
  r.take(connIdLength, 'connection_id');
  r.end();
  const cipherKinds: number[] = [];
  for (let i = 0; i < specs.length; i += 3) cipherKinds.push((specs[i]! << 16) | (specs[i + 1]! << 8) | specs[i + 2]!);
  return { version, cipherKinds, certificate: certificate ? certificate.slice() : null };
}
