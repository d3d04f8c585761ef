/**
 * Can a MySQL/MariaDB client log in without TLS? The initial handshake does not say whether require_secure_transport
 * is on (both servers check it only after authentication), so this needs an account: log in in plain text with
 * mysql_native_password and read the answer. OK means plain-text logins work; ER_SECURE_TRANSPORT_REQUIRED means
 * they do not; anything else (wrong password, other plugin) leaves it unknown.
 */
import { createHash } from 'node:crypto';
import { ByteReader } from '../bytes.js';
import { MitmError } from '../errors.js';

/** MySQL 8 ER_SECURE_TRANSPORT_REQUIRED and MariaDB's equivalent (10.5+). */
export const SECURE_TRANSPORT_ERRORS = new Set([3159, 4036]);
const CAPS = 0x00000001 | 0x00000200 | 0x00002000 | 0x00008000 | 0x00080000;

export interface MysqlSalt {
  salt: Uint8Array;
  plugin: string;
}

/** The 20-byte auth scramble and plugin name from a protocol-10 handshake payload (after the 4-byte header). */
export function readScramble(payload: Uint8Array): MysqlSalt {
  const r = new ByteReader(payload, 'mysql/handshake');
  if (r.u8() !== 10) throw new MitmError('MG_ERR_PROTOCOL', 'mysql: not a protocol 10 handshake');
  const rest = payload.subarray(r.position);
  const nul = rest.indexOf(0);
  if (nul < 0) throw new MitmError('MG_ERR_MALFORMED', 'mysql: server version not terminated');
  r.skip(nul + 1);
  r.skip(4, 'connection id');
  const part1 = r.take(8, 'auth-plugin-data-part-1');
  r.skip(1 + 2 + 1 + 2 + 2, 'filler, capabilities, charset, status');
  const authLen = r.u8('auth data length');
  r.skip(10, 'reserved');
  const part2Len = Math.max(13, authLen - 8);
  const part2 = r.take(part2Len, 'auth-plugin-data-part-2');
  const after = payload.subarray(r.position);
  const end = after.indexOf(0);
  const plugin = Buffer.from(end >= 0 ? after.subarray(0, end) : after).toString('latin1');
  return { salt: Uint8Array.from([...part1, ...part2.subarray(0, 12)]), plugin };
}

/** mysql_native_password: SHA1(password) XOR SHA1(salt + SHA1(SHA1(password))). */
export function nativePasswordScramble(password: string, salt: Uint8Array): Uint8Array {
  if (password === '') return new Uint8Array(0);
  const sha1 = (b: Uint8Array | string) => createHash('sha1').update(b).digest();
  const h1 = sha1(password);
  const h2 = sha1(h1);
  const h3 = createHash('sha1').update(salt).update(h2).digest();
  return Uint8Array.from(h1.map((b, i) => b ^ h3[i]!));
}

/** HandshakeResponse41 in plain text (no CLIENT_SSL), sequence id 1. */
export function encodeLoginPacket(user: string, password: string, salt: Uint8Array): Uint8Array {
  const auth = nativePasswordScramble(password, salt);
  const body = Buffer.concat([
    Buffer.from([CAPS & 0xff, (CAPS >> 8) & 0xff, (CAPS >> 16) & 0xff, (CAPS >>> 24) & 0xff]),
    Buffer.from([0, 0, 0, 1]), // max packet 16 MiB, little-endian
    Buffer.from([45]),
    Buffer.alloc(23),
    Buffer.from(`${user}\0`, 'utf8'),
    Buffer.from([auth.length]),
    Buffer.from(auth),
    Buffer.from('mysql_native_password\0', 'latin1'),
  ]);
  const header = Buffer.alloc(4);
  header.writeUIntLE(body.length, 0, 3);
  header[3] = 1;
  return Uint8Array.from(Buffer.concat([header, body]));
}

/** Judge the server's answer packet payload to the plain-text login. */
export function judgeLoginAnswer(payload: Uint8Array): { plaintextLogin: 'accepted' | 'refused' | 'unknown'; answer: string } {
  const first = payload[0];
  if (first === 0x00) return { plaintextLogin: 'accepted', answer: 'OK' };
  if (first === 0xff && payload.length >= 3) {
    const code = payload[1]! | (payload[2]! << 8);
    const message = Buffer.from(payload.subarray(3)).toString('utf8').replace(/^#\w{5}/, '').slice(0, 200);
    return { plaintextLogin: SECURE_TRANSPORT_ERRORS.has(code) ? 'refused' : 'unknown', answer: `ERR ${code} ${message}` };
  }
  if (first === 0xfe) return { plaintextLogin: 'unknown', answer: 'auth switch requested' };
  return { plaintextLogin: 'unknown', answer: `packet 0x${(first ?? 0).toString(16)}` };
}
