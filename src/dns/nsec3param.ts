/** Our own NSEC3PARAM rdata codec (RFC 5155 §4.2): hash algorithm, flags, iterations, salt. */
import { ByteReader, ByteWriter, toHex, fromHex } from '../bytes.js';

export interface Nsec3ParamRdata {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  /** Salt as lower-case hex; '' for none (presentation '-'). */
  salt: string;
}

export function decodeNsec3Param(rdata: Uint8Array): Nsec3ParamRdata {
  const r = new ByteReader(rdata, 'NSEC3PARAM rdata');
  const out = { hashAlgorithm: r.u8('hash algorithm'), flags: r.u8('flags'), iterations: r.u16('iterations'), salt: toHex(r.vector(1, 'salt').rest()) };
  r.end();
  return out;
}

export function encodeNsec3Param(v: Nsec3ParamRdata): Uint8Array {
  return new ByteWriter().u8(v.hashAlgorithm).u8(v.flags).u16(v.iterations).vector(1, (w) => w.bytes(fromHex(v.salt))).finish();
}
