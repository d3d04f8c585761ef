/**
 * All TLS probes of one endpoint, scheduled for speed: the six protocol probes start at once (each is the first step
 * of its version's cipher elimination); as soon as every version has answered, the probes that depend on the protocol
 * set (groups, fallback SCSV, ALPN, the TLS 1.3 certificate handshake) start beside the eliminations still running.
 * Concurrency is bounded by the context's limiters.
 */
import { MitmError } from '../../errors.js';
import { PROTOCOL_NAMES, type CertificateFacts, type ProtocolName, type TlsFacts } from '../../model/index.js';
import type { VersionName } from '../wire/registry.js';
import { certificateFacts } from './certificate-facts.js';
import { enumerateVersion, type VersionResult } from './ciphers.js';
import type { ProbeContext } from './context.js';
import { probeAlpn, probeDowngrade, probeFallbackScsv } from './features.js';
import { enumerateEcdheGroups, enumerateTls13Groups } from './groups.js';
import { tls13Facts, type ServerHandshakeFacts } from './handshake.js';
import { confirmCriticalSuites } from './confirm.js';
import { STOP_AT_DONE, type HelloAnswer } from './exchange.js';
import { legacySuitesFor } from './hellos.js';
import { suiteByCode } from '../wire/suites.js';

const LEGACY_ORDER: VersionName[] = ['TLSv1.2', 'TLSv1.1', 'TLSv1.0', 'SSLv3'];
const PREFERRED_ERRORS = ['TLSv1.3', ...LEGACY_ORDER].map((v) => `ciphers ${v}`);

/** One TLS ≤ 1.2 hello with authenticated suites only, read to ServerHelloDone for the chain and the OCSP staple. */
async function probeCertificate(ctx: ProbeContext, version: VersionName): Promise<HelloAnswer | null> {
  const suites = legacySuitesFor(version).filter((c) => {
    const s = suiteByCode(c);
    return s !== undefined && !s.anonymous && s.au !== 'PSK' && s.kx !== 'SRP';
  });
  try {
    const answer = await ctx.hello(version, { suites, statusRequest: true }, STOP_AT_DONE);
    return answer.kind === 'hello' && answer.chain?.length ? answer : null;
  } catch (err) {
    ctx.fail('certificate', err);
    return null;
  }
}

function chainFacts(ctx: ProbeContext, chain: readonly Uint8Array[]): CertificateFacts[] {
  const out: CertificateFacts[] = [];
  for (const der of chain) {
    try {
      out.push(certificateFacts(der));
    } catch (err) {
      ctx.fail('certificate', err);
    }
  }
  return out;
}

/**
 * Probe an endpoint and return the TLS facts. Throws a MitmError only when no version could be probed at all
 * (connection refused, timeouts everywhere, a peer that does not speak TLS); otherwise failures are in `probeErrors`.
 */
