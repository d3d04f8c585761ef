/**
 * Start and stop the lab: one node:https or node:http server per endpoint on loopback. Ports are ephemeral unless a
 * base port is given (then base, base+1, … in LAB_ENDPOINTS order, so a long-running lab has stable addresses).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import { LAB_ENDPOINTS, type LabEndpoint } from './endpoints.js';
import { createLabPki, type LabPki } from './pki.js';
import { createLabSmtpServer } from './smtp.js';
import { startLabDns, type LabDnsInfo } from './dns.js';
import { startLabTunnel, type LabTunnel } from './tunnel.js';

/** Loopback only: the lab must never be reachable from another machine. */
export const LAB_HOST = '127.0.0.1';
/** HSTS the good endpoints send: two years (Mozilla's recommendation; above the 180 days A+ needs). */
export const LAB_HSTS = 'max-age=63072000; includeSubDomains; preload';

export interface RunningEndpoint {
  spec: LabEndpoint;
  port: number;
  /** What to scan: `https://`, `http://` or `smtp://127.0.0.1:port`. */
  target: string;
}

export interface Lab {
  endpoints: RunningEndpoint[];
  /** The lab root CA (PEM), for clients that should trust the lab. Public; no key. */
  rootPem: string;
  /** The lab DNS server (the signed zone of the `dns-*` endpoints) and its trust anchor; null when none of them runs. */
  dns: LabDnsInfo | null;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  /** 0 or absent: ephemeral ports. */
  basePort?: number;
  /** Only these endpoint names (all when absent). */
  only?: readonly string[];
  pki?: LabPki;
}

function tlsOptions(spec: LabEndpoint, pki: LabPki): ServerOptions {
  const t = spec.tls!;
  const cred = pki.credentials[t.leaf];
  return {
    cert: cred.certPem,
    key: cred.keyPem,
    minVersion: t.minVersion,
    // Mozilla's groups; without this Node also offers x448, P-521 and large FFDHE groups.
    ecdhCurve: 'X25519:P-256:P-384',
    // The server chooses the suite (node:https does by default; a bare secure context for STARTTLS does not).
    honorCipherOrder: true,
    ...(t.maxVersion ? { maxVersion: t.maxVersion } : {}),
    ...(t.ciphers ? { ciphers: t.ciphers } : {}),
    ...(t.clientAuth ? { requestCert: true, rejectUnauthorized: t.clientAuth === 'required', ca: pki.clientCa.cert.pem } : {}),
  };
}

function handler(spec: LabEndpoint, redirectTo: () => string | null) {
  return function labResponse(req: IncomingMessage, res: ServerResponse): void {
    const location = spec.kind === 'http-redirect' ? redirectTo() : null;
    if (location) {
      res.writeHead(301, { location: `${location}${req.url ?? '/'}`, 'content-type': 'text/plain' }).end('moved\n');
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (spec.tls?.hsts) headers['strict-transport-security'] = LAB_HSTS;
    res.writeHead(200, headers).end(`mitmguard lab: ${spec.name} — ${spec.title}\n`);
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LAB_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Start the lab endpoints on 127.0.0.1.
 *
 * @example const lab = await startLab(); console.log(lab.endpoints.map((e) => e.target)); await lab.stop();
 */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const pki = options.pki ?? createLabPki();
  const specs = LAB_ENDPOINTS.filter((e) => !options.only || options.only.includes(e.name));
  if (options.only) {
    const unknown = options.only.filter((n) => !LAB_ENDPOINTS.some((e) => e.name === n));
    if (unknown.length) throw new MitmError('MG_ERR_USAGE', `unknown lab endpoint(s): ${unknown.join(', ')}`);
  }
  const servers: Server[] = [];
  const running: RunningEndpoint[] = [];
  let dns: Awaited<ReturnType<typeof startLabDns>> = null;
  const tunnels: LabTunnel[] = [];
  const modern = () => running.find((r) => r.spec.name === 'modern')?.target ?? running.find((r) => r.spec.kind === 'https')?.target ?? null;
  const stop = async () => {
    await dns?.stop();
    await Promise.all(tunnels.map((t) => t.stop()));
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  };
  try {
    for (const spec of specs) {
      const index = LAB_ENDPOINTS.indexOf(spec);
      if (spec.kind === 'mtls-tunnel') {
        // In front of an endpoint started earlier in the table (src/lab/tunnel.ts).
        const backend = running.find((r) => r.spec.name === spec.tunnelOf);
        if (!backend) throw new MitmError('MG_ERR_USAGE', `${spec.name} tunnels ${spec.tunnelOf ?? '?'}, which is not started`);
        const t = await startLabTunnel(pki, LAB_HOST, options.basePort ? options.basePort + index : 0, backend.port);
        tunnels.push(t);
        running.push({ spec, port: t.port, target: `https://${LAB_HOST}:${t.port}` });
        continue;
      }
      const h = handler(spec, modern);
      const server: Server =
        spec.kind === 'https'
          ? (createHttpsServer(tlsOptions(spec, pki), h) as unknown as Server)
          : spec.kind === 'smtp'
            ? (createLabSmtpServer(spec.smtp?.starttls ? { tls: tlsOptions(spec, pki) } : {}) as unknown as Server)
            : createHttpServer(h);
      // A handshake a scanner aborts on purpose is not a lab failure.
      server.on('tlsClientError', () => {});
      server.on('clientError', (_e, socket) => socket.destroy());
      servers.push(server);
      const port = await listen(server, options.basePort ? options.basePort + index : 0);
      const scheme = spec.kind === 'https' ? 'https' : spec.kind === 'smtp' ? 'smtp' : 'http';
      // A DNS-zone endpoint is scanned by its name (at 127.0.0.1, through the lab DNS server): src/lab/dns.ts.
      running.push({ spec, port, target: `${scheme}://${spec.dnsName ?? LAB_HOST}:${port}` });
    }
    // After the endpoints: the zone's TLSA records name their ports. With a base port, DNS takes the next one.
    dns = await startLabDns(running, pki.credentials['dns-names'].certPem, LAB_HOST, options.basePort ? options.basePort + LAB_ENDPOINTS.length : 0);
  } catch (err) {
    await stop();
    const e = toMitmError(err, 'MG_ERR_IO');
    throw new MitmError(e.code, `lab: cannot start: ${e.message}`, { cause: err });
  }
  const dnsInfo = dns ? { host: dns.host, port: dns.port, anchorText: dns.anchorText, bindAnchorText: dns.bindAnchorText } : null;
  return { endpoints: running, rootPem: pki.rootPem, dns: dnsInfo, stop };
}
