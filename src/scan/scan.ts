/**
 * The scanner's library API: `scanTarget` probes one endpoint and judges it with the check catalogue; `scanTargets`
 * scans many under one scan-wide concurrency limit and returns the ScanDocument that `mitmguard scan --format json`
 * prints. Failures become `error` (the target could not be scanned) or `tls.probeErrors` (one probe failed).
 */
import { setMaxListeners } from 'node:events';
import { CheckRegistry } from '../checks/registry.js';
import { tlsChecks } from '../checks/tls.js';
import { MitmError, toMitmError } from '../errors.js';
import { ProbeContext } from '../tls/scan/context.js';
import { Limiter } from '../tls/scan/limiter.js';
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
  /** The whole scan of one target. Default 10 × timeoutMs. */
  targetTimeoutMs?: number;
  signal?: AbortSignal;
  /** The checks to run on what was observed; default: SCAN_CHECKS (the catalogue's `tls` checks). */
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

/**
 * The checks a scan runs by default: every check that reads the `tls` observation. They are exactly the catalogue's
 * `tls` checks (a unit test holds the two equal); importing them alone keeps the scanner from loading every other
 * area's check modules and their dependencies.
 */
export const SCAN_CHECKS = new CheckRegistry(tlsChecks);

export const DEFAULT_SCAN_OPTIONS = { timeoutMs: 5000, concurrency: 12, globalConcurrency: 64, parallelTargets: 8 } as const;

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
  const timer = setTimeout(() => deadline.abort(), options.targetTimeoutMs ?? timeoutMs * 10);
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
    return await finish(tls, null, (options.checks ?? SCAN_CHECKS).run('tls', tls, parsed.input));
  } catch (err) {
    let e = toMitmError(err);
    if (deadline.signal.aborted && !options.signal?.aborted) e = new MitmError('MG_ERR_TIMEOUT', `the scan of ${parsed.input} exceeded its time limit`);
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
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: Math.min(targets.length, options.parallelTargets ?? DEFAULT_SCAN_OPTIONS.parallelTargets) }, async () => {
    while (next < targets.length) {
      const i = next++;
      reports[i] = await scanTarget(targets[i]!, options, shared);
      options.onProgress?.(reports[i]!, ++done, targets.length);
    }
  });
  await Promise.all(workers);
  return { tool: 'mitmguard', version: VERSION, startedAt, finishedAt: new Date().toISOString(), targets: reports };
}
