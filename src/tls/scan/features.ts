/** Single-question probes: TLS_FALLBACK_SCSV (RFC 7507) and ALPN (RFC 7301). */
import { TLS_FALLBACK_SCSV } from '../wire/suites.js';
import { VERSIONS, type VersionName } from '../wire/registry.js';
import type { ProbeContext } from './context.js';
import { legacySuitesFor, TLS13_SUITES } from './hellos.js';

const ORDER: VersionName[] = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
/** RFC 7507 §2: the alert a server sends to a fallback hello below its best version. */
const INAPPROPRIATE_FALLBACK = 86;

/**
 * Does the server refuse a downgraded hello that carries TLS_FALLBACK_SCSV? Needs two supported versions (SSLv2 aside);
 * null when the question does not apply or the answer is neither a hello nor the RFC 7507 alert.
 */
export async function probeFallbackScsv(ctx: ProbeContext, supported: ReadonlySet<VersionName>): Promise<boolean | null> {
  const versions = ORDER.filter((v) => supported.has(v));
  if (versions.length < 2) return null;
  const lower = versions[versions.length - 2]!;
  try {
    const answer = await ctx.hello(lower, { suites: [...legacySuitesFor(lower), TLS_FALLBACK_SCSV] }, () => true);
    if (answer.kind === 'hello') return false;
    return answer.alert?.description === INAPPROPRIATE_FALLBACK ? true : null;
  } catch (err) {
    ctx.fail('fallback', err);
    return null;
  }
}

export const ALPN_PROTOCOLS = ['h2', 'http/1.1'] as const;

/** Which of h2 and http/1.1 the server selects when offered alone, using a TLS ≤ 1.2 ServerHello. */
export async function probeAlpn(ctx: ProbeContext, version: VersionName): Promise<string[]> {
  const results = await Promise.all(
    ALPN_PROTOCOLS.map(async (p) => {
      try {
        const answer = await ctx.hello(version, { suites: legacySuitesFor(version), alpn: [p] }, () => true);
        return answer.kind === 'hello' && answer.hello.alpn === p ? p : null;
      } catch (err) {
        ctx.fail(`alpn ${p}`, err);
        return null;
      }
    }),
  );
  return results.filter((p): p is (typeof ALPN_PROTOCOLS)[number] => p !== null);
}

/**
 * The hello a current browser sends — TLS 1.3 and 1.2 in supported_versions, suites of both — so that a ServerHello
 * below TLS 1.3 can carry the RFC 8446 §4.1.3 downgrade sentinel (recorded by the context, `ctx.downgrades`). Our
 * per-version probes cannot see it: the TLS 1.3 probe offers TLS 1.3 suites only, so no honest TLS 1.2 answer exists.
 */
export async function probeDowngrade(ctx: ProbeContext): Promise<void> {
  try {
    await ctx.hello(
      'TLSv1.3',
      {
        suites: [...TLS13_SUITES, ...legacySuitesFor('TLSv1.2')],
        supportedVersions: [VERSIONS['TLSv1.3'], VERSIONS['TLSv1.2'], VERSIONS['TLSv1.1'], VERSIONS['TLSv1.0']],
      },
      () => true,
    );
  } catch (err) {
    ctx.fail('downgrade', err);
  }
}
