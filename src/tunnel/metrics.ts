/**
 * Tunnel counters and their Prometheus text exposition (format 0.0.4). Pure: counters in, text out; the tunnel bumps
 * the counters, the status endpoint renders them.
 */

/** Reasons are a closed set so the label cardinality stays bounded whatever peers send. */
export const FAILURE_REASONS = [
  'no-client-certificate', 'expired', 'not-yet-valid', 'revoked', 'untrusted', 'bad-certificate', 'handshake', 'identity-denied', 'backend-unreachable', 'timeout',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export class TunnelMetrics {
  connectionsTotal = 0;
  connectionsActive = 0;
  handshakesTotal = 0;
  bytesFromClients = 0;
  bytesToClients = 0;
  reloadsTotal = 0;
  reloadFailuresTotal = 0;
  readonly failures = new Map<FailureReason, number>(FAILURE_REASONS.map((r) => [r, 0]));
  /** notAfter of the certificate in use (seconds since the epoch). */
  certificateNotAfter = 0;

  fail(reason: FailureReason): void {
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  toJSON(): Record<string, unknown> {
    return {
      connectionsTotal: this.connectionsTotal, connectionsActive: this.connectionsActive, handshakesTotal: this.handshakesTotal,
      bytesFromClients: this.bytesFromClients, bytesToClients: this.bytesToClients, reloadsTotal: this.reloadsTotal,
      reloadFailuresTotal: this.reloadFailuresTotal, failures: Object.fromEntries(this.failures), certificateNotAfter: this.certificateNotAfter,
    };
  }
}

/** Prometheus text format: HELP, TYPE, then samples; label values escaped (\\, \", \n). */
export function renderPrometheus(m: TunnelMetrics, mode: string): string {
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) {
      const l = Object.entries({ mode, ...labels }).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
      lines.push(`${name}{${l}} ${v}`);
    }
  };
  metric('mitmguard_tunnel_connections_total', 'counter', 'Connections accepted.', [[{}, m.connectionsTotal]]);
  metric('mitmguard_tunnel_connections_active', 'gauge', 'Connections open now.', [[{}, m.connectionsActive]]);
  metric('mitmguard_tunnel_handshakes_total', 'counter', 'Completed mutual TLS handshakes.', [[{}, m.handshakesTotal]]);
  metric('mitmguard_tunnel_failures_total', 'counter', 'Refused or failed connections by reason.', [...m.failures].map(([r, v]) => [{ reason: r }, v]));
  metric('mitmguard_tunnel_bytes_total', 'counter', 'Bytes relayed.', [[{ direction: 'from_client' }, m.bytesFromClients], [{ direction: 'to_client' }, m.bytesToClients]]);
  metric('mitmguard_tunnel_reloads_total', 'counter', 'Certificate reloads.', [[{ result: 'ok' }, m.reloadsTotal], [{ result: 'failed' }, m.reloadFailuresTotal]]);
  metric('mitmguard_tunnel_certificate_expiry_seconds', 'gauge', 'notAfter of the certificate in use, seconds since the epoch.', [[{}, m.certificateNotAfter]]);
  return lines.join('\n') + '\n';
}
