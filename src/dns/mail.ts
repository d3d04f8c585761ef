/**
 * MTA-STS (RFC 8461) and SMTP TLS Reporting (RFC 8460) for a mail domain: the `_mta-sts` TXT record, the policy
 * fetched over HTTPS from `mta-sts.<domain>` with certificate validation, its mode and MX patterns checked against
 * the domain's MX hosts, and the `_smtp._tls` TXT record.
 */
import https from 'node:https';
import { MitmError, toMitmError } from '../errors.js';
import { DNS_LIMITS } from './limits.js';
import { normalizeName } from './name.js';

export interface MtaStsPolicy {
  version: string;
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  maxAge: number;
}

/** RFC 8461 §3.1: `v=STSv1; id=<1-32 alnum>;` */
export function parseMtaStsTxt(txt: string): { version: string; id: string } {
  const fields = parseTagList(txt);
  if (fields.get('v') !== 'STSv1') throw new MitmError('MG_ERR_MALFORMED', `MTA-STS TXT must start with v=STSv1: ${JSON.stringify(txt)}`);
  const id = fields.get('id') ?? '';
  if (!/^[A-Za-z0-9]{1,32}$/.test(id)) throw new MitmError('MG_ERR_MALFORMED', `MTA-STS TXT id ${JSON.stringify(id)} must be 1–32 letters or digits`);
  return { version: 'STSv1', id };
}

/** RFC 8460 §3: `v=TLSRPTv1; rua=mailto:a@b,https://c`. */
export function parseTlsRptTxt(txt: string): { version: string; rua: string[] } {
  const fields = parseTagList(txt);
  if (fields.get('v') !== 'TLSRPTv1') throw new MitmError('MG_ERR_MALFORMED', `TLS-RPT TXT must start with v=TLSRPTv1: ${JSON.stringify(txt)}`);
  const rua = (fields.get('rua') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (rua.length === 0 || rua.some((u) => !/^(mailto:|https:)/.test(u))) {
    throw new MitmError('MG_ERR_MALFORMED', 'TLS-RPT rua must list mailto: or https: URIs');
  }
  return { version: 'TLSRPTv1', rua };
}

function parseTagList(txt: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of txt.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** RFC 8461 §3.2: `key: value` lines, CRLF or LF. Unknown keys are ignored; mode, mx (unless none) and max_age required. */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const mx: string[] = [];
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    if (i <= 0) throw new MitmError('MG_ERR_MALFORMED', `MTA-STS policy line is not key: value: ${JSON.stringify(line.slice(0, 80))}`);
    const k = line.slice(0, i).trim();
    const v = line.slice(i + 1).trim();
    if (k === 'mx') mx.push(v.toLowerCase());
    else if (!fields.has(k)) fields.set(k, v);
  }
  if (fields.get('version') !== 'STSv1') throw new MitmError('MG_ERR_MALFORMED', 'MTA-STS policy version must be STSv1');
  const mode = fields.get('mode');
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') throw new MitmError('MG_ERR_MALFORMED', `MTA-STS policy mode ${JSON.stringify(mode)} is not enforce, testing or none`);
  const maxAge = Number(fields.get('max_age'));
  // §3.2: max_age is at most 31557600 seconds (about one year).
  if (!/^\d{1,10}$/.test(fields.get('max_age') ?? '') || maxAge > 31557600) throw new MitmError('MG_ERR_MALFORMED', 'MTA-STS policy max_age must be 0–31557600');
  if (mode !== 'none' && mx.length === 0) throw new MitmError('MG_ERR_MALFORMED', 'MTA-STS policy lists no mx patterns');
  return { version: 'STSv1', mode, mx, maxAge };
}

/** RFC 8461 §4.1: an MX pattern matches the host exactly or, for `*.example.com`, exactly one extra left label. */
export function mxMatches(pattern: string, host: string): boolean {
  const p = normalizeName(pattern);
  const h = normalizeName(host);
  if (p.startsWith('*.')) {
    const rest = p.slice(2);
    const i = h.indexOf('.');
    return i > 0 && h.slice(i + 1) === rest;
  }
  return p === h;
}

export interface PolicyFetchOptions {
  /** Connect here instead of resolving `mta-sts.<domain>` (tests, split-horizon checks). */
  connect?: { host: string; port: number };
  /** Extra CA certificates (PEM) to trust, e.g. a private CA. */
  ca?: string | string[];
  /** Idle timeout of the connection. */
  timeoutMs?: number;
  /** The whole fetch, however slowly bytes trickle in (default DNS_LIMITS.mtaStsDeadlineMs). */
  deadlineMs?: number;
}

/**
 * Fetch `https://mta-sts.<domain>/.well-known/mta-sts.txt` with certificate validation for that host name (§3.3),
 * no redirects, `text/plain`, bounded size.
 */
export function fetchMtaStsPolicy(domain: string, options: PolicyFetchOptions = {}): Promise<{ text: string; url: string }> {
  const host = `mta-sts.${normalizeName(domain).replace(/\.$/, '')}`;
  const url = `https://${host}/.well-known/mta-sts.txt`;
  const deadlineMs = options.deadlineMs ?? DNS_LIMITS.mtaStsDeadlineMs;
  return new Promise<{ text: string; url: string }>((resolveFetch, rejectFetch) => {
    // The idle timeout alone lets a server hold the fetch forever at a byte a second; the deadline bounds the total.
    const deadline = setTimeout(() => req.destroy(new MitmError('MG_ERR_TIMEOUT', `${url} took longer than ${deadlineMs} ms in total`, { details: { deadlineMs } })), deadlineMs);
    const resolve = (v: { text: string; url: string }) => {
      clearTimeout(deadline);
      resolveFetch(v);
    };
    const reject = (e: unknown) => {
      clearTimeout(deadline);
      rejectFetch(e);
    };
    const req = https.request(
      {
        host: options.connect?.host ?? host,
        port: options.connect?.port ?? 443,
        servername: host,
        path: '/.well-known/mta-sts.txt',
        method: 'GET',
        headers: { host },
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs ?? 10000,
        agent: false,
      },
      (res) => {
        // §3.3: HTTP 3xx redirects MUST NOT be followed; only 200 counts.
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new MitmError('MG_ERR_PROTOCOL', `${url} answered HTTP ${res.statusCode}`));
        }
        const ct = String(res.headers['content-type'] ?? '');
        if (!/^text\/plain\b/i.test(ct)) {
          res.resume();
          return reject(new MitmError('MG_ERR_PROTOCOL', `${url} has media type ${JSON.stringify(ct)}, not text/plain`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (size > DNS_LIMITS.maxMtaStsPolicyBytes) {
            req.destroy(new MitmError('MG_ERR_TOO_LARGE', `${url} is over ${DNS_LIMITS.maxMtaStsPolicyBytes} bytes`));
            return;
          }
          chunks.push(d);
        });
        res.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), url }));
        res.on('error', (e) => reject(toMitmError(e, 'MG_ERR_PROTOCOL')));
      },
    );
    req.on('timeout', () => req.destroy(new MitmError('MG_ERR_TIMEOUT', `${url} did not answer in time`)));
    req.on('error', (e) => reject(toMitmError(e, /certificate|self.signed|unable to verify|altnames/i.test(e.message) ? 'MG_ERR_X509_INVALID' : 'MG_ERR_CONNECT')));
    req.end();
  });
}
