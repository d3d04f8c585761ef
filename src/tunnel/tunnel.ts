/**
 * The mTLS tunnel (docs/tunnel.md), ghostunnel-like, in two modes:
 *
 * - server: mutual TLS in (client certificate required and verified by OpenSSL against the CA bundle and CRL, then
 *   the route's identity policy), plain TCP or TLS to the backend, optionally with a PROXY v2 header naming the peer;
 * - client: plain TCP in, mutual TLS out with our certificate, the server's identity checked by the policy (or by
 *   host name when the policy is empty).
 *
 * Certificate, key, CA bundle and CRL are reloaded on file change or `reload()` (SIGHUP in the CLI) without dropping
 * connections; `close()` stops accepting and drains open connections up to a deadline. Every connection and refusal
 * is one access-log record; counters feed /status and /metrics.
 */
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, Server as TlsServer, type TLSSocket } from 'node:tls';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { MitmError, toMitmError } from '../errors.js';
import { parseCertificate, parseCertificates, type Certificate } from '../x509/certificate.js';
import { OcspChecker, type OcspCheckerOptions } from './ocsp-check.js';
import { renewCertificate } from '../ca/renew.js';
import type { CertificateAuthority } from '../ca/store.js';
import { checkIdentity, describePeer, peerIdentity, type IdentityPolicy, type PeerIdentity } from './identity.js';
import { loadMaterial, watchMaterial, type LoadedMaterial, type MaterialFiles, type TlsPreset } from './material.js';
import { renderPrometheus, TunnelMetrics } from './metrics.js';
import { encodeProxyV2 } from './proxy-protocol.js';
import { classifyTlsError, relay, type AccessLogEntry } from './relay.js';
import { serveStatus } from './status.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface TunnelOptions {
  mode: 'server' | 'client';
  listen: Endpoint;
  target: Endpoint;
  files: MaterialFiles;
  preset?: TlsPreset;
  /** Who may connect (server mode) or whom we accept as the server (client mode). */
  policy?: IdentityPolicy;
  /** Server mode: speak TLS to the backend, trusting this CA bundle (or the system store when omitted). */
  targetTls?: { ca?: string; servername?: string };
  /** Client mode: the server name to send and check; default the target host. */
  serverName?: string;
  /**
   * Renew our own certificate from this CA (same names, fresh key) once less than a third of its lifetime is left,
   * checked at start and every `checkEveryMs` (default 60 s); the files are replaced atomically and reloaded.
   */
  renew?: { ca: CertificateAuthority; checkEveryMs?: number };
  /** Check the peer's certificate with OCSP — each client's in server mode, the server's in client mode (fail closed unless softFail). */
  ocsp?: OcspCheckerOptions;
  /** Server mode: send a PROXY protocol v2 header with the client's address and identity to the backend. */
  proxyProtocol?: boolean;
  status?: Endpoint;
  watch?: boolean;
  handshakeTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** How long close() waits for open connections before cutting them. */
  drainMs?: number;
  onLog?: (entry: AccessLogEntry) => void;
}

export interface ReloadResult {
  ok: boolean;
  notAfter?: string;
  error?: string;
}

export interface RunningTunnel {
  address: Endpoint;
  statusUrl?: string;
  metrics: TunnelMetrics;
  reload(): ReloadResult;
  close(): Promise<void>;
}

/** Defaults: handshake 10 s, backend connect 5 s, drain 10 s. */
export const TUNNEL_DEFAULTS = { handshakeTimeoutMs: 10_000, connectTimeoutMs: 5_000, drainMs: 10_000 } as const;

/** The TCP socket under a server-side TLSSocket (node:tls keeps it as _parent), whose address survives a destroy. */
const rawOf = (s: TLSSocket): Socket | undefined => (s as TLSSocket & { _parent?: Socket })._parent ?? undefined;
const remoteOf = (s: Socket) => `${s.remoteAddress ?? '?'}:${s.remotePort ?? 0}`;

