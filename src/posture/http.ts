/**
 * probeHttp: fetch `/` over HTTPS and over plain HTTP, follow the plain-HTTP redirect chain hop by hop, and record
 * HSTS, cookies and mixed-content hints. Nothing is judged here (src/checks/http.ts does that).
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { MitmError, toMitmError } from '../errors.js';
import { parseSetCookie, MAX_COOKIES, type CookieFact } from './cookies.js';
import { parseHsts } from './hsts.js';
import { findMixedContent, MAX_PAGE_BYTES } from './mixed-content.js';
import type { HttpHop, HttpObservation } from './types.js';
export type { HttpHop, HttpObservation } from './types.js';

/** Browsers stop at 20 (Fetch §4.4); a chain longer than this is a loop or an attack either way. */
export const MAX_REDIRECTS = 10;

/**
 * Which redirects the probe follows. A scanned server chooses the Location, so following any of them would let it
 * make the scanner request internal addresses (cloud metadata at 169.254.169.254, admin consoles on loopback):
 * - `same-host` (default): only URLs on the scanned host (its name or its address);
 * - `same-class`: other hosts too, when their address is of the scanned address's class (loopback, private,
 *   public) and never link-local;
 * - `any`: every http(s) URL (the old behaviour; for a lab the user controls).
 */
export type RedirectPolicy = 'same-host' | 'same-class' | 'any';
export const REDIRECT_POLICIES: readonly RedirectPolicy[] = ['same-host', 'same-class', 'any'];

type AddressClass = 'loopback' | 'private' | 'link-local' | 'public';

/** RFC 6890 special-purpose ranges, coarsely: the classes a redirect may not cross. */
export function addressClass(ip: string): AddressClass {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    if (a === 127) return 'loopback';
    if (a === 169 && b === 254) return 'link-local';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a === 0) return 'private';
    return 'public';
  }
  const x = ip.toLowerCase();
  if (x === '::1') return 'loopback';
  if (/^fe[89ab]/.test(x)) return 'link-local';
  if (/^f[cd]/.test(x) || x === '::') return 'private';
  return 'public';
}

export interface HttpTarget {
  target: string;
  host: string;
  /** Default 443; null skips HTTPS. */
  httpsPort?: number | null;
  /** Default 80; null skips plain HTTP. */
  httpPort?: number | null;
  /** Host header / SNI name (default host). */
  name?: string;
}

export interface HttpOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Default `same-host`. */
  redirects?: RedirectPolicy;
}

const bare = (h: string) => h.replace(/^\[|\]$/g, '');

/** The address a host connects to: itself when an IP literal, else its first address. */
async function addressOf(host: string): Promise<string | null> {
  const h = bare(host);
  if (isIP(h)) return h;
  try {
    return (await lookup(h)).address;
  } catch {
    return null;
  }
}

/**
 * Whether to follow a redirect to `next`, and where to connect: the scanned host's hops go to the address the user
 * gave; another host's go to the address checked here (so a name cannot resolve differently between check and use).
 */
async function redirectDecision(next: URL, target: HttpTarget, name: string, policy: RedirectPolicy): Promise<{ connect: string } | { reason: string }> {
  const host = bare(next.hostname).toLowerCase();
  if (host === name.toLowerCase() || host === bare(target.host).toLowerCase()) return { connect: target.host };
  if (policy === 'any') return { connect: bare(next.hostname) };
  if (policy === 'same-host') return { reason: 'another host (redirects are followed on the scanned host only)' };
  const [to, from] = await Promise.all([addressOf(host), addressOf(target.host)]);
  if (!to || !from) return { reason: 'its address could not be determined' };
  const toClass = addressClass(to);
  if (toClass === 'link-local') return { reason: `a link-local address (${to})` };
  if (toClass !== addressClass(from)) return { reason: `a ${toClass} address (${to}), the scanned host is ${addressClass(from)}` };
  return { connect: to };
}

const hostPart = (h: string) => (h.includes(':') ? `[${h}]` : h);
const portPart = (scheme: 'http' | 'https', port: number) => ((scheme === 'http' && port === 80) || (scheme === 'https' && port === 443) ? '' : `:${port}`);

interface Fetched {
  res: IncomingMessage;
  body: string;
}

