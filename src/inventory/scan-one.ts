/**
 * How the inventory scans one entry: TLS targets through the scanner's library API (injected, so this module has no
 * import-time dependency on it), plain http:// targets through the HTTP probe, plus the extra facts policy and grades
 * read — HSTS on https:// targets, and whether a client certificate is required where the inventory expects mTLS.
 */
import type { ScanDocument, TargetReport } from '../scan/types.js';
import { toMitmError } from '../errors.js';
import { probeClientAuthRequired } from './client-auth-probe.js';
import type { InventoryEntry } from './file.js';
import { probeHttp } from './http-probe.js';

/** The scanner's `scanTarget`, as far as the inventory needs it. */
export type ScanTargetFn = (target: string, options: { sni?: string; signal?: AbortSignal }) => Promise<TargetReport>;

/** Scan one inventory entry; never throws (a failure is a report with `ok: false`). */
export type ScanEntryFn = (entry: InventoryEntry, signal: AbortSignal) => Promise<TargetReport>;

const hostPort = (url: URL, fallback: number) => ({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || fallback) });

async function scanPlainHttp(entry: InventoryEntry, signal: AbortSignal): Promise<TargetReport> {
  const started = performance.now();
  const url = new URL(entry.target);
  const { host, port } = hostPort(url, 80);
  try {
    const http = await probeHttp(entry.target, { signal });
    return { target: entry.target, host, port, ok: true, error: null, tls: null, findings: [], durationMs: Math.round(performance.now() - started), plaintext: true, http } as TargetReport;
  } catch (err) {
    const e = toMitmError(err);
    return { target: entry.target, host, port, ok: false, error: { code: e.code, message: e.message }, tls: null, findings: [], durationMs: Math.round(performance.now() - started) };
  }
}

/**
 * The inventory's scan function over the scanner's `scanTarget`.
 *
 * @example const scanEntry = inventoryScanner((t, o) => scanTarget(t, { ...o, timeoutMs: 3000 }));
 */
export function inventoryScanner(scanTarget: ScanTargetFn): ScanEntryFn {
  return async function scanEntry(entry, signal) {
    if (/^http:\/\//i.test(entry.target)) return scanPlainHttp(entry, signal);
    const report = await scanTarget(entry.target, { signal, ...(entry.sni ? { sni: entry.sni } : {}) });
    if (!report.ok || signal.aborted) return report;
    const extra: Record<string, unknown> = {};
    if (/^https:\/\//i.test(entry.target)) {
      extra.http = await probeHttp(entry.target, { signal }).catch(() => undefined);
    }
    if (entry.expect.mtls && report.tls && !report.starttls) {
      const probe = await probeClientAuthRequired(report.host, report.port, { signal, ...(entry.sni ? { servername: entry.sni } : {}) });
      if (probe.required !== null) {
        const asked = report.tls.clientCertificateRequested;
        // Not required: "requested" when the scanner saw a CertificateRequest, else "none"; either breaks an mTLS zone.
        const clientAuth = probe.required ? 'required' : asked === true ? 'requested' : 'none';
        report.tls = { ...report.tls, ...({ clientAuth, clientAuthEvidence: probe.evidence } as object) };
      }
    }
    return Object.keys(extra).length && extra.http !== undefined ? ({ ...report, ...extra } as TargetReport) : report;
  };
}

export type { ScanDocument };
