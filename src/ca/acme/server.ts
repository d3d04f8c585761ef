/**
 * An ACME server (RFC 8555) in front of the private CA, for internal automation: directory, nonces, accounts (JWS
 * ES256/RS256), orders, http-01 challenges, finalize with a CSR, certificate download and revocation. Every request
 * is a JWS checked for alg, nonce (single use), url and signature (§6.2–6.5). Challenge validation connects only to
 * the addresses the identifier resolves to through the resolver given to the server (never the system resolver),
 * and only on the configured http-01 port. State is in memory: accounts and orders last as long as the process;
 * issued certificates and revocations go through the CA and its audit log like any other.
 */
import { randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MitmError, toMitmError } from '../../errors.js';
import { parseCertificate } from '../../x509/certificate.js';
import { REVOCATION_REASONS, type RevocationReason } from '../crl.js';
import { assertAcceptableKey, parseCsr } from '../csr.js';
import { parseSanName, type SanName } from '../names.js';
import { evaluateSignPolicy, type SignPolicy } from '../sign-policy.js';
import type { CertificateAuthority } from '../store.js';
import { VALIDATORS, type ChallengeType, type ValidationVerdict } from './challenges.js';
import { jwkThumbprint, keyFromJwk, parseJws, verifyJws, type ParsedJws } from './jws.js';

/** Named limits of the ACME server. */
export const ACME_LIMITS = {
  /** Outstanding nonces kept; older ones are forgotten (the client retries with a fresh one on badNonce). */
  maxNonces: 10_000,
  accounts: 10_000,
  orders: 100_000,
  identifiersPerOrder: 100,
  /** Bytes read from a challenge response. */
  challengeBodyBytes: 8 * 1024,
  challengeTimeoutMs: 10_000,
} as const;

export interface AcmeOptions {
  host?: string;
  port?: number;
  /** Resolves an identifier to the addresses validation may connect to. */
  resolve: (name: string) => Promise<string[]>;
  /** Port of http-01 validation (RFC 8555 §8.3 says 80; tests and internal setups use others). */
  httpPort?: number;
  /** Port of tls-alpn-01 validation (RFC 8737 §3 says 443). */
  tlsAlpnPort?: number;
  /** TXT lookups for dns-01 through the CA's DNS resolver; without it dns-01 is not offered. */
  resolveTxt?: (name: string) => Promise<string[][]>;
  /** Optional sign policy; every account is the requester `acme`. Without one the CA's name constraints decide. */
  policy?: SignPolicy;
  onEvent?: (e: Record<string, unknown>) => void;
}

interface Account {
  id: string;
  jwk: JsonWebKey;
  key: KeyObject;
  thumbprint: string;
  contact: string[];
  status: 'valid' | 'deactivated';
}
interface Challenge {
  type: ChallengeType;
  token: string;
  status: 'pending' | 'processing' | 'valid' | 'invalid';
  validated?: string;
  error?: Problem;
}
interface Authz {
  id: string;
  account: string;
  identifier: { type: 'dns'; value: string };
  wildcard: boolean;
  status: 'pending' | 'valid' | 'invalid';
  expires: string;
  challenges: Challenge[];
}
interface Order {
  id: string;
  account: string;
  status: 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
  expires: string;
  identifiers: Array<{ type: 'dns'; value: string }>;
  authzs: string[];
  certificate?: { serial: string; pem: string };
  error?: Problem;
}
interface Problem {
  type: string;
  detail: string;
  status?: number;
}

class AcmeProblem extends Error {
  constructor(readonly type: string, detail: string, readonly status = 400) {
    super(detail);
  }
}

const id = () => randomBytes(12).toString('base64url');

export interface RunningAcme {
  url: string;
  directory: string;
  close(): Promise<void>;
}

