/**
 * `--proxy`: each scenario's port is an explicit HTTP proxy (RFC 9110 §9.3.6 CONNECT). Whatever host the client asks
 * for, the tunnel ends here: the endpoint answers TLS with a certificate minted for that name under the scenario's
 * rules, and nothing is ever forwarded upstream. A plain `GET http://…` through the proxy is recorded as cleartext.
 */
import type { Socket } from 'node:net';
import { MitmError } from '../errors.js';
import { parseRequestHead, requestEvents, type HttpRequestHead } from './protocols/http.js';

/** A proxy request head larger than this is refused (no legitimate CONNECT comes close). */
export const MAX_PROXY_HEAD_BYTES = 8 * 1024;

export type ProxyRequest =
  | { kind: 'connect'; host: string; port: number }
  | { kind: 'forward'; request: HttpRequestHead };

const AUTHORITY = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]{1,253}):(\d{1,5})$/;

/** Parse a proxy request head (without the blank line). */
export function parseProxyRequest(head: string): ProxyRequest {
  const request = parseRequestHead(head);
  if (request.method !== 'CONNECT') {
    if (!/^http:\/\//i.test(request.target)) throw new MitmError('MG_ERR_PROTOCOL', 'proxy request is neither CONNECT nor an absolute http:// URL');
    return { kind: 'forward', request };
  }
  const m = AUTHORITY.exec(request.target);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new MitmError('MG_ERR_TARGET', 'CONNECT target is not host:port');
  return { kind: 'connect', host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export interface ProxyHandlers {
  /** The 200 has been sent; the socket now carries the client's tunnelled bytes. */
  tunnel(socket: Socket, target: { host: string; port: number }): void;
  /** A cleartext request through the proxy: its events, already answered. */
  forward(events: ReturnType<typeof requestEvents>): void;
  error(err: MitmError): void;
}

/** Read the proxy request from a fresh connection and hand the socket on. */
export function acceptProxyConnection(socket: Socket, handlers: ProxyHandlers, idleMs: number): void {
  let head = Buffer.alloc(0);
  const fail = (err: MitmError, status: string) => {
    handlers.error(err);
    socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  };
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > MAX_PROXY_HEAD_BYTES) {
        socket.off('data', onData);
        fail(new MitmError('MG_ERR_TOO_LARGE', `proxy request head over ${MAX_PROXY_HEAD_BYTES} bytes`), '431 Request Header Fields Too Large');
      }
      return;
    }
    socket.off('data', onData);
    socket.setTimeout(0);
    let req: ProxyRequest;
    try {
      req = parseProxyRequest(head.subarray(0, end).toString('latin1'));
    } catch (err) {
      return fail(err instanceof MitmError ? err : new MitmError('MG_ERR_MALFORMED', String(err)), '400 Bad Request');
    }
    if (req.kind === 'forward') {
      handlers.forward(requestEvents(req.request));
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    // Bytes after the CONNECT head would be the start of the tunnel; clients wait for the 200, so there are none.
    socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
    handlers.tunnel(socket, { host: req.host, port: req.port });
  };
  socket.setTimeout(idleMs, () => socket.destroy());
  socket.on('data', onData);
}
