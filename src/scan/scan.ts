/**
 * The scanner's library API: `scanTarget` probes one endpoint and judges it with the check catalogue; `scanTargets`
 * scans many under one scan-wide concurrency limit and returns the ScanDocument that `mitmguard scan --format json`
 * prints. Failures become `error` (the target could not be scanned) or `tls.probeErrors` (one probe failed).
 */
import { setMaxListeners } from 'node:events';
import type { CheckRegistry } from '../checks/registry.js';
import { checksFor } from '../checks/areas.js';
import { MitmError, toMitmError } from '../errors.js';
import { ProbeContext } from '../tls/scan/context.js';
import { Limiter, runPool } from '../tls/scan/limiter.js';
import { probeTls } from '../tls/scan/probe-tls.js';
import { VERSION } from '../version.js';
import { sortFindings } from '../model/index.js';
import type { BeyondHandshakeOptions } from './beyond-handshake.js';
import { applyResolve, connectHost, parseTarget, type ParsedTarget, type ResolveEntry } from './target.js';
import type { ScanDocument, TargetReport } from '../model/index.js';
import { errorInfo, failedTargetReport } from '../model/index.js';

export interface ScanOptions {
  /** SNI to send instead of the target's host name. */
  sni?: string;
  /** Force a STARTTLS protocol (`smtp`, `imap`, …) for targets without a scheme. */
  starttls?: string;
  /** Connect to this IP address instead of resolving the target's host (an inventory entry's `address:`). */
  address?: string;
  /** `--resolve NAME:PORT:ADDR` entries: a target whose host and port match connects to ADDR. */
  resolve?: readonly ResolveEntry[];
  /** Per-connection deadline: connect, STARTTLS and the server's answer. Default 5000 ms. */
  timeoutMs?: number;
  /** Connections open at once to one target. Default 12. */
  concurrency?: number;
  /**
   * The deadline of the whole scan of one target — TLS probes, then posture, HTTP, mTLS and DNS side by side. When it
   * passes, what was observed is kept and the rest is recorded as aborted. Default DEADLINE_FACTOR × timeoutMs.
   */
  deadlineMs?: number;
  /** @deprecated the former name of `deadlineMs`. */
  targetTimeoutMs?: number;
  signal?: AbortSignal;
  /** The checks to run on what was observed; default: the registry's `tls` area (`checksFor('tls')`). */
  checks?: CheckRegistry;
  /**
   * After the TLS probes: judge the chain, probe posture, HTTP and mTLS (src/scan/beyond-handshake.ts). Default on;
   * `false` gives the TLS facts alone (the benchmark's like-for-like comparison with sslscan).
   */
  beyondHandshake?: boolean | Omit<BeyondHandshakeOptions, 'timeoutMs' | 'signal'>;
}

export interface ScanManyOptions extends ScanOptions {
  /** Connections open at once across all targets. Default 64. */
  globalConcurrency?: number;
  /** Targets scanned at once. Default 8. */
  parallelTargets?: number;
  /** Called after each target, in completion order. */
  onProgress?: (report: TargetReport, done: number, total: number) => void;
}

export const DEFAULT_SCAN_OPTIONS = { timeoutMs: 5000, concurrency: 12, globalConcurrency: 64, parallelTargets: 8 } as const;

/**
 * The default per-target deadline is this many connection timeouts: the TLS probes run in parallel rounds and the
 * steps after them side by side, so a responsive server needs far less; a silent one is cut off here.
 */
export const DEADLINE_FACTOR = 4;

/** The deadline of one target's scan in milliseconds, from the options. */
export function targetDeadlineMs(options: Pick<ScanOptions, 'timeoutMs' | 'deadlineMs' | 'targetTimeoutMs'>): number {
  return options.deadlineMs ?? options.targetTimeoutMs ?? DEADLINE_FACTOR * (options.timeoutMs ?? DEFAULT_SCAN_OPTIONS.timeoutMs);
}

/**
 * Scan one target. Never throws: a target that cannot be scanned comes back with `ok: false` and an `error` code.
 *
 * @example
 * const report = await scanTarget('127.0.0.1:8443', { timeoutMs: 3000 });
 * console.log(report.tls?.protocols['TLSv1.3']);
 */
