/**
 * Our own SVCB/HTTPS rdata codec (RFC 9460 §2.2): priority, target name (never compressed), then SvcParams in strictly
 * increasing key order. dns-packet does not know these types.
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { MitmError } from '../errors.js';
import { readName, wireOf } from './name.js';

/** SvcParamKey names (RFC 9460 §14.3.2). */
export const SVC_PARAM_KEYS: Record<number, string> = {
  0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'ech', 6: 'ipv6hint',
};

export interface SvcbRdata {
  priority: number;
  target: string;
  /** Key name (or keyNNNNN) → decoded value; raw bytes stay in `raw`. */
  params: { key: number; name: string; value: string[] | number | boolean | string; raw: Uint8Array }[];
}

/** Value decoders per key, a table rather than branches. */
const PARAM_DECODERS: Record<number, (r: ByteReader) => string[] | number | boolean | string> = {
  0: (r) => { const out: string[] = []; while (!r.done) { const k = r.u16('mandatory key'); out.push(SVC_PARAM_KEYS[k] ?? `key${k}`); } return out; },
  1: (r) => { const out: string[] = []; while (!r.done) out.push(Buffer.from(r.vector(1, 'alpn id').rest()).toString('latin1')); return out; },
  2: () => true,
  3: (r) => r.u16('port'),
  4: (r) => { const out: string[] = []; while (!r.done) out.push([...r.take(4, 'ipv4hint')].join('.')); return out; },
  5: (r) => Buffer.from(r.rest()).toString('base64'),
  6: (r) => { const out: string[] = []; while (!r.done) out.push(ipv6(r.take(16, 'ipv6hint'))); return out; },
};

function ipv6(b: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return words.join(':');
}

export function decodeSvcb(rdata: Uint8Array): SvcbRdata {
  const r = new ByteReader(rdata, 'SVCB rdata');
  const priority = r.u16('SvcPriority');
  const { name: target, next } = readName(rdata, r.position);
  r.skip(next - r.position, 'TargetName');
  const params: SvcbRdata['params'] = [];
  let last = -1;
  while (!r.done) {
    const key = r.u16('SvcParamKey');
    // RFC 9460 §2.2: keys MUST appear in strictly increasing order; a repeat or disorder makes the RR malformed.
    if (key <= last) throw new MitmError('MG_ERR_DNS_PACKET', `SVCB SvcParamKey ${key} out of order`);
    last = key;
    const body = r.vector(2, 'SvcParamValue');
    const raw = body.bytes;
    const decode = PARAM_DECODERS[key];
    const value = decode ? decode(body) : Buffer.from(body.rest()).toString('hex');
    if (decode) body.end(`SvcParam ${key}`);
    params.push({ key, name: SVC_PARAM_KEYS[key] ?? `key${key}`, value, raw });
  }
  return { priority, target, params };
}

export function encodeSvcb(v: SvcbRdata): Uint8Array {
  const w = new ByteWriter().u16(v.priority).bytes(wireOf(v.target));
  for (const p of [...v.params].sort((a, b) => a.key - b.key)) w.u16(p.key).vector(2, (x) => x.bytes(p.raw));
  return w.finish();
}
