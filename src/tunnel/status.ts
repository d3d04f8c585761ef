/** The tunnel's status endpoint: GET /status (JSON) and GET /metrics (Prometheus), read-only, 127.0.0.1 by default. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MitmError } from '../errors.js';

export async function serveStatus(host: string, port: number, status: () => unknown, metrics: () => string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/status') {
      const body = JSON.stringify(status(), null, 2) + '\n';
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new MitmError('MG_ERR_CONNECT', `cannot listen on ${host}:${port} for status`, { cause: err })));
    server.listen(port, host, resolve);
  });
  const p = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${p}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