export async function scanTarget(target: string | ParsedTarget, options: ScanOptions = {}, sharedLimiter?: Limiter): Promise<TargetReport> {
  const started = performance.now();
  const input = typeof target === 'string' ? target : target.input;
  let parsed: ParsedTarget;
  try {
    parsed = typeof target === 'string' ? parseTarget(target, options.starttls ? { starttls: options.starttls } : {}) : target;
    if (options.resolve?.length) parsed = applyResolve(parsed, options.resolve);
    if (options.address) parsed = { ...parsed, address: options.address };
  } catch (err) {
    return failedTargetReport(input, errorInfo(err, 'MG_ERR_TARGET'));
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCAN_OPTIONS.timeoutMs;
  const deadline = new AbortController();
  const deadlineMs = targetDeadlineMs(options);
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  // Every open probe listens on this signal (and lets go when it ends): up to `concurrency` at once, plus STARTTLS.
  setMaxListeners(4 * (options.concurrency ?? DEFAULT_SCAN_OPTIONS.concurrency) + 16, signal);
  const sni = options.sni ?? parsed.sni;
  const ctx = new ProbeContext({
    endpoint: { host: connectHost(parsed), port: parsed.port, starttls: parsed.starttls, name: sni ?? parsed.host },
    sni,
    timeoutMs,
    signal,
    limiters: [new Limiter(options.concurrency ?? DEFAULT_SCAN_OPTIONS.concurrency), ...(sharedLimiter ? [sharedLimiter] : [])],
  });
  const base = {
    target: parsed.input,
    host: parsed.host,
    port: parsed.port,
    ...(sni ? { sni } : {}),
    ...(parsed.address ? { address: parsed.address } : {}),
    starttls: parsed.starttls,
  };
  const beyond = options.beyondHandshake ?? true;
  const finish = async (tls: TargetReport['tls'], error: TargetReport['error'], findings: TargetReport['findings']): Promise<TargetReport> => {
    const report: TargetReport = { ...base, ok: error === null, error, tls, findings, durationMs: 0 };
    if (beyond !== false && !options.signal?.aborted) {
      // Loaded on first use: certificate validation, posture and DNS are most of the code, and `--tls-only` needs none.
      const { probeBeyondHandshake } = await import('./beyond-handshake.js');
      const extra = await probeBeyondHandshake(parsed, tls, { ...(beyond === true ? {} : beyond), timeoutMs, signal, scanError: error });
      report.certificateValidation = extra.certificateValidation;
      report.posture = extra.posture;
      report.http = extra.http;
      report.mtls = extra.mtls;
      report.dns = extra.dns;
      report.findings = sortFindings([...findings, ...extra.findings]);
      // A plain-text target answered: the scan succeeded, and what it found is in the findings.
      if (!tls && extra.posture && !extra.posture.error && parsed.plaintext) {
        report.ok = true;
        report.error = null;
      }
    }
    report.durationMs = Math.round(performance.now() - started);
    return report;
  };
  try {
    if (parsed.plaintext) return await finish(null, { code: 'MG_ERR_PROTOCOL', message: `${parsed.scheme}:// is a plain-text service: nothing to scan for TLS` }, []);
    const tls = await probeTls(ctx);
    return await finish(tls, null, (options.checks ?? (await checksFor('tls'))).run('tls', tls, parsed.input));
  } catch (err) {
    let e = toMitmError(err);
    if (deadline.signal.aborted && !options.signal?.aborted) e = new MitmError('MG_ERR_TIMEOUT', `the scan of ${parsed.input} exceeded its deadline of ${deadlineMs} ms`);
    return await finish(null, { code: e.code, message: e.message }, []).catch(() =>
      failedTargetReport(parsed.input, e.toJSON(), { ...base, durationMs: Math.round(performance.now() - started) }),
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Scan several targets, a few at a time, under one scan-wide connection limit. Reports keep the order of `targets`.
 *
 * @example
 * const doc = await scanTargets(['a.example', 'smtp://mx.example'], { onProgress: (r) => console.error(r.target) });
 */
export async function scanTargets(targets: ReadonlyArray<string | ParsedTarget>, options: ScanManyOptions = {}): Promise<ScanDocument> {
  const startedAt = new Date().toISOString();
  const shared = new Limiter(options.globalConcurrency ?? DEFAULT_SCAN_OPTIONS.globalConcurrency);
  const reports: TargetReport[] = new Array(targets.length);
  let done = 0;
  await runPool(targets, options.parallelTargets ?? DEFAULT_SCAN_OPTIONS.parallelTargets, async (target, i) => {
    reports[i] = await scanTarget(target, options, shared);
    options.onProgress?.(reports[i]!, ++done, targets.length);
  });
  return { tool: 'mitmguard', version: VERSION, startedAt, finishedAt: new Date().toISOString(), targets: reports };
}
