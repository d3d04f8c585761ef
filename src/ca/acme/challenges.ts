/**
 * ACME challenge validation (I/O), one function per type, chosen from a table: http-01 (RFC 8555 §8.3), dns-01
 * (§8.4) and tls-alpn-01 (RFC 8737). Each connects only to what the CA's resolver says — addresses for http-01 and
 * tls-alpn-01, TXT records for dns-01 — and only on the configured ports. A verdict comes back; nothing throws.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { toMitmError } from '../../errors.js';
import { findExtension, parseCertificate } from '../../x509/certificate.js';

export type ChallengeType = 'http-01' | 'dns-01' | 'tls-alpn-01';

export interface ValidationContext {
  /** The identifier without any wildcard label. */
  name: string;
  token: string;
  keyAuthorization: string;
  resolve: (name: string) => Promise<string[]>;
  resolveTxt?: (name: string) => Promise<string[][]>;
  httpPort: number;
  tlsAlpnPort: number;
  timeoutMs: number;
  /** Bytes read from an http-01 answer. */
  maxBodyBytes: number;
}

export type ValidationVerdict = { ok: true; address?: string } | { ok: false; type: 'dns' | 'connection' | 'incorrectResponse' | 'tls' | 'unauthorized'; detail: string };

/** RFC 8737 §3: id-pe-acmeIdentifier, critical, OCTET STRING of SHA-256(key authorization). */
export const OID_ACME_IDENTIFIER = '1.3.6.1.5.5.7.1.31';

async function addresses(ctx: ValidationContext): Promise<string[] | ValidationVerdict> {
  const list = (await ctx.resolve(ctx.name).catch(() => [])).filter((a) => isIP(a));
  return list.length ? list : { ok: false, type: 'dns', detail: `${ctx.name} does not resolve through the CA's resolver` };
}

async function http01(ctx: ValidationContext): Promise<ValidationVerdict> {
  const addrs = await addresses(ctx);
  if (!Array.isArray(addrs)) return addrs;
  let last: ValidationVerdict = { ok: false, type: 'connection', detail: 'no address answered' };
  for (const address of addrs) {
    const got = await new Promise<{ status: number; body: string; error?: string }>((resolve) => {
      const req = httpRequest({ host: address, port: ctx.httpPort, path: `/.well-known/acme-challenge/${ctx.token}`, headers: { host: ctx.name }, timeout: ctx.timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
          if (body.length > ctx.maxBodyBytes) req.destroy(new Error('answer too large'));
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
      req.end();
    });
    if (got.status === 200 && got.body.trim() === ctx.keyAuthorization) return { ok: true, address };
    last = got.status
      ? { ok: false, type: 'incorrectResponse', detail: `HTTP ${got.status} from ${address}:${ctx.httpPort}${got.status === 200 ? ' with the wrong key authorization' : ''}` }
      : { ok: false, type: 'connection', detail: `${address}:${ctx.httpPort}: ${got.error ?? 'no answer'}` };
  }
  return last;
}

async function dns01(ctx: ValidationContext): Promise<ValidationVerdict> {
  if (!ctx.resolveTxt) return { ok: false, type: 'dns', detail: 'dns-01 needs a DNS resolver for the CA' };
  const expected = createHash('sha256').update(ctx.keyAuthorization).digest('base64url');
  const owner = `_acme-challenge.${ctx.name}`;
  let records: string[][];
  try {
    records = await ctx.resolveTxt(owner);
  } catch (err) {
    return { ok: false, type: 'dns', detail: `${owner} TXT: ${toMitmError(err).message}` };
  }
  // RFC 8555 §8.4: one of the TXT records (its strings concatenated) is the digest.
  return records.some((r) => r.join('') === expected) ? { ok: true } : { ok: false, type: 'incorrectResponse', detail: `no TXT record at ${owner} holds the key authorization digest` };
}

async function tlsAlpn01(ctx: ValidationContext): Promise<ValidationVerdict> {
  const addrs = await addresses(ctx);
  if (!Array.isArray(addrs)) return addrs;
  const want = Buffer.concat([Buffer.from([0x04, 0x20]), createHash('sha256').update(ctx.keyAuthorization).digest()]);
  let last: ValidationVerdict = { ok: false, type: 'connection', detail: 'no address answered' };
  for (const address of addrs) {
    last = await new Promise<ValidationVerdict>((resolve) => {
      // RFC 8737 §3: SNI = the identifier, ALPN acme-tls/1 only; the self-signed certificate is not path-validated.
      const sock = tlsConnect({ host: address, port: ctx.tlsAlpnPort, servername: ctx.name, ALPNProtocols: ['acme-tls/1'], rejectUnauthorized: false, minVersion: 'TLSv1.2' });
      const timer = setTimeout(() => {
        sock.destroy();
        resolve({ ok: false, type: 'connection', detail: `${address}:${ctx.tlsAlpnPort}: timed out` });
      }, ctx.timeoutMs);
      const done = (v: ValidationVerdict) => {
        clearTimeout(timer);
        sock.destroy();
        resolve(v);
      };
      sock.once('secureConnect', () => {
        if (sock.alpnProtocol !== 'acme-tls/1') return done({ ok: false, type: 'tls', detail: `the server did not negotiate acme-tls/1 (got ${String(sock.alpnProtocol)})` });
        const raw = sock.getPeerX509Certificate()?.raw;
        try {
          const cert = parseCertificate(new Uint8Array(raw!));
          const sans = cert.ext.subjectAltName ?? [];
          if (sans.length !== 1 || sans[0]!.type !== 'dns' || sans[0]!.text.toLowerCase() !== ctx.name) return done({ ok: false, type: 'unauthorized', detail: `the certificate must carry exactly the dNSName ${ctx.name}` });
          const ext = findExtension(cert, OID_ACME_IDENTIFIER);
          if (!ext || !ext.critical) return done({ ok: false, type: 'unauthorized', detail: 'no critical acmeIdentifier extension' });
          return done(Buffer.compare(Buffer.from(ext.value), want) === 0 ? { ok: true, address } : { ok: false, type: 'incorrectResponse', detail: 'acmeIdentifier does not hold the key authorization digest' });
        } catch (err) {
          return done({ ok: false, type: 'tls', detail: `unreadable certificate: ${toMitmError(err).message}` });
        }
      });
      sock.once('error', (err) => done({ ok: false, type: 'tls', detail: `${address}:${ctx.tlsAlpnPort}: ${err.message}` }));
    });
    if (last.ok) return last;
  }
  return last;
}

export const VALIDATORS: Readonly<Record<ChallengeType, (ctx: ValidationContext) => Promise<ValidationVerdict>>> = {
  'http-01': http01,
  'dns-01': dns01,
  'tls-alpn-01': tlsAlpn01,
};