/** One GET without following redirects; the body is read only when `wantBody`, up to MAX_PAGE_BYTES. */
function fetchOnce(url: URL, connectHost: string, options: HttpOptions, wantBody: boolean): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const request = isHttps ? httpsRequest : httpRequest;
    const servername = /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname;
    const req = request(
      {
        host: connectHost,
        port: url.port || (isHttps ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host, 'user-agent': 'mitmguard', accept: 'text/html,*/*' },
        agent: false,
        timeout: options.timeoutMs,
        // The posture probe reads headers; certificate validity is the scan's job, so it does not stop here.
        ...(isHttps ? { rejectUnauthorized: false, ...(servername ? { servername } : {}) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        if (!wantBody) {
          res.resume();
          res.once('end', () => resolve({ res, body: '' }));
          res.once('error', () => resolve({ res, body: '' }));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size >= MAX_PAGE_BYTES) return;
          chunks.push(c);
          size += c.length;
          if (size >= MAX_PAGE_BYTES) {
            res.destroy();
            resolve({ res, body: Buffer.concat(chunks).toString('utf8') });
          }
        });
        res.once('end', () => resolve({ res, body: Buffer.concat(chunks).toString('utf8') }));
        res.once('error', () => resolve({ res, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.once('timeout', () => req.destroy(new MitmError('MG_ERR_TIMEOUT', `${url.href}: no answer within ${options.timeoutMs} ms`)));
    req.once('error', (e) => reject(toMitmError(e, 'MG_ERR_CONNECT')));
    req.end();
  });
}

function firstHeader(res: IncomingMessage, name: string): string | null {
  for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === name) return res.rawHeaders[i + 1]!;
  return null;
}

function hopOf(url: URL, f: Fetched | null, error: unknown): HttpHop {
  if (!f) {
    const e = toMitmError(error);
    return { url: url.href, status: null, location: null, hsts: null, cookies: [], error: { code: e.code, message: e.message } };
  }
  const overHttps = url.protocol === 'https:';
  const setCookie = f.res.headers['set-cookie'] ?? [];
  const cookies = setCookie.slice(0, MAX_COOKIES).map((c) => parseSetCookie(c, overHttps)).filter((c): c is CookieFact => c !== null);
  const location = firstHeader(f.res, 'location');
  return { url: url.href, status: f.res.statusCode ?? null, location: location ? location.slice(0, 2048) : null, hsts: firstHeader(f.res, 'strict-transport-security'), cookies, error: null };
}

/**
 * Fetch `/` over HTTPS and follow the plain-HTTP chain.
 *
 * @example
 * const seen = await probeHttp({ target: 'www.example', host: 'www.example' }, { timeoutMs: 10_000 });
 * catalogue.run('http', seen, seen.target);
 */
export async function probeHttp(target: HttpTarget, options: HttpOptions): Promise<HttpObservation> {
  const name = target.name ?? target.host;
  const obs: HttpObservation = { target: target.target, host: name, https: null, httpChain: [] };
  const httpsPort = target.httpsPort === undefined ? 443 : target.httpsPort;
  const httpPort = target.httpPort === undefined ? 80 : target.httpPort;
  if (httpsPort !== null) {
    const url = new URL(`https://${hostPart(name)}${portPart('https', httpsPort)}/`);
    let f: Fetched | null = null;
    let err: unknown = null;
    try {
      f = await fetchOnce(url, target.host, options, true);
    } catch (e) {
      err = e;
    }
    const hop = hopOf(url, f, err);
    const html = f && /html/i.test(String(f.res.headers['content-type'] ?? 'text/html')) ? f.body : '';
    obs.https = { ...hop, policy: hop.hsts === null ? null : parseHsts(hop.hsts), mixedContent: findMixedContent(html) };
  }
  if (httpPort !== null) {
    let url = new URL(`http://${hostPart(name)}${portPart('http', httpPort)}/`);
    let connectHost = target.host;
    for (let i = 0; i <= MAX_REDIRECTS; i++) {
      let f: Fetched | null = null;
      let err: unknown = null;
      try {
        f = await fetchOnce(url, connectHost, options, false);
      } catch (e) {
        err = e;
      }
      const hop = hopOf(url, f, err);
      obs.httpChain.push(hop);
      if (!hop.location || hop.status === null || hop.status < 300 || hop.status > 399) break;
      let next: URL;
      try {
        next = new URL(hop.location, url);
      } catch {
        break;
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') break;
      const decision = await redirectDecision(next, target, name, options.redirects ?? 'same-host');
      if ('reason' in decision) {
        (obs.redirectsNotFollowed ??= []).push({ from: url.href, to: next.href, reason: decision.reason });
        break;
      }
      connectHost = decision.connect;
      url = next;
    }
  }
  return obs;
}

