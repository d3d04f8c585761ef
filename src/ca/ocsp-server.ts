/**
 * The CA's HTTP face for relying parties: the OCSP responder (RFC 6960 Appendix A: POST with
 * application/ocsp-request, or GET with the base64 request in the path) at /ocsp, the current CRL at /crl (DER) and the
 * CA chain at /ca.pem. Read-only, so no token; bound to 127.0.0.1 unless told otherwise. The CA state is re-read when
 * the audit log changes, so a `ca revoke` shows up in the next answer.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import type { CaState } from './audit-log.js';
import { buildOcspResponse, errorResponse, OCSP_LIMITS, parseOcspRequest, type CertStatus, type Responder } from './ocsp.js';
import type { CertificateAuthority } from './store.js';

export interface OcspServerOptions {
  host?: string;
  port?: number;
  /** Called for each answered request (the CLI logs one JSON line; never keys). */
  onRequest?: (entry: { method: string; path: string; status: number; certStatus?: string[]; error?: string }) => void;
  signal?: AbortSignal;
}

export interface RunningCaServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new MitmError('MG_ERR_TOO_LARGE', `request body over ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Start the responder for `ca`; resolves once it listens. */
export async function serveCa(ca: CertificateAuthority, options: OcspServerOptions = {}): Promise<RunningCaServer> {
  const responder: Responder = ca.responder();
  let stamp = '';
  let state: CaState | undefined;
  const current = (): CaState => {
    const s = ca.stamp();
    if (s !== stamp || !state) {
      state = ca.state();
      stamp = s;
    }
    return state;
  };
  const lookup = (serialHex: string): CertStatus => {
    const c = current().issued.get(serialHex.toLowerCase());
    if (!c) return { status: 'unknown' };
    return c.revoked ? { status: 'revoked', revokedAt: new Date(c.revoked.at), reason: c.revoked.reason } : { status: 'good' };
  };
  const send = (res: ServerResponse, status: number, type: string, body: Uint8Array | string) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const log = (status: number, extra: { certStatus?: string[]; error?: string } = {}) => options.onRequest?.({ method: req.method ?? '', path: path.slice(0, 80), status, ...extra });
    if (req.method === 'GET' && path === '/crl') {
      send(res, 200, 'application/pkix-crl', readFileSync(ca.path('crl.der')));
      return log(200);
    }
    if (req.method === 'GET' && path === '/ca.pem') {
      send(res, 200, 'application/x-pem-file', ca.chainPem);
      return log(200);
    }
    if (path === '/ocsp' || path.startsWith('/ocsp/')) {
      let der: Uint8Array;
      try {
        if (req.method === 'POST') {
          der = await readBody(req, OCSP_LIMITS.maxRequestBytes);
        } else if (req.method === 'GET') {
          // RFC 6960 Appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}
          const b64 = decodeURIComponent(path.slice('/ocsp/'.length));
          if (b64.length > (OCSP_LIMITS.maxRequestBytes * 4) / 3 + 4 || !/^[A-Za-z0-9+/=_-]*$/.test(b64)) throw new MitmError('MG_ERR_MALFORMED', 'GET path is not base64');
          der = Buffer.from(b64, 'base64');
        } else {
          send(res, 405, 'text/plain', 'method not allowed\n');
          return log(405);
        }
        const request = parseOcspRequest(der);
        const body = buildOcspResponse(request, responder, lookup, new Date());
        send(res, 200, 'application/ocsp-response', body);
        return log(200, { certStatus: request.certIds.map((id) => `${id.serialHex}:${lookup(id.serialHex).status}`) });
      } catch (err) {
        const e = toMitmError(err);
        const internal = e.code === 'MG_ERR_INTERNAL' || e.code === 'MG_ERR_IO';
        send(res, 200, 'application/ocsp-response', errorResponse(internal ? 'internalError' : 'malformedRequest'));
        return log(200, { error: e.code });
      }
    }
    send(res, 404, 'text/plain', 'not found\n');
    log(404);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new MitmError('MG_ERR_CONNECT', `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}`, { cause: err })));
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  const host = options.host ?? '127.0.0.1';
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close };
}
