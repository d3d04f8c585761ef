/**
 * Protocol support and cipher suite enumeration per version, by elimination (the approach sslscan-class tools use,
 * minus the full handshakes): offer every remaining suite, note the one the server picks from its ServerHello, remove
 * it, repeat until the server refuses. The first step doubles as the protocol probe. With server preference the
 * picks come out in the server's order; otherwise in ours, and `serverPreference` says which.
 */
import { MitmError } from '../../errors.js';
import { SSLV2_CIPHER_KINDS } from '../wire/client-hello.js';
import { parseServerKeyExchange } from '../wire/server-key-exchange.js';
import { VERSIONS, type VersionName } from '../wire/registry.js';
import { suiteByCode, suiteName } from '../wire/suites.js';
import type { ProbeContext } from './context.js';
import { STOP_AT_DONE, type HelloAnswer, type ProbeAnswer, type StopRule } from './exchange.js';
import { legacySuitesFor, TLS13_SUITES } from './hellos.js';

export interface VersionResult {
  version: VersionName;
  supported: boolean;
  /** IANA names (SSL_CK_* names for SSLv2), in the order found. */
  suites: string[];
  serverPreference: boolean | null;
  /** The complete first flight of the first accepted hello (TLS ≤ 1.2: certificate, OCSP, extensions). */
  first: HelloAnswer | null;
  /** Smallest DH prime seen in a ServerKeyExchange for a DHE suite. */
  dhBits: number | null;
  /** The version answered with a clean refusal or a lower version (false), or we could not tell (error). */
  error: boolean;
}

/** Does this answer accept `version`? TLS 1.3 via supported_versions (RFC 8446 §4.2.1), older via legacy_version. */
function accepts(answer: ProbeAnswer, version: VersionName): HelloAnswer | null {
  return answer.kind === 'hello' && answer.hello.version === VERSIONS[version] ? answer : null;
}

/**
 * Enumerate one version. `onSupport` fires as soon as the first step has answered, so dependent probes can start
 * while the elimination continues.
 */
export async function enumerateVersion(ctx: ProbeContext, version: VersionName, onSupport: (supported: boolean) => void): Promise<VersionResult> {
  const result: VersionResult = { version, supported: false, suites: [], serverPreference: null, first: null, dhBits: null, error: false };
  if (version === 'SSLv2') return enumerateSslv2(ctx, result, onSupport);
  let reported = false;
  const report = (supported: boolean) => {
    if (!reported) {
      reported = true;
      onSupport(supported);
    }
  };
  try {
    const candidates = version === 'TLSv1.3' ? [...TLS13_SUITES] : legacySuitesFor(version);
    const found: number[] = [];
    let needDh = version !== 'TLSv1.3';
    // Read on to the ServerKeyExchange only while we still need a DH prime size.
    const stop: StopRule = (a) => !(needDh && suiteByCode(a.hello.cipherSuite)?.kx === 'DHE') || a.serverKeyExchange !== null;
    // Each step removes one suite, so the loop is bounded by the candidate count.
    for (let step = 0; step <= candidates.length && candidates.length > 0; step++) {
      const first = step === 0;
      const raw = await ctx.hello(
        version,
        { suites: candidates, statusRequest: first, compression: first && version !== 'TLSv1.3' },
        first ? STOP_AT_DONE : stop,
      );
      const answer = accepts(raw, version);
      if (!answer) {
        const answer = raw;
        if (answer.kind === 'hello' && answer.hello.version > VERSIONS[version]) {
          ctx.fail(`ciphers ${version}`, new MitmError('MG_ERR_PROTOCOL', `server answered ${answer.hello.version.toString(16)} to a ${version} hello`));
        }
        break;
      }
      const code = answer.hello.cipherSuite;
      const at = candidates.indexOf(code);
      if (at < 0) {
        ctx.fail(`ciphers ${version}`, new MitmError('MG_ERR_PROTOCOL', `server chose ${suiteName(code)}, which was not offered`));
        break;
      }
      if (first) {
        result.supported = true;
        result.first = answer;
        report(true);
      }
      candidates.splice(at, 1);
      found.push(code);
      const suite = suiteByCode(code);
      if (suite?.kx === 'DHE' && answer.serverKeyExchange) {
        const params = parseServerKeyExchange(answer.serverKeyExchange, 'DHE');
        if (params.kind === 'dh') result.dhBits = Math.min(result.dhBits ?? Infinity, params.primeBits);
        needDh = false;
      }
    }
    report(result.supported);
    result.suites = found.map(suiteName);
    if (found.length >= 2) result.serverPreference = await detectServerPreference(ctx, version, found[0]!, found[1]!);
  } catch (err) {
    ctx.fail(`ciphers ${version}`, err);
    result.error = true;
    report(result.supported);
  }
  return result;
}

/**
 * Offer the two first-found suites in reverse order: a server that still picks the first one has its own preference;
 * one that picks the other follows the client (the classic sslscan / testssl test).
 */
async function detectServerPreference(ctx: ProbeContext, version: VersionName, a: number, b: number): Promise<boolean | null> {
  const answer = accepts(await ctx.hello(version, { suites: [b, a] }, () => true), version);
  if (!answer) return null;
  if (answer.hello.cipherSuite === a) return true;
  if (answer.hello.cipherSuite === b) return false;
  return null;
}

async function enumerateSslv2(ctx: ProbeContext, result: VersionResult, onSupport: (s: boolean) => void): Promise<VersionResult> {
  try {
    const answer = await ctx.sslv2();
    // SSLv2 has no negotiation step: the SERVER-HELLO lists every cipher kind the server shares with us.
    if (answer.kind === 'hello' && answer.hello.cipherKinds.length > 0) {
      result.supported = true;
      result.suites = answer.hello.cipherKinds.map((k) => SSLV2_CIPHER_KINDS[k] ?? `0x${k.toString(16).padStart(6, '0')}`);
    }
  } catch (err) {
    ctx.fail('ciphers SSLv2', err);
    result.error = true;
  }
  onSupport(result.supported);
  return result;
}
