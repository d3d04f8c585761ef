/**
 * One client connection to one scenario: the only place in the audit that does socket I/O. It runs the protocol
 * session (sans-IO), starts TLS when the scenario or a STARTTLS upgrade says so, redacts every secret the moment it
 * arrives, and enforces the per-connection limits so that a client that sends garbage, stalls or floods cannot stop
 * the audit.
 */
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext, type SecureContextOptions } from 'node:tls';
import { MitmError, toMitmError } from '../errors.js';
import { requestEvents } from './protocols/http.js';
import { PROTOCOLS, type AppProtocol } from './protocols/index.js';
import type { ProtocolSession, SessionEvent, SessionOutput, StartTlsPolicy } from './protocols/types.js';
import { ClientHelloCollector } from './client-hello.js';
import { redactSecret } from './redact.js';
import type { ScenarioDefinition, ScenarioTransport } from './scenarios/types.js';
import type { AppEvent, ConnectionRecord } from './types.js';

/** Named per-connection limits (DESIGN.md: limits are explicit). */
export interface ConnectionLimits {
  /** Close a connection that sends nothing for this long. */
  idleMs: number;
  /** Close a connection after this many bytes from the client (flood). */
  maxBytes: number;
  /** Stop recording events after this many on one connection. */
  maxEvents: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { idleMs: 10_000, maxBytes: 4 * 1024 * 1024, maxEvents: 64 };

const START_TLS_POLICY: Record<ScenarioTransport, StartTlsPolicy> = {
  tls: 'offer',
  plaintext: 'absent',
  'starttls-absent': 'absent',
  'starttls-refused': 'refuse',
  'hsts-downgrade': 'absent',
};

export interface ServedTls {
  context: SecureContext;
  options: SecureContextOptions;
}

export interface ConnectionContext {
  scenario: ScenarioDefinition;
  protocol: AppProtocol;
  /**
   * The scenario's certificate and TLS settings for a server name (the SNI, or the proxy's CONNECT host), as a built
   * context and as the options that built it; absent for scenarios that never serve TLS.
   */
  tls: ((servername: string | undefined) => ServedTls) | undefined;
  token: string | undefined;
  /** The run's HMAC key for captured secrets (src/audit/redact.ts). */
  salt: Uint8Array;
  limits: ConnectionLimits;
  record: ConnectionRecord;
  /** Called once, when the connection is gone. */
  onClose(): void;
}

const TLS_HANDSHAKE_RECORD = 0x16;

/** OpenSSL messages look like `error:0A000418:SSL routines::tlsv1 alert unknown ca`; keep the reason. */
const opensslReason = (message: string): string =>
  (/SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.split('::').pop() ?? message).trim();

/**
 * A duplex that yields `first` and then whatever `raw` reads, writing through to `raw`: TLS over a connection whose
 * first bytes were already read to decide what the client speaks (node's TLSSocket on a net.Socket reads the handle
 * directly and would miss them).
 */
function replay(raw: Socket, first: Buffer | undefined, tap: (chunk: Buffer) => void): Duplex {
  const d = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      raw.write(chunk, cb);
    },
    final(cb) {
      raw.end();
      cb();
    },
    destroy(err, cb) {
      raw.destroy();
      cb(err);
    },
  });
  if (first) {
    tap(first);
    d.push(first);
  }
  raw.on('data', (chunk: Buffer) => {
    tap(chunk);
    if (!d.push(chunk)) raw.pause();
  });
  raw.on('end', () => d.push(null));
  raw.on('close', () => d.destroy());
  return d;
}

/** Serve one accepted TCP connection until it closes. */
export function serveConnection(socket: Socket, ctx: ConnectionContext): void {
  new ClientConnection(socket, ctx).serve();
}

type TlsFor = (name: string | undefined) => ServedTls;

/**
 * One client connection's state and its steps: plain text first or TLS at once, a STARTTLS upgrade, HTTPS through
 * node:http2. Each method does one thing; the record is the only output.
 */
