/**
 * A small HTTP probe: one GET over plain HTTP (is the service plaintext, does it redirect to HTTPS?) or over HTTPS
 * (does it send Strict-Transport-Security?). It reads headers only and never follows a redirect.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';

/** Named limits: the probe reads headers only, within this time. */
export const HTTP_PROBE_TIMEOUT_MS = 5000;
export const MAX_HTTP_HEADER_BYTES = 16 * 1024;

export interface HttpFacts {
  status: number;
  location: string | null;
  /** null: the response had no Strict-Transport-Security header. Only meaningful over HTTPS (RFC 6797 §8.1). */
  hsts: { maxAge: number; includeSubDomains: boolean; preload: boolean } | null;
  server: string | null;
}

/** RFC 6797 §6.1: directives separated by ";", max-age required, names case-insensitive. */
export function parseHsts(value: string | undefined): HttpFacts['hsts'] {
  if (!value) return null;
  const directives = value.split(';').map((d) => d.trim().toLowerCase());
  const maxAge = directives.map((d) => /^max-age\s*=\s*"?(\d{1,12})"?$/.exec(d)?.[1]).find((v) => v !== undefined);
  if (maxAge === undefined) return null;
  return { maxAge: Number(maxAge), includeSubDomains: directives.includes('includesubdomains'), preload: directives.includes('preload') };
}

/**
 * GET `/` of an http:// or https:// URL and report status, Location and HSTS. Certificates are not verified here:
 * the TLS scan judges them; this probe only reads headers.
 */
export function probeHttp(url: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<HttpFacts> {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  if (!https && u.protocol !== 'http:') return Promise.reject(new MitmError('MG_ERR_TARGET', `not an HTTP URL: ${url}`));
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || (https ? 443 : 80),
        path: `${u.pathname}${u.search}` || '/',
        method: 'GET',
        headers: { host: u.host, 'user-agent': 'mitmguard', connection: 'close' },
        maxHeaderSize: MAX_HTTP_HEADER_BYTES,
        timeout: opts.timeoutMs ?? HTTP_PROBE_TIMEOUT_MS,
        ...(opts.signal ? { signal: opts.signal } : {}),
        // RFC 6066 §3: no SNI for an IP address literal.
        ...(https ? { rejectUnauthorized: false, ...(isIP(u.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: u.hostname }) } : {}),
        agent: false,
      },
      (res: IncomingMessage) => {
        const sts = res.headers['strict-transport-security'];
        resolve({
          status: res.statusCode ?? 0,
          location: typeof res.headers.location === 'string' ? new URL(res.headers.location, url).href : null,
          hsts: parseHsts(Array.isArray(sts) ? sts[0] : sts),
          server: typeof res.headers.server === 'string' ? res.headers.server.slice(0, 200) : null,
        });
        res.destroy();
      },
    );
    req.on('timeout', () => req.destroy(new MitmError('MG_ERR_TIMEOUT', `no HTTP answer from ${url} within ${opts.timeoutMs ?? HTTP_PROBE_TIMEOUT_MS} ms`)));
    req.on('error', (err) => reject(toMitmError(err, 'MG_ERR_PROTOCOL')));
    req.end();
  });
}
