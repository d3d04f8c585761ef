import { MitmError } from '../errors.js';

/** Limits for PEM input from files and peers. */
export const PEM_LIMITS = { maxBytes: 16 * 1024 * 1024, maxBlocks: 20_000 } as const;

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order (RFC 7468). Text between blocks is ignored, as OpenSSL does. */
export function decodePem(text: string, wantLabel?: string): PemBlock[] {
  if (text.length > PEM_LIMITS.maxBytes) throw new MitmError('MG_ERR_TOO_LARGE', `PEM input over ${PEM_LIMITS.maxBytes} bytes`);
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1]!;
    if (wantLabel && label !== wantLabel) continue;
    const body = m[2]!.replace(/\s+/g, '');
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