export async function probeTls(ctx: ProbeContext): Promise<TlsFacts> {
  const known = new Map<VersionName, boolean>();
  let allKnown!: () => void;
  const allAnswered = new Promise<void>((r) => (allKnown = r));
  const chains = PROTOCOL_NAMES.map((v) =>
    enumerateVersion(ctx, v, (supported) => {
      known.set(v, supported);
      if (known.size === PROTOCOL_NAMES.length) allKnown();
    }),
  );
  await allAnswered;
  const supported = new Set([...known].filter(([, s]) => s).map(([v]) => v));
  if (supported.size === 0) {
    await Promise.all(chains);
    // The newest version's failure says most about the server (an HRR loop, a bogus TLS 1.3 answer), then the rest.
    const first = PREFERRED_ERRORS.map((p) => ctx.errors.find((e) => e.probe === p)).find((e) => e !== undefined) ?? ctx.errors[0];
    if (first) throw new MitmError(first.code, first.message, { details: { probe: first.probe } });
    // Every TLS hello met a TCP reset and nothing else: say so, rather than "no version accepted".
    if (ctx.refusals.reset > 0 && ctx.refusals.other === 0) {
      throw new MitmError('MG_ERR_CONNECTION_RESET', `the server reset the connection after every ClientHello (${ctx.refusals.reset} probes)`);
    }
    throw new MitmError('MG_ERR_HANDSHAKE', 'the server accepted none of the SSL/TLS versions offered');
  }

  const legacy = LEGACY_ORDER.find((v) => supported.has(v)) ?? null;
  const tls13 = supported.has('TLSv1.3');
  const groupsTask = tls13 ? enumerateTls13Groups(ctx) : legacy && legacy !== 'SSLv3' ? enumerateEcdheGroups(ctx, legacy) : Promise.resolve([]);
  const fallbackTask = probeFallbackScsv(ctx, supported);
  // A server that speaks TLS 1.x but not 1.3 to us may be a TLS 1.3 server behind something that rewrites hellos.
  const downgradeTask = !tls13 && legacy && legacy !== 'SSLv3' ? probeDowngrade(ctx) : Promise.resolve();
  const alpnTask = legacy && legacy !== 'SSLv3' ? probeAlpn(ctx, legacy) : Promise.resolve(null);
  // TLS 1.3-only: the certificate, OCSP staple and ALPN are encrypted, so read the encrypted flight (one per ALPN
  // protocol), or make real handshakes where that cannot be done.
  const handshakeTask: Promise<Array<ServerHandshakeFacts | null>> = legacy
    ? Promise.resolve([])
    : Promise.all(
        (['h2', 'http/1.1'] as const).map((p) =>
          tls13Facts(ctx, [p]).catch((err) => {
            ctx.fail(`handshake ${p}`, err);
            return null;
          }),
        ),
      );

  const [results, groups, fallbackScsv, alpnLegacy, handshakes] = await Promise.all([
    Promise.all(chains),
    groupsTask,
    fallbackTask,
    alpnTask,
    handshakeTask,
    downgradeTask,
  ]);
  const byVersion = new Map<ProtocolName, VersionResult>(results.map((r) => [r.version, r]));
  let first = legacy ? byVersion.get(legacy)!.first : null;
  if (legacy && first && !first.chain?.length) {
    // The first hello landed on an anonymous suite (opportunistic-TLS servers such as postfix accept them), which
    // sends no Certificate: ask again with authenticated suites only.
    first = (await probeCertificate(ctx, legacy)) ?? first;
  }

  const protocols = Object.fromEntries(PROTOCOL_NAMES.map((v) => [v, byVersion.get(v)!.supported])) as Record<ProtocolName, boolean>;
  const cipherSuites: TlsFacts['cipherSuites'] = {};
  const serverPreference: TlsFacts['serverPreference'] = {};
  for (const r of results) {
    if (!r.supported) continue;
    cipherSuites[r.version] = r.suites;
    serverPreference[r.version] = r.serverPreference;
  }
  const dh = results.map((r) => r.dhBits).filter((b): b is number => b !== null);
  const suiteConfirmation = await confirmCriticalSuites(ctx, cipherSuites);
  let hs = handshakes.find((h) => h !== null && h.chain.length > 0) ?? null;
  if (!legacy && !hs) {
    // Both ALPN handshakes were refused (a server without ALPN may do that): one more without ALPN for the chain.
    hs = await tls13Facts(ctx, []).catch((err) => {
      ctx.fail('handshake', err);
      return null;
    });
  }
  const chain = first?.chain ?? hs?.chain ?? [];
  const alpn = alpnLegacy ?? handshakes.map((h, i) => (h?.alpn === ['h2', 'http/1.1'][i] ? h!.alpn! : null)).filter((p): p is string => p !== null);

  return {
    protocols,
    cipherSuites,
    serverPreference,
    groups,
    alpn,
    certificates: chainFacts(ctx, chain),
    ocspStapled: first ? first.hello.statusRequest && first.certificateStatus !== null : hs?.ocspStapled ?? false,
    secureRenegotiation: first ? first.hello.secureRenegotiation : null,
    fallbackScsv,
    compression: first ? first.hello.compressionMethod !== 0 : null,
    dhBits: dh.length ? Math.min(...dh) : null,
    clientCertificateRequested: first ? first.certificateRequested : hs?.certificateRequested ?? null,
    probeErrors: ctx.errors,
    probes: ctx.probes,
    downgrades: [...ctx.downgrades],
    suiteConfirmation,
  };
}