function dialBackend(target: Endpoint, timeoutMs: number, tlsOptions?: { ca?: Buffer; servername?: string }): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    const sock = tlsOptions
      ? tlsConnect({ host: target.host, port: target.port, ...(tlsOptions.ca ? { ca: tlsOptions.ca } : {}), ...(tlsOptions.servername ? { servername: tlsOptions.servername } : {}) })
      : netConnect({ host: target.host, port: target.port, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new MitmError('MG_ERR_TIMEOUT', `backend ${target.host}:${target.port} did not answer in ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once(tlsOptions ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(new MitmError(tlsOptions ? 'MG_ERR_HANDSHAKE' : 'MG_ERR_CONNECT', `backend ${target.host}:${target.port}: ${err.message}`, { cause: err }));
    });
  });
}

/** Start a tunnel; resolves once it listens (and its status endpoint, if asked for, too). */
export async function startTunnel(options: TunnelOptions): Promise<RunningTunnel> {
  const preset = options.preset ?? 'tls13';
  const policy = options.policy ?? {};
  const handshakeTimeout = options.handshakeTimeoutMs ?? TUNNEL_DEFAULTS.handshakeTimeoutMs;
  const connectTimeout = options.connectTimeoutMs ?? TUNNEL_DEFAULTS.connectTimeoutMs;
  const log = (e: Omit<AccessLogEntry, 'time' | 'mode'>) => options.onLog?.({ time: new Date().toISOString(), mode: options.mode, ...e });
  const metrics = new TunnelMetrics();
  let material: LoadedMaterial = loadMaterial(options.files, preset);
  metrics.certificateNotAfter = Math.floor(material.notAfter.getTime() / 1000);
  let reloadedAt: string | undefined;
  const backendTls = options.targetTls
    ? { ...(options.targetTls.ca ? { ca: loadCa(options.targetTls.ca) } : {}), ...(options.targetTls.servername ? { servername: options.targetTls.servername } : {}) }
    : undefined;
  const open = new Set<Socket>();
  const ocsp = options.ocsp ? new OcspChecker(options.ocsp) : undefined;

  const track = (s: Socket) => {
    open.add(s);
    metrics.connectionsActive = open.size;
    s.once('close', () => {
      open.delete(s);
      metrics.connectionsActive = open.size;
    });
  };

  interface Dialled {
    socket: Socket;
    peer?: PeerIdentity;
    matched?: string;
    protocol?: string;
  }

  /** Dial the far side, then relay; one access-log record when the connection ends (or is refused). */
  async function relayTo(client: Socket, dial: () => Promise<Dialled>): Promise<void> {
    const started = Date.now();
    let far: Dialled;
    try {
      far = await dial();
    } catch (err) {
      const e = toMitmError(err);
      const reason = e.code === 'MG_ERR_FORBIDDEN' ? 'identity-denied' : e.code === 'MG_ERR_HANDSHAKE' ? classifyTlsError({ message: e.message }) : 'backend-unreachable';
      if (reason === 'backend-unreachable') metrics.fail(reason);
      log({ event: 'refused', remote: remoteOf(client), reason, detail: e.message.slice(0, 300) });
      client.destroy();
      return;
    }
    const r = await relay(client, far.socket, (a, b) => {
      metrics.bytesFromClients += a;
      metrics.bytesToClients += b;
    });
    log({
      event: 'connection', remote: remoteOf(client), ...(far.peer ? { peer: describePeer(far.peer), serial: far.peer.serial } : {}),
      ...(far.matched ? { matched: far.matched } : {}), ...(far.protocol ? { protocol: far.protocol } : {}),
      bytesFromClient: r.fromClient, bytesToClient: r.toClient, durationMs: Date.now() - started,
    });
  }

  let listener: TlsServer | NetServer;
  if (options.mode === 'server') {
    // noDelay: the handshake is a few small flights each way; Nagle plus delayed ACKs would stall each by ~40 ms.
    const server = createTlsServer({ ...material.options, requestCert: true, rejectUnauthorized: true, handshakeTimeout, noDelay: true });
    server.on('connection', (s: Socket) => {
      // Read the peer address now: net.Socket caches it on first read, and a refused handshake destroys the handle.
      void s.remoteAddress;
      metrics.connectionsTotal++;
      track(s);
    });
    server.on('tlsClientError', (err: NodeJS.ErrnoException, s: TLSSocket) => {
      // node:tls checks the client certificate after the handshake and, with rejectUnauthorized, destroys the socket
      // without emitting secureConnection; the verification result stays on the socket as authorizationError
      // (CERT_REVOKED, CERT_HAS_EXPIRED, …) and is the reason worth logging, not the ECONNRESET that follows.
      const verifyError = (s as TLSSocket & { authorizationError?: string }).authorizationError;
      const reason = classifyTlsError(verifyError ? { code: verifyError } : err);
      metrics.fail(reason);
      log({ event: 'refused', remote: remoteOf(rawOf(s) ?? s), reason, detail: (verifyError ?? err.code ?? err.message).slice(0, 200) });
    });
    server.on('secureConnection', (s: TLSSocket) => {
      metrics.handshakesTotal++;
      // getPeerCertificate(true) first: after getPeerX509Certificate() node:tls no longer links the issuer (Node 20).
      const detailed = s.getPeerCertificate(true);
      const raw = detailed?.raw;
      const issuerRaw = detailed?.issuerCertificate?.raw;
      let peer: PeerIdentity;
      let leaf: Certificate;
      try {
        if (!raw) throw new MitmError('MG_ERR_HANDSHAKE', 'no peer certificate after a verified handshake');
        leaf = parseCertificate(new Uint8Array(raw));
        peer = peerIdentity(leaf);
      } catch (err) {
        metrics.fail('bad-certificate');
        log({ event: 'refused', remote: remoteOf(s), reason: 'bad-certificate', detail: toMitmError(err).message });
        s.destroy();
        return;
      }
      const verdict = checkIdentity(policy, peer);
      if (!verdict.allowed) {
        metrics.fail('identity-denied');
        log({ event: 'refused', remote: remoteOf(s), peer: describePeer(peer), serial: peer.serial, reason: 'identity-denied', detail: verdict.reason });
        s.destroy();
        return;
      }
      const matched = verdict.matched;
      s.pause();
      if (ocsp) {
        let issuer: Certificate | undefined;
        try {
          issuer = issuerRaw ? parseCertificate(new Uint8Array(issuerRaw)) : undefined;
        } catch {
          issuer = undefined;
        }
        if (!issuer || issuer.fingerprint === leaf.fingerprint) {
          metrics.fail('bad-certificate');
          log({ event: 'refused', remote: remoteOf(s), peer: describePeer(peer), serial: peer.serial, reason: 'bad-certificate', detail: 'no issuer certificate to check OCSP against' });
          s.destroy();
          return;
        }
        void ocsp.check(leaf, issuer).then((outcome) => {
          if (outcome.ok) return forward();
          const reason = outcome.status === 'revoked' ? 'revoked' : 'bad-certificate';
          metrics.fail(reason);
          log({ event: 'refused', remote: remoteOf(s), peer: describePeer(peer), serial: peer.serial, reason, detail: outcome.detail });
          s.destroy();
        });
        return;
      }
      forward();
      function forward(): void {
      void relayTo(s, async () => {
        const b = await dialBackend(options.target, connectTimeout, backendTls);
        if (options.proxyProtocol) {
          b.write(encodeProxyV2({
            source: { address: s.remoteAddress ?? '', port: s.remotePort ?? 0 },
            destination: { address: s.localAddress ?? '', port: s.localPort ?? 0 },
            ...(s.getProtocol() ? { tlsVersion: s.getProtocol()! } : {}),
            identity: describePeer(peer),
          }));
        }
        return { socket: b, peer, matched, ...(s.getProtocol() ? { protocol: s.getProtocol()! } : {}) };
      });
      }
    });
    listener = server;
  } else {
    const serverName = options.serverName ?? options.target.host;
    listener = createNetServer({ noDelay: true }, (client) => {
      metrics.connectionsTotal++;
      track(client);
      client.pause();
      const current = material;
      void relayTo(client, () =>
        new Promise<Dialled>((resolve, reject) => {
          const listed = Boolean(policy.spiffe?.length || policy.dns?.length || policy.uri?.length || policy.cn?.length || policy.ou?.length || policy.spkiPins?.length || policy.issuers?.length);
          const sock = tlsConnect({
            ...current.options,
            host: options.target.host,
            port: options.target.port,
            ...(/^[\d.]+$|:/.test(serverName) ? {} : { servername: serverName }),
            // With an identity policy the policy decides who the server is (SPIFFE IDs carry no host name);
            // without one, RFC 6125 host name checking as usual.
            ...(listed ? { checkServerIdentity: () => undefined } : {}),
          });
          const timer = setTimeout(() => {
            sock.destroy();
            reject(new MitmError('MG_ERR_TIMEOUT', `handshake with ${options.target.host}:${options.target.port} took over ${handshakeTimeout} ms`));
          }, handshakeTimeout);
          sock.once('secureConnect', () => {
            clearTimeout(timer);
            metrics.handshakesTotal++;
            const detailed = sock.getPeerCertificate(true);
            let peer: PeerIdentity | undefined;
            let leaf: Certificate | undefined;
            let issuer: Certificate | undefined;
            try {
              if (detailed?.raw) leaf = parseCertificate(new Uint8Array(detailed.raw));
              if (leaf) peer = peerIdentity(leaf);
              if (detailed?.issuerCertificate?.raw) issuer = parseCertificate(new Uint8Array(detailed.issuerCertificate.raw));
            } catch {
              peer = undefined;
            }
            const verdict = peer ? checkIdentity(policy, peer) : ({ allowed: false, reason: 'no server certificate' } as const);
            if (!verdict.allowed) {
              metrics.fail('identity-denied');
              sock.destroy();
              reject(new MitmError('MG_ERR_FORBIDDEN', verdict.reason));
              return;
            }
            const accept = () => resolve({ socket: sock, peer: peer!, matched: verdict.matched, ...(sock.getProtocol() ? { protocol: sock.getProtocol()! } : {}) });
            if (!ocsp) return accept();
            // Client mode with --ocsp: the server's certificate is checked the same way as clients' are in server mode.
            if (!issuer || issuer.fingerprint === leaf!.fingerprint) {
              metrics.fail('bad-certificate');
              sock.destroy();
              reject(new MitmError('MG_ERR_HANDSHAKE', 'bad certificate: no issuer certificate to check OCSP against'));
              return;
            }
            void ocsp.check(leaf!, issuer).then((outcome) => {
              if (outcome.ok) return accept();
              metrics.fail(outcome.status === 'revoked' ? 'revoked' : 'bad-certificate');
              sock.destroy();
              reject(new MitmError('MG_ERR_HANDSHAKE', `${outcome.status === 'revoked' ? 'certificate revoked' : 'bad certificate'}: ${outcome.detail}`));
            });
          });
          sock.once('error', (err) => {
            clearTimeout(timer);
            const reason = classifyTlsError(err as NodeJS.ErrnoException);
            metrics.fail(reason);
            reject(new MitmError('MG_ERR_HANDSHAKE', `${options.target.host}:${options.target.port}: ${err.message}`, { cause: err }));
          });
        }),
      );
    });
  }

  await new Promise<void>((resolve, reject) => {
    listener.once('error', (err) => reject(new MitmError('MG_ERR_CONNECT', `cannot listen on ${options.listen.host}:${options.listen.port}: ${err.message}`, { cause: err })));
    listener.listen(options.listen.port, options.listen.host, resolve);
  });
  const addr = listener.address() as AddressInfo;
  const address = { host: addr.address, port: addr.port };

  function reload(): ReloadResult {
    try {
      const next = loadMaterial(options.files, preset);
      if (listener instanceof TlsServer) listener.setSecureContext({ ...next.options });
      material = next;
      metrics.reloadsTotal++;
      metrics.certificateNotAfter = Math.floor(next.notAfter.getTime() / 1000);
      reloadedAt = new Date().toISOString();
      log({ event: 'reload', detail: `certificate ${next.subject} until ${next.notAfter.toISOString()}` });
      return { ok: true, notAfter: next.notAfter.toISOString() };
    } catch (err) {
      metrics.reloadFailuresTotal++;
      const e = toMitmError(err);
      log({ event: 'reload-failed', detail: `${e.code}: ${e.message}` });
      return { ok: false, error: `${e.code}: ${e.message}` };
    }
  }
  const unwatch = options.watch === false ? () => undefined : watchMaterial(options.files, () => void reload());

  /** Renew from the CA when less than a third of our certificate's lifetime is left (see TunnelOptions.renew). */
  function renewIfDue(): void {
    if (!options.renew) return;
    try {
      const pem = readFileSync(options.files.cert, 'utf8');
      const [leaf] = parseCertificates(pem);
      if (!leaf) throw new MitmError('MG_ERR_PEM', `${options.files.cert} holds no certificate`);
      const life = leaf.notAfter.getTime() - leaf.notBefore.getTime();
      if (leaf.notAfter.getTime() - Date.now() > life / 3) return;
      const next = renewCertificate(options.renew.ca, pem, { rekey: true });
      // Key first, then certificate, each written aside and renamed over: the watcher never sees a mismatched pair
      // for long, and a failed reload keeps the old material anyway.
      writeFileSync(`${options.files.key}.next`, next.keyPem!, { mode: 0o600 });
      chmodSync(`${options.files.key}.next`, 0o600);
      writeFileSync(`${options.files.cert}.next`, next.chainPem);
      renameSync(`${options.files.key}.next`, options.files.key);
      renameSync(`${options.files.cert}.next`, options.files.cert);
      log({ event: 'renewed', serial: next.serial, detail: `${leaf.serialHex} → ${next.serial} until ${next.record.notAfter}` });
      reload();
    } catch (err) {
      const e = toMitmError(err);
      log({ event: 'renew-failed', detail: `${e.code}: ${e.message}` });
    }
  }
  renewIfDue();
  const renewTimer = options.renew ? setInterval(renewIfDue, options.renew.checkEveryMs ?? 60_000) : undefined;
  renewTimer?.unref();

  const status = options.status
    ? await serveStatus(options.status.host, options.status.port, () => ({
        mode: options.mode, listen: address, target: options.target, preset,
        certificate: { subject: material.subject, notAfter: material.notAfter.toISOString() }, reloadedAt: reloadedAt ?? null,
        policy, metrics: metrics.toJSON(),
      }), () => renderPrometheus(metrics, options.mode))
    : undefined;
  log({ event: 'listening', detail: `${address.host}:${address.port} → ${options.target.host}:${options.target.port}` });

  async function close(): Promise<void> {
    unwatch();
    if (renewTimer) clearInterval(renewTimer);
    log({ event: 'closing', detail: `${open.size} connection(s) open` });
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    const deadline = Date.now() + (options.drainMs ?? TUNNEL_DEFAULTS.drainMs);
    while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const s of open) s.destroy();
    await closed;
    await status?.close();
  }

  return { address, ...(status ? { statusUrl: status.url } : {}), metrics, reload, close };
}

function loadCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new MitmError('MG_ERR_IO', `cannot read the backend CA bundle ${path}`, { cause: err });
  }
}
