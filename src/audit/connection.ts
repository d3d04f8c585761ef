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
function replay(raw: Socket, first: Buffer): Duplex {
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
  d.push(first);
  raw.on('data', (chunk: Buffer) => {
    if (!d.push(chunk)) raw.pause();
  });
  raw.on('end', () => d.push(null));
  raw.on('close', () => d.destroy());
  return d;
}

/** Serve one accepted TCP connection until it closes. */
export function serveConnection(socket: Socket, ctx: ConnectionContext): void {
  const { record, limits } = ctx;
  const spec = PROTOCOLS[ctx.protocol];
  const policy = { tls: false, startTls: START_TLS_POLICY[ctx.scenario.transport] };
  let session: ProtocolSession | undefined;
  let current: Socket | TLSSocket = socket;
  let received = 0;
  let closed = false;

  const finish = () => {
    if (closed) return;
    closed = true;
    record.closedAt = Date.now();
    ctx.onClose();
  };
  const abort = (err: unknown) => {
    const e = toMitmError(err, 'MG_ERR_PROTOCOL');
    record.aborted ??= { code: e.code, message: e.message };
    socket.destroy();
  };

  const addEvents = (events: SessionEvent[], isProtected: boolean) => {
    for (const e of events) {
      if (record.events.length >= limits.maxEvents) return;
      const event: AppEvent = { kind: e.kind, summary: e.summary, significant: e.significant, protected: isProtected };
      if (e.secret) event.secret = redactSecret(e.secret, ctx.token, ctx.salt);
      record.events.push(event);
    }
  };

  const apply = (o: SessionOutput, isProtected: boolean) => {
    addEvents(o.events, isProtected);
    for (const chunk of o.send) if (!current.destroyed) current.write(chunk);
    if (o.error) {
      record.aborted ??= { code: o.error.code, message: o.error.message };
    }
    if (o.close || o.error) {
      current.end();
      return;
    }
    if (o.upgrade) startTls(socket);
  };

  const onData = (isProtected: boolean) => (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.maxBytes) return abort(new MitmError('MG_ERR_TOO_LARGE', `client sent more than ${limits.maxBytes} bytes`));
    if (!session) return;
    apply(session.receive(chunk), isProtected);
  };

  /** SNICallback of either TLS server: note the name the client sent and answer with that name's certificate. */
  const sniCallback = (tlsFor: (name: string | undefined) => ServedTls) => (name: string, cb: (err: Error | null, context?: SecureContext) => void) => {
    if (record.handshake) record.handshake.sni = name;
    try {
      cb(null, tlsFor(name).context);
    } catch (err) {
      cb(err as Error, undefined);
    }
  };

  /** The handshake completed: record what was negotiated. */
  const recordSecured = (tls: TLSSocket) => {
    const cipher = tls.getCipher();
    record.handshake = {
      ...record.handshake,
      completed: true,
      protocol: tls.getProtocol() ?? 'unknown',
      cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
      ...(tls.alpnProtocol ? { alpn: tls.alpnProtocol } : {}),
    };
  };

  function startTls(raw: Socket, firstChunk?: Buffer): void {
    if (!ctx.tls) return abort(new MitmError('MG_ERR_INTERNAL', 'scenario has no certificate to serve'));
    const tlsFor = ctx.tls;
    raw.removeAllListeners('data');
    raw.setTimeout(0);
    if (ctx.protocol === 'https') return serveHttps(firstChunk ? replay(raw, firstChunk) : raw, tlsFor);
    record.handshake = { completed: false };
    const tls = new TLSSocket(firstChunk ? replay(raw, firstChunk) : raw, {
      isServer: true,
      secureContext: tlsFor(undefined).context,
      SNICallback: sniCallback(tlsFor),
    });
    current = tls;
    tls.setTimeout(limits.idleMs, () => abort(new MitmError('MG_ERR_TIMEOUT', `no data for ${limits.idleMs} ms`)));
    tls.on('error', (err) => {
      if (record.handshake && !record.handshake.completed) record.handshake.error = opensslReason(err.message);
      else record.aborted ??= { code: toMitmError(err).code, message: opensslReason(err.message) };
      raw.destroy();
    });
    tls.on('close', finish);
    tls.on('secure', () => {
      recordSecured(tls);
      policy.tls = true;
      tls.on('data', onData(true));
      if (!session) {
        session = spec.session({ ...policy });
        apply(session.greet(), true);
      } else {
        apply(session.secured(), true);
      }
    });
  }

  /**
   * HTTPS: TLS, ALPN (h2 or http/1.1) and both HTTP versions through node:http2 with allowHTTP1 — one server object
   * per connection, so every handshake result and request maps to this record. HTTP/2 per RFC 9113.
   */
  function serveHttps(raw: Socket | Duplex, tlsFor: (name: string | undefined) => ServedTls): void {
    record.handshake = { completed: false };
    const server = createSecureServer({
      ...tlsFor(undefined).options,
      allowHTTP1: true,
      handshakeTimeout: limits.idleMs,
      maxHeaderListPairs: 256,
      maxSessionMemory: 4,
      SNICallback: sniCallback(tlsFor),
    });
    server.on('tlsClientError', (err) => {
      if (record.handshake && !record.handshake.completed) record.handshake.error = opensslReason(err.message);
      raw.destroy();
    });
    server.on('secureConnection', (tls: TLSSocket) => {
      recordSecured(tls);
      current = tls;
      tls.setTimeout(limits.idleMs, () => abort(new MitmError('MG_ERR_TIMEOUT', `no data for ${limits.idleMs} ms`)));
      tls.on('close', finish);
    });
    const answer = (authorized: boolean) => ({
      status: authorized ? 200 : 401,
      headers: {
        'content-type': 'text/plain',
        // RFC 6797 §7.2: sent over TLS only; the hsts-downgrade scenario relies on clients remembering it.
        'strict-transport-security': 'max-age=31536000',
        ...(authorized ? {} : { 'www-authenticate': 'Basic realm="mitmguard audit"' }),
      },
    });
    const headerList = (headers: IncomingHttpHeaders): Array<[string, string]> =>
      Object.entries(headers)
        .filter(([k]) => !k.startsWith(':'))
        .map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v ?? '')]);
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      const list = headerList(headers);
      addEvents(requestEvents({ method: String(headers[':method'] ?? '?'), target: String(headers[':path'] ?? '/'), version: 'HTTP/2', headers: list }), true);
      const a = answer(list.some(([k]) => k === 'authorization'));
      stream.on('error', () => undefined);
      stream.respond({ ':status': a.status, ...a.headers });
      stream.end('mitmguard client audit endpoint\n');
    });
    server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
      if (req.httpVersion === '2.0') return; // answered on 'stream'
      const list = headerList(req.headers);
      addEvents(requestEvents({ method: req.method, target: req.url, version: `HTTP/${req.httpVersion}`, headers: list }), true);
      const a = answer(list.some(([k]) => k === 'authorization'));
      res.writeHead(a.status, { ...a.headers, connection: 'close' });
      res.end('mitmguard client audit endpoint\n');
    });
    server.on('sessionError', (err) => abort(err));
    server.emit('connection', raw);
  }

  function startPlaintext(firstChunk?: Buffer): void {
    session = spec.session({ ...policy });
    let insistedOnTls = false;
    socket.on('data', (chunk: Buffer) => {
      if (insistedOnTls) return;
      // A ClientHello on a plaintext connection: the client insisted on TLS. Record it; there is nothing to answer,
      // and whatever follows (alerts, retries on the same socket) is not application data.
      if (received === 0 && chunk[0] === TLS_HANDSHAKE_RECORD && ctx.scenario.transport !== 'tls') {
        insistedOnTls = true;
        received += chunk.length;
        addEvents([{ kind: 'negotiation', summary: 'TLS ClientHello where the server speaks plaintext', significant: false }], false);
        socket.end();
        return;
      }
      onData(false)(chunk);
    });
    apply(session.greet(), false);
    if (firstChunk) socket.emit('data', firstChunk);
  }

  socket.setTimeout(limits.idleMs, () => abort(new MitmError('MG_ERR_TIMEOUT', `no data for ${limits.idleMs} ms`)));
  socket.on('error', (err) => {
    record.aborted ??= { code: toMitmError(err).code, message: err.message };
  });
  socket.on('close', finish);

  const transport = ctx.scenario.transport;
  if (transport === 'hsts-downgrade') {
    // The client was given http://; an HSTS-aware client upgrades to https:// on the same port (RFC 6797 §8.3).
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first[0] === TLS_HANDSHAKE_RECORD) startTls(socket, first);
      else startPlaintext(first);
      socket.resume();
    });
    return;
  }
  if (transport === 'tls' && spec.tls === 'implicit') return startTls(socket);
  startPlaintext();
}