class ClientConnection {
  private readonly spec;
  private readonly policy: { tls: boolean; startTls: StartTlsPolicy };
  private session: ProtocolSession | undefined;
  private current: Socket | TLSSocket;
  private received = 0;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    this.spec = PROTOCOLS[ctx.protocol];
    this.policy = { tls: false, startTls: START_TLS_POLICY[ctx.scenario.transport] };
    this.current = socket;
  }

  private get record(): ConnectionRecord {
    return this.ctx.record;
  }
  private get limits(): ConnectionLimits {
    return this.ctx.limits;
  }

  serve(): void {
    const { socket, limits, record } = this;
    socket.setTimeout(limits.idleMs, () => this.abort(new MitmError('MG_ERR_TIMEOUT', `no data for ${limits.idleMs} ms`)));
    socket.on('error', (err) => {
      record.aborted ??= { code: toMitmError(err).code, message: err.message };
    });
    socket.on('close', this.finish);
    const transport = this.ctx.scenario.transport;
    if (transport === 'hsts-downgrade') {
      // The client was given http://; an HSTS-aware client upgrades to https:// on the same port (RFC 6797 §8.3).
      socket.once('data', (first: Buffer) => {
        socket.pause();
        if (first[0] === TLS_HANDSHAKE_RECORD) this.startTls(socket, first);
        else this.startPlaintext(first);
        socket.resume();
      });
      return;
    }
    if (transport === 'tls' && this.spec.tls === 'implicit') return this.startTls(socket);
    this.startPlaintext();
  }

  private readonly finish = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.record.closedAt = Date.now();
    this.ctx.onClose();
  };

  private abort(err: unknown): void {
    const e = toMitmError(err, 'MG_ERR_PROTOCOL');
    this.record.aborted ??= { code: e.code, message: e.message };
    this.socket.destroy();
  }

  private readonly idleTimeout = () => this.abort(new MitmError('MG_ERR_TIMEOUT', `no data for ${this.limits.idleMs} ms`));

  addEvents(events: SessionEvent[], isProtected: boolean): void {
    for (const e of events) {
      if (this.record.events.length >= this.limits.maxEvents) return;
      const event: AppEvent = { kind: e.kind, summary: e.summary, significant: e.significant, protected: isProtected };
      if (e.secret) event.secret = redactSecret(e.secret, this.ctx.token, this.ctx.salt);
      this.record.events.push(event);
    }
  }

  private apply(o: SessionOutput, isProtected: boolean): void {
    this.addEvents(o.events, isProtected);
    for (const chunk of o.send) if (!this.current.destroyed) this.current.write(chunk);
    if (o.error) this.record.aborted ??= { code: o.error.code, message: o.error.message };
    if (o.close || o.error) {
      this.current.end();
      return;
    }
    if (o.upgrade) this.startTls(this.socket);
  }

  private onData(chunk: Buffer, isProtected: boolean): void {
    this.received += chunk.length;
    if (this.received > this.limits.maxBytes) return this.abort(new MitmError('MG_ERR_TOO_LARGE', `client sent more than ${this.limits.maxBytes} bytes`));
    if (this.session) this.apply(this.session.receive(chunk), isProtected);
  }

  /** SNICallback of either TLS server: note the name the client sent and answer with that name's certificate. */
  sniCallback(tlsFor: TlsFor) {
    return (name: string, cb: (err: Error | null, context?: SecureContext) => void) => {
      if (this.record.handshake) this.record.handshake.sni = name;
      try {
        cb(null, tlsFor(name).context);
      } catch (err) {
        cb(err as Error, undefined);
      }
    };
  }

  /** The handshake failed: keep OpenSSL's reason. */
  handshakeFailed(err: Error): void {
    if (this.record.handshake && !this.record.handshake.completed) this.record.handshake.error = opensslReason(err.message);
  }

  /** Watch a TLS socket like the plain one: idle for too long ends it, its close ends the connection. */
  watch(tls: TLSSocket): void {
    tls.setTimeout(this.limits.idleMs, this.idleTimeout);
    tls.on('close', this.finish);
  }

  get idleMs(): number {
    return this.limits.idleMs;
  }

  /** The handshake completed: record what was negotiated; the TLS socket is the one written to from now on. */
  secured(tls: TLSSocket): void {
    const cipher = tls.getCipher();
    this.record.handshake = {
      ...this.record.handshake,
      completed: true,
      protocol: tls.getProtocol() ?? 'unknown',
      cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
      ...(tls.alpnProtocol ? { alpn: tls.alpnProtocol } : {}),
    };
    this.current = tls;
  }

  private startTls(raw: Socket, firstChunk?: Buffer): void {
    if (!this.ctx.tls) return this.abort(new MitmError('MG_ERR_INTERNAL', 'scenario has no certificate to serve'));
    const tlsFor = this.ctx.tls;
    raw.removeAllListeners('data');
    raw.setTimeout(0);
    this.record.handshake = { completed: false };
    const transport = replay(raw, firstChunk, this.tapClientHello());
    if (this.ctx.protocol === 'https') return serveHttps(transport, tlsFor, this);
    const tls = new TLSSocket(transport, { isServer: true, secureContext: tlsFor(undefined).context, SNICallback: this.sniCallback(tlsFor) });
    this.current = tls;
    this.watch(tls);
    tls.on('error', (err) => {
      if (this.record.handshake && !this.record.handshake.completed) this.handshakeFailed(err);
      else this.record.aborted ??= { code: toMitmError(err).code, message: opensslReason(err.message) };
      raw.destroy();
    });
    tls.on('secure', () => {
      this.secured(tls);
      this.policy.tls = true;
      tls.on('data', (chunk: Buffer) => this.onData(chunk, true));
      if (!this.session) {
        this.session = this.spec.session({ ...this.policy });
        this.apply(this.session.greet(), true);
      } else {
        this.apply(this.session.secured(), true);
      }
    });
  }

  private startPlaintext(firstChunk?: Buffer): void {
    const socket = this.socket;
    this.session = this.spec.session({ ...this.policy });
    let insistedOnTls = false;
    socket.on('data', (chunk: Buffer) => {
      if (insistedOnTls) return;
      // A ClientHello on a plaintext connection: the client insisted on TLS. Record it; there is nothing to answer,
      // and whatever follows (alerts, retries on the same socket) is not application data.
      if (this.received === 0 && chunk[0] === TLS_HANDSHAKE_RECORD && this.ctx.scenario.transport !== 'tls') {
        insistedOnTls = true;
        this.received += chunk.length;
        this.addEvents([{ kind: 'negotiation', summary: 'TLS ClientHello where the server speaks plaintext', significant: false }], false);
        socket.end();
        return;
      }
      this.onData(chunk, false);
    });
    this.apply(this.session.greet(), false);
    if (firstChunk) socket.emit('data', firstChunk);
  }

  /**
   * The bytes the client sends pass through a ClientHelloCollector on their way to node:tls (which would otherwise
   * read the socket's handle directly), so the record says what the client offered.
   */
  private tapClientHello(): (chunk: Buffer) => void {
    const collector = new ClientHelloCollector();
    return (chunk: Buffer) => {
      const facts = collector.push(chunk);
      if (facts) this.record.handshake = { ...(this.record.handshake ?? { completed: false }), clientHello: facts };
    };
  }

  /** HTTP/2 or HTTP/1.1 session trouble ends the connection with its code. */
  sessionError(err: unknown): void {
    this.abort(err);
  }
}

