/**
 * The library entry point behind `mitmguard dns check`: validate one name through the configured servers and
 * anchors, with every query sent DO+CD.
 */
import { query, type QueryOptions } from './client.js';
import { builtInRootAnchor, type TrustAnchor } from './dnssec/anchors.js';
import { Validator, type DnssecResult } from './dnssec/validator.js';
import { serverFor, type ServerMap } from './servers.js';

export interface QueryValidatedOptions {
  servers: ServerMap;
  /** Default: the built-in root anchor. */
  anchors?: readonly TrustAnchor[];
  query?: QueryOptions;
  now?: number;
}

/**
 * Validate `name`/`type` and return the verdict, reason and chain.
 *
 * @example
 * const r = await queryValidated('www.example.', RR_TYPES.A, { servers: buildServerMap('127.0.0.1:5300') });
 */
export async function queryValidated(name: string, type: number, options: QueryValidatedOptions): Promise<DnssecResult> {
  const anchors = options.anchors ?? builtInRootAnchor();
  const validator = new Validator({
    anchors,
    now: options.now,
    ask: (n, t) => query(serverFor(options.servers, n, t), n, t, { dnssecOk: true, checkingDisabled: true, ...options.query }),
  });
  return validator.validate(name, type);
}
