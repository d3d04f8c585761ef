/**
 * Supported groups, by elimination. TLS 1.3: offer the remaining groups with an empty key_share list, so the server
 * must answer with a HelloRetryRequest naming the group it wants (RFC 8446 §4.1.4, §4.2.8) — no key generation on
 * either side. TLS ≤ 1.2: offer ECDHE suites only and read the named curve from the ServerKeyExchange (RFC 8422 §5.4).
 */
import { MitmError } from '../../errors.js';
import { parseServerKeyExchange } from '../wire/server-key-exchange.js';
import { groupName, NAMED_GROUPS, VERSIONS, type VersionName } from '../wire/registry.js';
import { CIPHER_SUITES, suiteByCode } from '../wire/suites.js';
import type { ProbeContext } from './context.js';
import { EC_GROUPS, legacySuitesFor, TLS13_SUITES } from './hellos.js';

/** RFC 8446 §4.1.1 / §6.2: the alerts a server ends a negotiation with when nothing is left in common. */
const NORMAL_END = new Set([40, 71]);

/** TLS 1.3 groups in the order the server picks them. */
export async function enumerateTls13Groups(ctx: ProbeContext): Promise<string[]> {
  const remaining = NAMED_GROUPS.map((g) => g.code);
  const found: number[] = [];
  try {
    for (let step = 0; step <= NAMED_GROUPS.length && remaining.length > 0; step++) {
      const answer = await ctx.hello('TLSv1.3', { suites: TLS13_SUITES, groups: remaining, keyShareGroups: [] }, () => true);
      // The normal end: handshake_failure (or insufficient_security), nothing left in common. Anything else ends the
      // enumeration too, but is recorded, so a list cut short by a closing or failing server does not pass for whole.
      if (answer.kind === 'refused' && !NORMAL_END.has(answer.alert?.description ?? -1)) {
        ctx.fail('groups TLSv1.3', new MitmError(answer.alert ? 'MG_ERR_TLS_ALERT' : 'MG_ERR_CONNECTION_RESET', `${answer.alert ? `alert ${answer.alert.description}` : 'connection closed without an answer'} after ${found.length} group(s)`));
      }
      // Counted only when a real ServerHello (after our retry with a share for it) selects the group, never an HRR.
      if (answer.kind !== 'hello' || answer.hello.helloRetryRequest || answer.hello.version !== VERSIONS['TLSv1.3']) break;
      const g = answer.hello.keyShareGroup;
      const at = g === null ? -1 : remaining.indexOf(g);
      if (at < 0) break;
      remaining.splice(at, 1);
      found.push(g!);
    }
  } catch (err) {
    ctx.fail('groups TLSv1.3', err);
  }
  return found.map(groupName);
}

/** ECDHE curves a TLS ≤ 1.2 server accepts, in the order it picks them. */
export async function enumerateEcdheGroups(ctx: ProbeContext, version: VersionName): Promise<string[]> {
  const ecdhe = new Set(CIPHER_SUITES.filter((s) => s.kx === 'ECDHE').map((s) => s.code));
  const suites = legacySuitesFor(version).filter((c) => ecdhe.has(c));
  const remaining = [...EC_GROUPS];
  const found: number[] = [];
  try {
    for (let step = 0; step <= EC_GROUPS.length && remaining.length > 0; step++) {
      const answer = await ctx.hello(version, { suites, groups: remaining }, (a) => a.serverKeyExchange !== null);
      if (answer.kind !== 'hello' || answer.hello.version !== VERSIONS[version]) break;
      if (suiteByCode(answer.hello.cipherSuite)?.kx !== 'ECDHE' || !answer.serverKeyExchange) break;
      const params = parseServerKeyExchange(answer.serverKeyExchange, 'ECDHE');
      const at = params.kind === 'ecdh' ? remaining.indexOf(params.group) : -1;
      if (at < 0) break;
      remaining.splice(at, 1);
      found.push(params.kind === 'ecdh' ? params.group : 0);
    }
  } catch (err) {
    ctx.fail(`groups ${version}`, err);
  }
  return found.map(groupName);
}
