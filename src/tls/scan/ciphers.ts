/**
 * Protocol support and cipher suite enumeration per version, by elimination (the approach sslscan-class tools use,
 * minus the full handshakes): offer every remaining suite, note the one the server picks from its ServerHello, remove
 * it, repeat until the server refuses. The first step doubles as the protocol probe. With server preference the
 * picks come out in the server's order; otherwise in ours, and `serverPreference` says which. Preference is asked as
 * soon as two suites are known, in parallel with the rest of the elimination.
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
  // RFC 8446 §4.1.4: a HelloRetryRequest is a question, not an acceptance.
  return answer.kind === 'hello' && !answer.hello.helloRetryRequest && answer.hello.version === VERSIONS[version] ? answer : null;
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
  const all = version === 'TLSv1.3' ? [...TLS13_SUITES] : legacySuitesFor(version);
  const found: number[] = [];
  const state: EliminationState = { needDh: version !== 'TLSv1.3', dhBits: null };
  try {
    // Step one is the protocol probe: read on to ServerHelloDone for the chain, staple and extensions.
    const firstAnswer = await step(ctx, version, all, found, state, true);
    if (firstAnswer) {
      result.supported = true;
      result.first = firstAnswer;
    }
    report(result.supported);
    if (firstAnswer) {
      let remaining = all.filter((c) => !found.includes(c));
      // Find a second suite, then ask whether the server has its own order.
      if (remaining.length > 0 && (await step(ctx, version, remaining, found, state, false))) {
        remaining = all.filter((c) => !found.includes(c));
        // Asked now, beside the rest of the elimination rather than after it. (Eliminating a client-order server in
        // parallel slices was tried: against single-threaded s_server it added probes and saved no time.)
        const [preference] = await Promise.all([
          detectServerPreference(ctx, version, found[0]!, found[1]!),
          eliminate(ctx, version, remaining, found, state),
        ]);
        result.serverPreference = preference;
      }
    }
  } catch (err) {
    ctx.fail(`ciphers ${version}`, err);
    result.error = true;
    report(result.supported);
  }
  result.suites = found.map(suiteName);
  result.dhBits = state.dhBits;
  return result;
}

interface EliminationState {
  /** Still read a DHE ServerKeyExchange for the prime size. */
  needDh: boolean;
  dhBits: number | null;
}

/**
 * One elimination step: offer `candidates`, record the server's pick in `found`. Returns the answer when the server
 * accepted one of them, null when it refused (or broke the protocol, which is recorded).
 */
async function step(
  ctx: ProbeContext,
  version: VersionName,
  candidates: readonly number[],
  found: number[],
  state: EliminationState,
  first: boolean,
): Promise<HelloAnswer | null> {
  // Read on to the ServerKeyExchange only while we still need a DH prime size.
  const stop: StopRule = first
    ? STOP_AT_DONE
    : (a) => !(state.needDh && suiteByCode(a.hello.cipherSuite)?.kx === 'DHE') || a.serverKeyExchange !== null;
  const raw = await ctx.hello(version, { suites: candidates, statusRequest: first, compression: first && version !== 'TLSv1.3' }, stop);
  const answer = accepts(raw, version);
  if (!answer) {
    if (raw.kind === 'hello' && raw.hello.version > VERSIONS[version]) {
      ctx.fail(`ciphers ${version}`, new MitmError('MG_ERR_PROTOCOL', `server answered ${raw.hello.version.toString(16)} to a ${version} hello`));
    }
    return null;
  }
  const code = answer.hello.cipherSuite;
  if (!candidates.includes(code)) {
    ctx.fail(`ciphers ${version}`, new MitmError('MG_ERR_PROTOCOL', `server chose ${suiteName(code)}, which was not offered`));
    return null;
  }
  found.push(code);
  if (suiteByCode(code)?.kx === 'DHE' && answer.serverKeyExchange) {
    const params = parseServerKeyExchange(answer.serverKeyExchange, 'DHE');
    if (params.kind === 'dh') state.dhBits = Math.min(state.dhBits ?? Infinity, params.primeBits);
    state.needDh = false;
  }
  return answer;
}

/** Eliminate within `candidates` until the server refuses; bounded by the candidate count. */
async function eliminate(ctx: ProbeContext, version: VersionName, candidates: readonly number[], found: number[], state: EliminationState): Promise<void> {
  const left = [...candidates];
  for (let i = 0; i <= candidates.length && left.length > 0; i++) {
    const answer = await step(ctx, version, left, found, state, false);
    if (!answer) return;
    left.splice(left.indexOf(answer.hello.cipherSuite), 1);
  }
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
