/**
 * The I/O side of BMP: a TCP listener (default 127.0.0.1) for routers that export to a BMP station. Each connection
 * is split and decoded by the sans-IO receiver (bmp.ts); a malformed stream closes that connection with its code.
 */
import { createServer, type Socket } from 'node:net';
import { listenUntilAborted } from './collector.js';
import { toMitmError } from '../errors.js';
import { errorInfo, type ErrorInfo } from '../model/index.js';
import { bmpEvents, BmpSplitter, decodeBmpMessage, type BmpMessage } from './bmp.js';
import type { RouteEvent } from './events.js';

export interface BmpReceiverOptions {
  signal?: AbortSignal;
  onRoute: (event: RouteEvent) => void;
  onMessage?: (router: string, message: BmpMessage) => void;
  onListening?: (port: number) => void;
  maxConnections?: number;
}

export interface BmpConnectionSummary {
  router: string;
  messages: number;
  routeMonitoring: number;
  error: ErrorInfo | null;
}

/** Listen until `signal` aborts; resolves with a summary per router connection. */
export async function listenBmp(host: string, port: number, options: BmpReceiverOptions): Promise<BmpConnectionSummary[]> {
  const summaries: BmpConnectionSummary[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    if (summaries.length >= (options.maxConnections ?? 64)) { socket.destroy(); return; }
    const router = `${socket.remoteAddress}:${socket.remotePort}`;
    const s: BmpConnectionSummary = { router, messages: 0, routeMonitoring: 0, error: null };
    summaries.push(s);
    sockets.add(socket);
    const splitter = new BmpSplitter();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const raw of splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
          const m = decodeBmpMessage(raw);
          s.messages++;
          if (m.type === 'route-monitoring') s.routeMonitoring++;
          options.onMessage?.(router, m);
          for (const e of bmpEvents(m)) options.onRoute(e);
        }
      } catch (err) {
        s.error = errorInfo(err, 'MG_ERR_MALFORMED');
        socket.destroy();
      }
    });
    socket.on('error', (e) => { s.error ??= toMitmError(e, 'MG_ERR_CONNECTION_RESET').toJSON(); });
    socket.on('close', () => sockets.delete(socket));
  });
  await listenUntilAborted(server, host, port, options);
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return summaries;
}