export async function serveAcme(ca: CertificateAuthority, options: AcmeOptions): Promise<RunningAcme> {
  const accounts = new Map<string, Account>();
  const byThumbprint = new Map<string, string>();
  const orders = new Map<string, Order>();
  const authzs = new Map<string, Authz>();
  const nonces = new Set<string>();
  const httpPort = options.httpPort ?? 80;
  let base = '';
  const event = (e: Record<string, unknown>) => options.onEvent?.({ time: new Date().toISOString(), ...e });

  const newNonce = () => {
    const n = randomBytes(16).toString('base64url');
    nonces.add(n);
    if (nonces.size > ACME_LIMITS.maxNonces) nonces.delete(nonces.values().next().value as string);
    return n;
  };
  const u = (path: string) => `${base}${path}`;
  const directory = () => ({
    newNonce: u('/new-nonce'), newAccount: u('/new-account'), newOrder: u('/new-order'), revokeCert: u('/revoke-cert'),
    meta: { externalAccountRequired: false },
  });
  const accountDoc = (a: Account) => ({ status: a.status, contact: a.contact, orders: u(`/acct/${a.id}/orders`) });
  const orderDoc = (o: Order) => ({
    status: o.status, expires: o.expires, identifiers: o.identifiers, authorizations: o.authzs.map((x) => u(`/authz/${x}`)),
    finalize: u(`/finalize/${o.id}`), ...(o.certificate ? { certificate: u(`/cert/${o.id}`) } : {}), ...(o.error ? { error: o.error } : {}),
  });
  const challengeDoc = (a: Authz, c: Challenge) => ({
    type: c.type, url: u(`/chall/${a.id}/${c.type}`), token: c.token, status: c.status,
    ...(c.validated ? { validated: c.validated } : {}), ...(c.error ? { error: c.error } : {}),
  });
  const authzDoc = (a: Authz) => ({ status: a.status, expires: a.expires, identifier: a.identifier, ...(a.wildcard ? { wildcard: true } : {}), challenges: a.challenges.map((c) => challengeDoc(a, c)) });

  /** §6.2–6.5: the JWS, its nonce, url, and signature by the account key (kid) or the given jwk. */
  function authenticate(req: IncomingMessage, body: Buffer, path: string, allowJwk: boolean): { jws: ParsedJws; account?: Account; jwk?: JsonWebKey; key: KeyObject } {
    if (!(req.headers['content-type'] ?? '').startsWith('application/jose+json')) throw new AcmeProblem('malformed', 'Content-Type must be application/jose+json', 415);
    let jws: ParsedJws;
    try {
      jws = parseJws(body);
    } catch (err) {
      const e = toMitmError(err);
      throw new AcmeProblem(String(e.details?.acme ?? 'malformed'), e.message);
    }
    if (!nonces.delete(jws.header.nonce)) throw new AcmeProblem('badNonce', 'the nonce is unknown or was used already');
    if (jws.header.url !== u(path)) throw new AcmeProblem('unauthorized', `the JWS url ${jws.header.url} is not the request URL`, 401);
    let key: KeyObject;
    let account: Account | undefined;
    if (jws.header.jwk) {
      if (!allowJwk) throw new AcmeProblem('malformed', 'this request must be signed with the account key (kid)');
      key = keyFromJwk(jws.header.jwk);
    } else {
      const accId = jws.header.kid!.startsWith(u('/acct/')) ? jws.header.kid!.slice(u('/acct/').length) : '';
      account = accounts.get(accId);
      if (!account) throw new AcmeProblem('accountDoesNotExist', 'no such account', 400);
      if (account.status !== 'valid') throw new AcmeProblem('unauthorized', 'the account is deactivated', 401);
      key = account.key;
    }
    try {
      verifyJws(jws, key);
    } catch (err) {
      const e = toMitmError(err);
      throw new AcmeProblem(String(e.details?.acme ?? 'unauthorized'), e.message, e.details?.acme === 'badSignatureAlgorithm' ? 400 : 401);
    }
    return { jws, ...(account ? { account } : {}), ...(jws.header.jwk ? { jwk: jws.header.jwk } : {}), key };
  }

  const payloadOf = (jws: ParsedJws): Record<string, unknown> => {
    if (jws.payload === '') return {};
    try {
      const v = JSON.parse(jws.payload) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v as Record<string, unknown>;
    } catch {
      throw new AcmeProblem('malformed', 'payload is not a JSON object');
    }
  };

  function refreshOrder(o: Order): void {
    if (o.status !== 'pending') return;
    const states = o.authzs.map((x) => authzs.get(x)!.status);
    if (states.includes('invalid')) o.status = 'invalid';
    else if (states.every((s) => s === 'valid')) o.status = 'ready';
  }

  /** Run the challenge's validator (./challenges.ts) and record the verdict on the challenge and authorization. */
  async function validate(a: Authz, c: Challenge, thumbprint: string): Promise<void> {
    const verdict = await VALIDATORS[c.type]({
      name: a.identifier.value, token: c.token, keyAuthorization: `${c.token}.${thumbprint}`, resolve: options.resolve,
      ...(options.resolveTxt ? { resolveTxt: options.resolveTxt } : {}),
      httpPort, tlsAlpnPort: options.tlsAlpnPort ?? 443, timeoutMs: ACME_LIMITS.challengeTimeoutMs, maxBodyBytes: ACME_LIMITS.challengeBodyBytes,
    }).catch((err: unknown): ValidationVerdict => ({ ok: false, type: 'connection', detail: toMitmError(err).message }));
    if (verdict.ok) {
      c.status = 'valid';
      c.validated = new Date().toISOString();
      a.status = 'valid';
      event({ event: 'challenge-valid', type: c.type, name: a.identifier.value, ...(verdict.address ? { address: verdict.address } : {}) });
      return;
    }
    c.status = 'invalid';
    c.error = { type: `urn:ietf:params:acme:error:${verdict.type}`, detail: verdict.detail, status: 403 };
    a.status = 'invalid';
    event({ event: 'challenge-invalid', type: c.type, name: a.identifier.value, detail: verdict.detail });
  }

  type Handler = (req: IncomingMessage, body: Buffer, path: string, m: RegExpExecArray) => Promise<{ status: number; doc?: unknown; location?: string; pem?: string; link?: string }>;
  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/directory$/, async () => ({ status: 200, doc: directory() })],
    ['HEAD', /^\/new-nonce$/, async () => ({ status: 200 })],
    ['GET', /^\/new-nonce$/, async () => ({ status: 204 })],
    ['POST', /^\/new-account$/, async (req, body, path) => {
      const { jws, jwk, key } = authenticate(req, body, path, true);
      const p = payloadOf(jws);
      const thumbprint = jwkThumbprint(jwk!);
      const existing = byThumbprint.get(thumbprint);
      if (existing) return { status: 200, doc: accountDoc(accounts.get(existing)!), location: u(`/acct/${existing}`) };
      if (p.onlyReturnExisting === true) throw new AcmeProblem('accountDoesNotExist', 'no account for this key');
      if (accounts.size >= ACME_LIMITS.accounts) throw new AcmeProblem('rateLimited', 'account limit reached', 429);
      const contact = Array.isArray(p.contact) ? p.contact.filter((c): c is string => typeof c === 'string' && /^mailto:[^\s@]+@[^\s@]+$/.test(c)).slice(0, 10) : [];
      const a: Account = { id: id(), jwk: jwk!, key, thumbprint, contact, status: 'valid' };
      accounts.set(a.id, a);
      byThumbprint.set(thumbprint, a.id);
      event({ event: 'account', account: a.id, alg: jws.header.alg });
      return { status: 201, doc: accountDoc(a), location: u(`/acct/${a.id}`) };
    }],
    ['POST', /^\/acct\/([\w-]+)$/, async (req, body, path, m) => {
      const { jws, account } = authenticate(req, body, path, false);
      if (account!.id !== m[1]) throw new AcmeProblem('unauthorized', 'not your account', 403);
      const p = payloadOf(jws);
      if (p.status === 'deactivated') account!.status = 'deactivated';
      return { status: 200, doc: accountDoc(account!) };
    }],
    ['POST', /^\/new-order$/, async (req, body, path) => {
      const { jws, account } = authenticate(req, body, path, false);
      const p = payloadOf(jws);
      const ids = Array.isArray(p.identifiers) ? p.identifiers : [];
      if (!ids.length || ids.length > ACME_LIMITS.identifiersPerOrder) throw new AcmeProblem('malformed', `an order names 1 to ${ACME_LIMITS.identifiersPerOrder} identifiers`);
      const names: SanName[] = [];
      for (const i of ids as Array<{ type?: unknown; value?: unknown }>) {
        if (i?.type !== 'dns' || typeof i.value !== 'string') throw new AcmeProblem('unsupportedIdentifier', 'only dns identifiers are supported');
        let n: SanName;
        try {
          n = parseSanName(`dns:${i.value}`);
        } catch (err) {
          throw new AcmeProblem('rejectedIdentifier', toMitmError(err).message);
        }
        if (n.value.startsWith('*.') && !options.resolveTxt) throw new AcmeProblem('rejectedIdentifier', 'wildcards need dns-01, which this server offers only with a DNS resolver');
        names.push(n);
      }
      if (options.policy) {
        const v = evaluateSignPolicy(options.policy, { requester: 'acme', names, purpose: 'server', lifetimeHours: 1 });
        if (!v.allowed) throw new AcmeProblem('rejectedIdentifier', v.refused.map((r) => `${r.name}: ${r.reason}`).join('; '), 403);
      }
      if (orders.size >= ACME_LIMITS.orders) throw new AcmeProblem('rateLimited', 'order limit reached', 429);
      const expires = new Date(Date.now() + 86_400_000).toISOString();
      const o: Order = { id: id(), account: account!.id, status: 'pending', expires, identifiers: names.map((n) => ({ type: 'dns' as const, value: n.value })), authzs: [] };
      for (const ident of o.identifiers) {
        // §7.1.4: a wildcard's authorization names the base domain and offers dns-01 only (§8.4 / §7.1.3).
        const wildcard = ident.value.startsWith('*.');
        const types: ChallengeType[] = wildcard ? ['dns-01'] : ['http-01', 'tls-alpn-01', ...(options.resolveTxt ? (['dns-01'] as const) : [])];
        const a: Authz = {
          id: id(), account: account!.id, identifier: { type: 'dns', value: wildcard ? ident.value.slice(2) : ident.value }, wildcard, status: 'pending', expires,
          challenges: types.map((type) => ({ type, token: randomBytes(32).toString('base64url'), status: 'pending' as const })),
        };
        authzs.set(a.id, a);
        o.authzs.push(a.id);
      }
      orders.set(o.id, o);
      event({ event: 'order', account: account!.id, order: o.id, names: o.identifiers.map((x) => x.value) });
      return { status: 201, doc: orderDoc(o), location: u(`/order/${o.id}`) };
    }],
    ['POST', /^\/order\/([\w-]+)$/, async (req, body, path, m) => {
      const { account } = authenticate(req, body, path, false);
      const o = orders.get(m[1]!);
      if (!o || o.account !== account!.id) throw new AcmeProblem('malformed', 'no such order', 404);
      refreshOrder(o);
      return { status: 200, doc: orderDoc(o) };
    }],
    ['POST', /^\/authz\/([\w-]+)$/, async (req, body, path, m) => {
      const { account } = authenticate(req, body, path, false);
      const a = authzs.get(m[1]!);
      if (!a || a.account !== account!.id) throw new AcmeProblem('malformed', 'no such authorization', 404);
      return { status: 200, doc: authzDoc(a) };
    }],
    ['POST', /^\/chall\/([\w-]+)\/(http-01|dns-01|tls-alpn-01)$/, async (req, body, path, m) => {
      const { jws, account } = authenticate(req, body, path, false);
      const a = authzs.get(m[1]!);
      const c = a?.challenges.find((x) => x.type === m[2]);
      if (!a || !c || a.account !== account!.id) throw new AcmeProblem('malformed', 'no such challenge', 404);
      // §7.5.1: an empty JSON object starts validation; POST-as-GET just reads.
      if (jws.payload !== '' && c.status === 'pending' && a.status === 'pending') {
        c.status = 'processing';
        void validate(a, c, account!.thumbprint);
      }
      return { status: 200, doc: challengeDoc(a, c), link: `<${u(`/authz/${a.id}`)}>;rel="up"` };
    }],
    ['POST', /^\/finalize\/([\w-]+)$/, async (req, body, path, m) => {
      const { jws, account } = authenticate(req, body, path, false);
      const o = orders.get(m[1]!);
      if (!o || o.account !== account!.id) throw new AcmeProblem('malformed', 'no such order', 404);
      refreshOrder(o);
      if (o.status !== 'ready') throw new AcmeProblem('orderNotReady', `the order is ${o.status}`, 403);
      const p = payloadOf(jws);
      if (typeof p.csr !== 'string' || !/^[A-Za-z0-9_-]+$/.test(p.csr)) throw new AcmeProblem('badCSR', 'csr must be base64url DER');
      let csr;
      try {
        csr = await parseCsr(new Uint8Array(Buffer.from(p.csr, 'base64url')));
        assertAcceptableKey(csr.publicKey);
      } catch (err) {
        throw new AcmeProblem('badCSR', toMitmError(err).message);
      }
      const want = new Set(o.identifiers.map((x) => x.value));
      const got = new Set(csr.names.map((n) => (n.kind === 'dns' ? n.value : `${n.kind}:${n.value}`)));
      if (want.size !== got.size || [...want].some((x) => !got.has(x))) throw new AcmeProblem('badCSR', `the CSR names ${[...got].join(', ')}, the order ${[...want].join(', ')}`);
      o.status = 'processing';
      try {
        const issued = ca.issue({ profile: 'server', names: o.identifiers.map((x) => parseSanName(`dns:${x.value}`)), publicKey: csr.publicKey, requester: `acme:${account!.id}` });
        o.certificate = { serial: issued.serial, pem: issued.chainPem };
        o.status = 'valid';
        event({ event: 'issued', account: account!.id, order: o.id, serial: issued.serial });
      } catch (err) {
        o.status = 'invalid';
        o.error = { type: 'urn:ietf:params:acme:error:rejectedIdentifier', detail: toMitmError(err).message };
      }
      return { status: 200, doc: orderDoc(o), location: u(`/order/${o.id}`) };
    }],
    ['POST', /^\/cert\/([\w-]+)$/, async (req, body, path, m) => {
      const { account } = authenticate(req, body, path, false);
      const o = orders.get(m[1]!);
      if (!o || o.account !== account!.id || !o.certificate) throw new AcmeProblem('malformed', 'no such certificate', 404);
      return { status: 200, pem: o.certificate.pem };
    }],
    ['POST', /^\/revoke-cert$/, async (req, body, path) => {
      const { jws, account } = authenticate(req, body, path, false);
      const p = payloadOf(jws);
      if (typeof p.certificate !== 'string') throw new AcmeProblem('malformed', 'certificate missing');
      let serial: string;
      try {
        serial = parseCertificate(new Uint8Array(Buffer.from(p.certificate, 'base64url'))).serialHex;
      } catch (err) {
        throw new AcmeProblem('malformed', toMitmError(err).message);
      }
      // §7.6: the account that ordered the certificate may revoke it.
      const owned = [...orders.values()].some((o) => o.account === account!.id && o.certificate?.serial === serial);
      if (!owned) throw new AcmeProblem('unauthorized', 'this account did not order that certificate', 403);
      const code = p.reason === undefined ? 0 : Number(p.reason);
      const reason = (Object.entries(REVOCATION_REASONS).find(([, v]) => v === code)?.[0] ?? undefined) as RevocationReason | undefined;
      if (!reason) throw new AcmeProblem('badRevocationReason', `reason ${String(p.reason)} is not a CRLReason`);
      try {
        ca.revoke(serial, reason);
      } catch (err) {
        throw new AcmeProblem('alreadyRevoked', toMitmError(err).message);
      }
      event({ event: 'revoked', account: account!.id, serial, reason });
      return { status: 200 };
    }],
  ];

  function send(res: ServerResponse, r: { status: number; doc?: unknown; location?: string; pem?: string; link?: string }): void {
    const headers: Record<string, string> = { 'replay-nonce': newNonce(), 'cache-control': 'no-store', link: `<${u('/directory')}>;rel="index"` };
    if (r.location) headers.location = r.location;
    if (r.link) headers.link = `${headers.link}, ${r.link}`;
    if (r.pem !== undefined) {
      headers['content-type'] = 'application/pem-certificate-chain';
      res.writeHead(r.status, headers).end(r.pem);
    } else if (r.doc !== undefined) {
      const text = JSON.stringify(r.doc);
      headers['content-type'] = (r.doc as { type?: string }).type?.startsWith('urn:ietf:params:acme:error:') ? 'application/problem+json' : 'application/json';
      res.writeHead(r.status, headers).end(text);
    } else res.writeHead(r.status, headers).end();
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const route = routes.find(([method, re]) => method === req.method && re.test(path));
      const run = route ? route[2](req, Buffer.concat(chunks), path, route[1].exec(path)!) : Promise.reject(new AcmeProblem('malformed', `no ${req.method} ${path}`, 404));
      run.then(
        (r) => send(res, r),
        (err: unknown) => {
          const p = err instanceof AcmeProblem ? err : new AcmeProblem('serverInternal', toMitmError(err).message, 500);
          event({ event: 'error', path, type: p.type, detail: p.message });
          send(res, { status: p.status, doc: { type: `urn:ietf:params:acme:error:${p.type}`, detail: p.message, status: p.status } });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new MitmError('MG_ERR_CONNECT', `cannot listen for ACME: ${err.message}`, { cause: err })));
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const host = options.host ?? '127.0.0.1';
  base = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    directory: u('/directory'),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
