/**
 * What every probe of one target shares: the endpoint, the deadlines, the concurrency limiters, a probe counter and
 * the list of probe failures (each recorded with its MitmError code, never thrown past the scan).
 */
import { toMitmError, type MitmErrorCode } from '../../errors.js';
import { randomBytes } from 'node:crypto';
import { encodeClientHello, encodeSslv2ClientHello, SSLV2_CIPHER_KINDS } from '../wire/client-hello.js';
import type { DowngradeSignal } from '../wire/hello-rules.js';
import { keyShareFor, probeKeyShareFor } from '../wire/key-shares.js';
import type { VersionName } from '../wire/registry.js';
import { openConnection, type Endpoint } from './connector.js';
import { exchangeHello, exchangeSslv2, type ProbeAnswer, type Sslv2Answer, type StopRule } from './exchange.js';
import { helloOptions, type HelloTemplateOptions } from './hellos.js';
import { Limiter } from './limiter.js';

export interface ProbeError {
  /** Which probe failed, e.g. `ciphers TLSv1.2`, `groups`, `fallback`. */
  probe: string;
  code: MitmErrorCode;
  message: string;
}

export interface ProbeSettings {
  endpoint: Endpoint;
  /** SNI to send; null sends none (IP address targets without --sni). */
  sni: string | null;
  /** Per connection: connect + (STARTTLS) + answer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Acquired in order for every connection: per-target first, then the scan-wide one. */
  limiters: readonly Limiter[];
}

export class ProbeContext {
  /** Connections opened so far. */
  probes = 0;
  readonly errors: ProbeError[] = [];
  /** Refusals by kind: a TCP reset, or anything else (an alert, a close). */
  readonly refusals = { reset: 0, other: 0 };
  /** Downgrade sentinels seen (RFC 8446 §4.1.3), one per probe that met one. */
  readonly downgrades: Array<DowngradeSignal & { probe: VersionName }> = [];

  constructor(readonly settings: ProbeSettings) {}

  get sni(): string | null {
    return this.settings.sni;
  }

  /**
   * Run one raw-ClientHello probe. Rejects with a MitmError; callers decide whether the failure is recorded. With
   * `decryptTls13`, a TLS 1.3 answer is read through the server's encrypted flight (chain, ALPN, CertificateRequest).
   */
  hello(version: VersionName, template: Omit<HelloTemplateOptions, 'sni'>, stop: StopRule, decryptTls13 = false): Promise<ProbeAnswer> {
    const s = this.settings;
    return Limiter.run(s.limiters, async () => {
      this.probes++;
      const socket = await openConnection(s.endpoint, { timeoutMs: s.timeoutMs, ...(s.signal ? { signal: s.signal } : {}) });
      // RFC 8446 §4.1.2: a second ClientHello after a HelloRetryRequest keeps the random, so it is fixed here.
      const options = { ...helloOptions(version, { ...template, sni: s.sni }), random: randomBytes(32) };
      const bytes = encodeClientHello(options);
      // A retried hello that only reads the ServerHello needs a well-formed share, not one we hold the secret of.
      const share = decryptTls13 ? keyShareFor : probeKeyShareFor;
      const answer = await exchangeHello(socket, bytes, stop, s.timeoutMs, s.signal, decryptTls13, { options, share });
      if (answer.kind === 'hello' && answer.downgrade) this.downgrades.push({ probe: version, ...answer.downgrade });
      if (answer.kind === 'refused') this.refusals[answer.reset ? 'reset' : 'other']++;
      return answer;
    });
  }

  /** Run the SSLv2 probe: a pure SSLv2 CLIENT-HELLO offering every SSLv2 cipher kind. */
  sslv2(): Promise<Sslv2Answer> {
    const s = this.settings;
    return Limiter.run(s.limiters, async () => {
      this.probes++;
      const socket = await openConnection(s.endpoint, { timeoutMs: s.timeoutMs, ...(s.signal ? { signal: s.signal } : {}) });
      const bytes = encodeSslv2ClientHello({ version: 0x0002, sslv2Ciphers: Object.keys(SSLV2_CIPHER_KINDS).map(Number) });
      return exchangeSslv2(socket, bytes, s.timeoutMs, s.signal);
    });
  }

  /** Record a failed probe as an observation. */
  fail(probe: string, err: unknown): void {
    const e = toMitmError(err);
    this.errors.push({ probe, code: e.code, message: e.message });
  }
}
