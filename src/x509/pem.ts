import { MitmError } from '../errors.js';

/** Limits for PEM input from files and peers. */
export const PEM_LIMITS = { maxBytes: 16 * 1024 * 1024, maxBlocks: 20_000 } as const;

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const LABEL = /^[A-Z0-9 ]+$/;

/** Positions of every `-----END <label>-----` marker, per label, in one pass (keeps decoding linear in the input). */
function endMarkers(text: string): Map<string, number[]> {
  const ends = new Map<string, number[]>();
  for (let at = text.indexOf('-----END '); at >= 0; at = text.indexOf('-----END ', at + 1)) {
    const close = text.indexOf('-----', at + 9);
    if (close < 0) break;
    const label = text.slice(at + 9, close);
    if (!LABEL.test(label)) continue;
    const list = ends.get(label);
    if (list) list.push(at);
    else ends.set(label, [at]);
  }
  return ends;
}

/**
 * Every PEM block in `text`, in order (RFC 7468). Text between blocks is ignored, as OpenSSL does. A block runs from
 * `-----BEGIN L-----` to the first `-----END L-----` after it. Linear time: hostile input with thousands of
 * unterminated BEGIN lines cannot make it quadratic.
 */
export function decodePem(text: string, wantLabel?: string): PemBlock[] {
  if (text.length > PEM_LIMITS.maxBytes) throw new MitmError('MG_ERR_TOO_LARGE', `PEM input over ${PEM_LIMITS.maxBytes} bytes`);
  const out: PemBlock[] = [];
  const ends = endMarkers(text);
  const cursor = new Map<string, number>();
  let pos = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN ', pos);
    if (begin < 0) break;
    const close = text.indexOf('-----', begin + 11);
    if (close < 0) break;
    const label = text.slice(begin + 11, close);
    const bodyStart = close + 5;
    const list = LABEL.test(label) ? ends.get(label) : undefined;
    let i = cursor.get(label) ?? 0;
    while (list && i < list.length && list[i]! < bodyStart) i++;
    cursor.set(label, i);
    if (!list || i >= list.length) {
      pos = begin + 11;
      continue;
    }
    const end = list[i]!;
    pos = end + label.length + 14;
    if (wantLabel && label !== wantLabel) continue;
    const body = text.slice(bodyStart, end).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new MitmError('MG_ERR_PEM', `PEM block ${label} has invalid base64`);
    out.push({ label, der: Uint8Array.from(Buffer.from(body, 'base64')) });
    if (out.length > PEM_LIMITS.maxBlocks) throw new MitmError('MG_ERR_TOO_LARGE', `more than ${PEM_LIMITS.maxBlocks} PEM blocks`);
  }
  return out;
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** Certificates from PEM text (CERTIFICATE blocks only), or a single DER certificate given as bytes. */
export function certificatesFromPemOrDer(input: string | Uint8Array): Uint8Array[] {
  if (typeof input !== 'string') {
    const text = Buffer.from(input).toString('latin1');
    if (!text.includes('-----BEGIN')) return [input];
    input = text;
  }
  const blocks = decodePem(input, 'CERTIFICATE');
  if (blocks.length === 0) throw new MitmError('MG_ERR_PEM', 'no CERTIFICATE block found');
  return blocks.map((b) => b.der);
}
