/**
 * How the inventory scans one entry: through the scanner's library API (injected, so this module has no import-time
 * dependency on it). The scanner itself judges the chain, follows HTTP redirects and HSTS on web targets, answers
 * plain-text targets (http://, redis://), and probes the client-certificate requirement; the inventory only says
 * where the organisation expects mTLS, so that the probe runs there even when the server never asked for a certificate.
 */
import type { ScanDocument, TargetReport } from '../model/index.js';
import type { ScanOptions } from '../scan/scan.js';
import type { InventoryEntry } from './file.js';

/** The scanner's `scanTarget`, as far as the inventory needs it. */
export type ScanTargetFn = (target: string, options: Pick<ScanOptions, 'sni' | 'signal' | 'beyondHandshake' | 'address'>) => Promise<TargetReport>;

/**
 * `scanTarget` with `extra` added to every call's beyond-handshake options: the call's own keys win, and `false` on
 * either side turns those steps off — except `mtls: 'always'`, which wins from either side, so `scan --inventory --mtls`
 * probes every entry even though each entry's call says 'auto' unless it expects mTLS. The lab adds its root as an
 * anchor this way, the CLI its `--ca` and `--mtls`.
 *
 * @example const scan = withBeyondHandshake(scanTarget, { extraAnchors: loadTrustStore({ paths: ['ca.pem'] }) });
 */
export function withBeyondHandshake(scanTarget: ScanTargetFn, extra: ScanOptions['beyondHandshake']): ScanTargetFn {
  return function scanWithExtra(target, options) {
    const call = options.beyondHandshake;
    const e = typeof extra === 'object' ? extra : {};
    const c = typeof call === 'object' ? call : {};
    const beyondHandshake =
      extra === false || call === false ? false : { ...e, ...c, ...(e.mtls === 'always' || c.mtls === 'always' ? { mtls: 'always' as const } : {}) };
    return scanTarget(target, { ...options, beyondHandshake });
  };
}

/** Scan one inventory entry; never throws (a failure is a report with `ok: false`). */
export type ScanEntryFn = (entry: InventoryEntry, signal: AbortSignal) => Promise<TargetReport>;

/**
 * The inventory's scan function over the scanner's `scanTarget`.
 *
 * @example const scanEntry = inventoryScanner((t, o) => scanTarget(t, { ...o, timeoutMs: 3000 }));
 */
export function inventoryScanner(scanTarget: ScanTargetFn): ScanEntryFn {
  return function scanEntry(entry, signal) {
    return scanTarget(entry.target, {
      signal,
      ...(entry.sni ? { sni: entry.sni } : {}),
      ...(entry.address ? { address: entry.address } : {}),
      beyondHandshake: { mtls: entry.expect.mtls ? 'always' : 'auto' },
    });
  };
}

export type { ScanDocument };
