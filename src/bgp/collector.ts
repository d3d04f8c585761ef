/**
 * The I/O side of the passive speaker: one TCP connection to a router (we connect, `--peer`), or routers that
 * connect to us (`--listen`), each driven by a BgpSession. UPDATEs become route events stamped with the time they
 * were received (as an MRT collector stamps them), for the same monitors that read MRT files.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import { updateEvents, type PeerRef, type RouteEvent } from './events.js';
import { BgpSession, type SessionEvent, type SessionOptions } from './session.js';

export interface CollectorOptions extends SessionOptions {
  signal?: AbortSignal;
  /** Called for every route event, in order. */
  onRoute: (event: RouteEvent) => void;
  /** Session milestones (established, closed), for progress output. */
  onSession?: (peer: string, event: SessionEvent) => void;
  /** Give up connecting after this long (ms). */
  connectTimeoutMs?: number;
}

export interface SessionSummary {
  peer: string;
  established: boolean;
  updates: number;
  closed: string;
  error?: { code: string; message: string };
}

/** Drive one session over a connected socket until it closes or `signal` aborts. */
export function driveSession(socket: Socket, options: CollectorOptions): Promise<SessionSummary> {
  const peerText = `${socket.remoteAddress}:${socket.remotePort}`;
  const session = new BgpSession(options);
  const summary: SessionSummary = { peer: peerText, established: false, updates: 0, closed: '' };
  let peer: PeerRef = { address: socket.remoteAddress ?? '', asn: options.peerAs ?? 0 };
  return new Promise((resolve) => {
    let done = false;
    const finish = (reason: string, error?: unknown) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      options.signal?.removeEventListener('abort', onAbort);
      summary.closed = reason;
      if (error) summary.error = toMitmError(error, 'MG_ERR_CONNECTION_RESET').toJSON();
      if (summary.established) options.onRoute({ type: 'peer-down', timestampUs: Date.now() * 1000, peer });
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
      resolve(summary);
    };
    const apply = (out: { send: Uint8Array[]; events: SessionEvent[] }) => {
      for (const b of out.send) socket.write(b);
      for (const e of out.events) {
        options.onSession?.(peerText, e);
        if (e.type === 'established') {
          summary.established = true;
          peer = { address: socket.remoteAddress ?? '', asn: e.open.capabilities.fourOctetAs ?? e.open.myAs };
        } else if (e.type === 'update') {
          summary.updates++;
          for (const ev of updateEvents(e.update, peer, e.at * 1000)) options.onRoute(ev);
        } else if (e.type === 'closed') {
          finish(e.reason, e.error ?? (e.received ? new MitmError('MG_ERR_PROTOCOL', e.reason) : undefined));
        }
      }
    };
    const onAbort = () => apply(session.stop());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setInterval(() => apply(session.tick(Date.now())), 1000);
    socket.on('data', (chunk: Buffer) => apply(session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), Date.now())));
    socket.on('error', (err) => finish(`socket error: ${err.message}`, err));
    socket.on('close', () => finish(session.state === 'closed' ? 'closed' : 'the peer closed the connection', session.state === 'closed' ? undefined : new MitmError('MG_ERR_CONNECTION_RESET', 'the peer closed the connection')));
    apply(session.start(Date.now()));
    if (options.signal?.aborted) onAbort();
  });
}

/** Connect to a router and collect from it until the session ends or `signal` aborts. */
export async function collectFromPeer(host: string, port: number, options: CollectorOptions & { localAddress?: string }): Promise<SessionSummary> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host, port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const t = setTimeout(() => { s.destroy(); reject(new MitmError('MG_ERR_TIMEOUT', `no TCP connection to ${host}:${port} within ${options.connectTimeoutMs ?? 10_000} ms`)); }, options.connectTimeoutMs ?? 10_000);
    s.once('connect', () => { clearTimeout(t); resolve(s); });
    s.once('error', (e) => { clearTimeout(t); reject(toMitmError(e, 'MG_ERR_CONNECT')); });
  });
  return driveSession(socket, options);
}

/**
 * Listen on host:port, say which port (`onListening`), and return when the signal aborts: the listening life of the
 * collector and of the BMP station alike. MG_ERR_IO when the address cannot be bound.
 */
export async function listenUntilAborted(server: Server, host: string, port: number, options: { signal?: AbortSignal; onListening?: (port: number) => void }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(toMitmError(e, 'MG_ERR_IO')));
    server.listen(port, host, () => resolve());
  });
  options.onListening?.((server.address() as { port: number }).port);
  await new Promise<void>((resolve) => {
    if (options.signal?.aborted) return resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Listen for routers (passive TCP, RFC 4271 §8.2.1); each connection is its own session. Resolves when aborted. */
export async function listenForPeers(host: string, port: number, options: CollectorOptions & { onListening?: (port: number) => void; maxSessions?: number }): Promise<SessionSummary[]> {
  const summaries: Promise<SessionSummary>[] = [];
  const server = createServer((socket) => {
    if (summaries.length >= (options.maxSessions ?? 64)) { socket.destroy(); return; }
    summaries.push(driveSession(socket, options));
  });
  await listenUntilAborted(server, host, port, options);
  server.close();
  return Promise.all(summaries);
}