/** What the endpoint answers every request: 200 with credentials, else 401 asking for Basic; HSTS over TLS. */
function httpAnswer(authorized: boolean) {
  return {
    status: authorized ? 200 : 401,
    headers: {
      'content-type': 'text/plain',
      // RFC 6797 §7.2: sent over TLS only; the hsts-downgrade scenario relies on clients remembering it.
      'strict-transport-security': 'max-age=31536000',
      ...(authorized ? {} : { 'www-authenticate': 'Basic realm="mitmguard audit"' }),
    },
  };
}

const headerList = (headers: IncomingHttpHeaders): Array<[string, string]> =>
  Object.entries(headers)
    .filter(([k]) => !k.startsWith(':'))
    .map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v ?? '')]);

/**
 * HTTPS: TLS, ALPN (h2 or http/1.1) and both HTTP versions through node:http2 with allowHTTP1 — one server object
 * per connection, so every handshake result and request maps to this connection's record. HTTP/2 per RFC 9113.
 */
function serveHttps(raw: Socket | Duplex, tlsFor: TlsFor, conn: ClientConnection): void {
  const server = createSecureServer({
    ...tlsFor(undefined).options,
    allowHTTP1: true,
    handshakeTimeout: conn.idleMs,
    maxHeaderListPairs: 256,
    maxSessionMemory: 4,
    SNICallback: conn.sniCallback(tlsFor),
  });
  server.on('tlsClientError', (err) => {
    conn.handshakeFailed(err);
    raw.destroy();
  });
  server.on('secureConnection', (tls: TLSSocket) => {
    conn.secured(tls);
    conn.watch(tls);
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const list = headerList(headers);
    conn.addEvents(requestEvents({ method: String(headers[':method'] ?? '?'), target: String(headers[':path'] ?? '/'), version: 'HTTP/2', headers: list }), true);
    const a = httpAnswer(list.some(([k]) => k === 'authorization'));
    stream.on('error', () => undefined);
    stream.respond({ ':status': a.status, ...a.headers });
    stream.end('mitmguard client audit endpoint\n');
  });
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    if (req.httpVersion === '2.0') return; // answered on 'stream'
    const list = headerList(req.headers);
    conn.addEvents(requestEvents({ method: req.method, target: req.url, version: `HTTP/${req.httpVersion}`, headers: list }), true);
    const a = httpAnswer(list.some(([k]) => k === 'authorization'));
    res.writeHead(a.status, { ...a.headers, connection: 'close' });
    res.end('mitmguard client audit endpoint\n');
  });
  server.on('sessionError', (err) => conn.sessionError(err));
  server.emit('connection', raw);
}
