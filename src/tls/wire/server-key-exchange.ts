/**
 * ServerKeyExchange (RFC 5246 §7.4.3, RFC 4492 §5.4 / RFC 8422 §5.4): we read only the key exchange parameters a check
 * judges — the DH prime size or the named curve — and leave the signature alone.
 */
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { groupByCode } from './registry.js';

export type KeyExchangeParams =
  | { kind: 'dh'; primeBits: number; generator: number }
  | { kind: 'ecdh'; group: number }
  | { kind: 'other' };

/** Bit length of a big-endian unsigned integer, ignoring leading zero bytes. */
function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * Parse the parameters for a suite whose key exchange is `kx` (`DHE`, `ECDHE`, …; from the suite registry). The body
 * is a whole handshake message, so a length inside it that points past its end is a decode_error (MG_ERR_MALFORMED),
 * not a truncation; so is an ECDHE point whose length is not the named curve's (RFC 8422 §5.4: uncompressed only).
 */
export function parseServerKeyExchange(body: Uint8Array, kx: string): KeyExchangeParams {
  try {
    return readParams(body, kx);
  } catch (err) {
    if (err instanceof MitmError && err.code === 'MG_ERR_TRUNCATED') {
      throw new MitmError('MG_ERR_MALFORMED', `decode_error: ${err.message} (inside a complete ServerKeyExchange)`, { cause: err, details: { alert: 'decode_error' } });
    }
    throw err;
  }
}

function readParams(body: Uint8Array, kx: string): KeyExchangeParams {
  const r = new ByteReader(body, 'ServerKeyExchange');
  if (kx === 'DHE') {
    const p = r.vector(2, 'dh_p').rest();
    const g = r.vector(2, 'dh_g').rest();
    r.vector(2, 'dh_Ys');
    let generator = 0;
    for (const b of g.subarray(Math.max(0, g.length - 4))) generator = generator * 256 + b;
    return { kind: 'dh', primeBits: bitLength(p), generator };
  }
  if (kx === 'ECDHE') {
    const curveType = r.u8('curve_type');
    // RFC 8422 §5.4: only named_curve (3) is allowed; explicit curves were deprecated.
    if (curveType !== 3) throw new MitmError('MG_ERR_UNSUPPORTED', `ServerKeyExchange: curve_type ${curveType} is not named_curve`);
    const group = r.u16('namedcurve');
    const point = r.vector(1, 'point').rest();
    const expected = groupByCode(group)?.keyShareLength;
    if (point.length === 0 || (expected !== undefined && point.length !== expected)) {
      throw new MitmError('MG_ERR_MALFORMED', `decode_error: ServerKeyExchange point of ${point.length} bytes for group 0x${group.toString(16).padStart(4, '0')}${expected === undefined ? '' : ` (expected ${expected})`}`, {
        details: { alert: 'decode_error', group, length: point.length },
      });
    }
    return { kind: 'ecdh', group };
  }
  return { kind: 'other' };
}
