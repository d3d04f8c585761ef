/** The I/O side of trust anchors: read an anchor file (./dnssec/anchors.ts parses it). */
import { MitmError } from '../errors.js';
import { looksBinary, readInputFile } from '../input-file.js';
import { parseAnchors, type TrustAnchor } from './dnssec/anchors.js';
import { DNS_LIMITS } from './limits.js';

/** Read an anchor file (bounded in size); a binary file is "not an anchor file", its bytes never echoed. */
export function loadAnchorFile(path: string): TrustAnchor[] {
  const buf = readInputFile('anchor file', path, DNS_LIMITS.maxAnchorFileBytes);
  if (looksBinary(buf)) throw new MitmError('MG_ERR_CONFIG', `${path}: not an anchor file (binary; expected DS or DNSKEY records in zone-file format)`, { details: { path } });
  return parseAnchors(buf.toString('utf8'), path);
}
