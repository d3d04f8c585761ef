/** The I/O side of trust anchors: read an anchor file (./dnssec/anchors.ts parses it). */
import { readFileSync } from 'node:fs';
import { MitmError } from '../errors.js';
import { parseAnchors, type TrustAnchor } from './dnssec/anchors.js';
import { DNS_LIMITS } from './limits.js';

/** Read an anchor file (bounded in size). */
export function loadAnchorFile(path: string): TrustAnchor[] {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > DNS_LIMITS.maxAnchorFileBytes) throw new MitmError('MG_ERR_TOO_LARGE', `anchor file ${path} is over ${DNS_LIMITS.maxAnchorFileBytes} bytes`);
    text = buf.toString('utf8');
  } catch (err) {
    if (err instanceof MitmError) throw err;
    throw new MitmError('MG_ERR_IO', `cannot read anchor file ${path}`, { cause: err });
  }
  return parseAnchors(text, path);
}
