/**
 * The lab's tunnelled twin (issue 15): src/tunnel's server — the library call behind `mitmguard tunnel server` — in
 * front of a lab endpoint whose mTLS is optional, requiring a client certificate from the lab client CA. The scan shows
 * the endpoint before (`policy.mtls.not-required`) and its twin after (`mtls.client-certificate-required`).
 *
 * The tunnel reads its material from files (it hot-reloads them), so this is the one place the lab writes a key to
 * disk: the twin's copy of the lab's good leaf key, 0600 in a 0700 directory of its own, removed when the lab stops.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTunnel, type RunningTunnel } from '../tunnel/tunnel.js';
import type { LabPki } from './pki.js';

export interface LabTunnel {
  port: number;
  tunnel: RunningTunnel;
  /** Where its certificate, key and CA files are (removed by stop). */
  materialDir: string;
  stop(): Promise<void>;
}

/** Open connections get this long to finish when the lab stops (a scan has finished by then). */
export const LAB_TUNNEL_DRAIN_MS = 200;

/**
 * Start the tunnel on host:port (0: ephemeral) in front of the TLS backend at host:backendPort.
 *
 * @example const t = await startLabTunnel(pki, '127.0.0.1', 0, backendPort); console.log(t.port); await t.stop();
 */
export async function startLabTunnel(pki: LabPki, host: string, port: number, backendPort: number): Promise<LabTunnel> {
  const dir = mkdtempSync(join(tmpdir(), 'mg-lab-tunnel-'));
  chmodSync(dir, 0o700);
  try {
    const file = (name: string, text: string, mode: number) => {
      const p = join(dir, name);
      writeFileSync(p, text, { mode });
      return p;
    };
    const good = pki.credentials.good;
    const files = {
      cert: file('tunnel.crt', good.certPem, 0o644),
      key: file('tunnel.key', good.keyPem, 0o600),
      // Who may connect: a certificate issued by the lab client CA (the CA the mTLS endpoints trust).
      ca: file('client-ca.pem', pki.clientCa.cert.pem, 0o644),
    };
    const backendCa = file('lab-root.pem', pki.rootPem, 0o644);
    const tunnel = await startTunnel({
      mode: 'server',
      listen: { host, port },
      target: { host, port: backendPort },
      files,
      targetTls: { ca: backendCa },
      watch: false,
      drainMs: LAB_TUNNEL_DRAIN_MS,
    });
    return {
      port: tunnel.address.port,
      tunnel,
      materialDir: dir,
      stop: async () => {
        try {
          await tunnel.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
