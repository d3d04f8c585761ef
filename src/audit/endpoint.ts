/**
 * The hostile endpoint: one listening port per scenario, each serving that scenario's forged or degraded server for
 * the chosen application protocol, recording every connection. The library API (`./index.ts`) and the CLI start it;
 * the runner reads the records back and judges them.
 */
import { createServer, isIP, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { MitmError } from '../errors.js';
import { privateKeyPem } from '../pki/index.js';
import { DEFAULT_CONNECTION_LIMITS, serveConnection, type ConnectionLimits, type ServedTls } from './connection.js';
import { PROTOCOLS, type AppProtocol } from './protocols/index.js';
import { servedCipherString } from './scenarios/index.js';
import type { AuditLab } from './scenarios/lab.js';
import type { ScenarioDefinition, ServedChain } from './scenarios/types.js';
import type { AppEvent, ConnectionRecord } from './types.js';
import { acceptProxyConnection } from './proxy.js';
import { newRunSalt, redactSecret } from './redact.js';
import { BoundedCache, cacheCandidates, CertificateMinter, MINT_CACHE_CAPACITY } from '../pki/mint.js';

export interface EndpointLimits extends ConnectionLimits {
  /** Connections recorded per scenario; later ones are closed at once (a flooding client cannot grow memory). */
  maxConnectionsPerScenario: number;
}

export const DEFAULT_ENDPOINT_LIMITS: EndpointLimits = { ...DEFAULT_CONNECTION_LIMITS, maxConnectionsPerScenario: 64 };

export interface EndpointOptions {
  protocol: AppProtocol;
  lab: AuditLab;
  scenarios: readonly ScenarioDefinition[];
  /** Address to listen on; loopback unless the user says otherwise (a phone on the LAN needs 0.0.0.0). */
  bind?: string;
  /**
   * Whose connections count (`clientPolicy`): an IP address (the audited client's), `first` (the first address that
   * connects, then only it), or `any`. Default: `any` on a loopback bind, where nobody else can connect, else `first`.
   */
  client?: string;
  /** Canary token looked for in captured secrets. */
  token?: string;
  limits?: Partial<EndpointLimits>;
  /** Serve each scenario as an explicit HTTP proxy that mints the scenario's certificate for whatever host is asked. */
  proxy?: boolean;
  /** Names minted per scenario in proxy mode before the oldest is evicted. */
  mintCapacity?: number;
  /** Listen on basePort, basePort+1, … in scenario order (0 or absent: ephemeral ports). */
  basePort?: number;
  /**
   * A long-running endpoint (the lab's): at the per-scenario limit, forget the oldest closed connection instead of
   * refusing the new one, so the endpoint keeps serving while its memory stays bounded.
   */
  keepNewest?: boolean;
}

const LOOPBACK_BINDS = new Set(['127.0.0.1', '::1', 'localhost']);

/** `::ffff:192.0.2.7` and `192.0.2.7` are one client (an IPv4 peer on a dual-stack socket). */
export function normaliseAddress(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a.toLowerCase();
}

/** Whether binding `bind` exposes the endpoint beyond this machine. */
export const bindsBeyondLoopback = (bind: string): boolean => !LOOPBACK_BINDS.has(bind) && !bind.startsWith('127.');

function clientPolicy(bind: string, client: string | undefined): { policy: 'any' | 'first' | 'fixed'; address: string | null } {
  if (client === 'any') return { policy: 'any', address: null };
  if (client === 'first') return { policy: 'first', address: null };
  if (client !== undefined) {
    if (isIP(client) === 0) throw new MitmError('MG_ERR_USAGE', `--client must be an IP address, 'first' or 'any' (got ${client})`);
    return { policy: 'fixed', address: normaliseAddress(client) };
  }
  return bindsBeyondLoopback(bind) ? { policy: 'first', address: null } : { policy: 'any', address: null };
}

export interface ServedScenario {
  scenario: ScenarioDefinition;
  port: number;
  /** `host:port` as bound. */
  address: string;
  /** The URL a client is given, for the lab host name. */
  url: string;
  /** Proxy mode: `http://address` to give the client as its proxy. */
  proxy?: string;
}

interface ScenarioState {
  served: ServedScenario;
  servers: Server[];
  records: ConnectionRecord[];
  open: Set<Socket>;
  dropped: number;
  /** Connections from an address other than the audited client's, refused uncounted. */
  foreign: number;
}

const fill = (template: string, host: string, port: number) => template.replace('{host}', host).replace('{port}', String(port));

/** A secure context per scenario, built once; the chain does not depend on the SNI a client sends. */
export function servedTlsFor(s: ScenarioDefinition, chain: ServedChain): ServedTls {
  const options: SecureContextOptions = {
    key: privateKeyPem(chain.key),
    cert: chain.certs.map((c) => c.pem).join(''),
    ciphers: servedCipherString(s),
    ...(s.tls?.minVersion ? { minVersion: s.tls.minVersion } : {}),
    ...(s.tls?.maxVersion ? { maxVersion: s.tls.maxVersion } : {}),
  };
  return { context: createSecureContext(options), options };
}

/**
 * Proxy mode: the TLS to serve for a requested name under a scenario, kept in a bounded cache. Scenarios that are a
 * plain leaf from one issuer go through the fast `CertificateMinter` (one signature per new name, wildcard reuse);
 * the others rebuild their recipe for the name.
 */
export function proxyTlsFactory(s: ScenarioDefinition, lab: AuditLab, capacity = MINT_CACHE_CAPACITY): (name: string) => ServedTls {
  const cache = new BoundedCache<ServedTls>(capacity);
  const issuer = s.mintIssuer?.(lab);
  const minter = issuer ? new CertificateMinter({ issuer, leafKey: lab.leafKey, capacity }) : undefined;
  return function tlsForName(name: string): ServedTls {
    const key = cacheCandidates(name)[0]!;
    let served = cache.get(key);
    if (!served) {
      const chain: ServedChain = minter ? (({ chain: certs, key: k }) => ({ certs, key: k }))(minter.mint(key)) : s.chain!({ ...lab, host: key });
      cache.set(key, (served = servedTlsFor(s, chain)));
    }
    return served;
  };
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export class HostileEndpoint {
  private readonly states = new Map<string, ScenarioState>();
  private closed = false;
  /** The address whose connections count; null until the first connection under the `first` policy. */
  private clientAddress: string | null = null;
  private clientPolicy: 'any' | 'first' | 'fixed' = 'any';
  /** This run's HMAC key for captured secrets; never stored or printed. */
  private readonly salt = newRunSalt();

  private constructor(
    readonly protocol: AppProtocol,
    readonly lab: AuditLab,
    private readonly limits: EndpointLimits,
    private readonly token: string | undefined,
    private readonly proxyMode: boolean,
    private readonly mintCapacity: number,
    private readonly keepNewest: boolean,
  ) {}

  /** Start one listener per scenario (on an ephemeral port) and return once all listen. */
  static async start(options: EndpointOptions): Promise<HostileEndpoint> {
    const limits = { ...DEFAULT_ENDPOINT_LIMITS, ...options.limits };
    const endpoint = new HostileEndpoint(options.protocol, options.lab, limits, options.token, options.proxy ?? false, options.mintCapacity ?? MINT_CACHE_CAPACITY, options.keepNewest ?? false);
    const bind = options.bind ?? '127.0.0.1';
    const policy = clientPolicy(bind, options.client);
    endpoint.clientPolicy = policy.policy;
    endpoint.clientAddress = policy.address;
    const base = options.basePort ?? 0;
    if (!Number.isInteger(base) || base < 0 || base + options.scenarios.length - 1 > 65_535) throw new MitmError('MG_ERR_USAGE', `base port ${base} leaves no room for ${options.scenarios.length} scenarios`);
    try {
      for (const [i, s] of options.scenarios.entries()) await endpoint.serve(s, bind, base ? base + i : 0);
    } catch (err) {
      await endpoint.close();
      throw err instanceof MitmError ? err : new MitmError('MG_ERR_IO', `cannot start the audit endpoint: ${(err as Error).message}`, { cause: err });
    }
    return endpoint;
  }

  private async serve(s: ScenarioDefinition, bind: string, wantedPort: number): Promise<void> {
    const context = s.chain ? servedTlsFor(s, s.chain(this.lab)) : undefined;
    const perName = context ? proxyTlsFactory(s, this.lab, this.mintCapacity) : undefined;
    const contextFor = (name: string | undefined): ServedTls => (!name || !perName || name === this.lab.host ? context! : perName(name));
    const state: ScenarioState = { served: undefined as unknown as ServedScenario, servers: [], records: [], open: new Set(), dropped: 0, foreign: 0 };
    const onConnection = (socket: Socket) => {
      if (!this.admits(socket.remoteAddress)) {
        // Another host on the network: neither its bytes nor its verdict are the audited client's.
        state.foreign++;
        socket.destroy();
        return;
      }
      if (!this.closed && this.keepNewest && state.records.length >= this.limits.maxConnectionsPerScenario) {
        const oldest = state.records.findIndex((r) => r.closedAt !== undefined);
        if (oldest >= 0) state.records.splice(oldest, 1);
      }
      if (this.closed || state.records.length >= this.limits.maxConnectionsPerScenario) {
        state.dropped++;
        socket.destroy();
        return;
      }
      const record: ConnectionRecord = { scenario: s.id, remote: `${socket.remoteAddress}:${socket.remotePort}`, openedAt: Date.now(), events: [] };
      state.records.push(record);
      state.open.add(socket);
      const serve = (sock: Socket, tunnelHost?: string) =>
        serveConnection(sock, {
          scenario: s,
          protocol: this.protocol,
          tls: context ? (sni) => contextFor(sni ?? tunnelHost) : undefined,
          token: this.token,
          salt: this.salt,
          limits: this.limits,
          record,
          onClose: () => state.open.delete(socket),
        });
      if (!this.proxyMode) return serve(socket);
      socket.on('close', () => {
        state.open.delete(socket);
        record.closedAt ??= Date.now();
      });
      acceptProxyConnection(
        socket,
        {
          tunnel: (sock, target) => {
            record.target = `${target.host}:${target.port}`;
            serve(sock, target.host);
          },
          forward: (events) => {
            for (const e of events) {
              const ev: AppEvent = { kind: e.kind, summary: e.summary, significant: e.significant, protected: false };
              if (e.secret) ev.secret = redactSecret(e.secret, this.token, this.salt);
              record.events.push(ev);
            }
          },
          error: (err) => {
            record.aborted ??= { code: err.code, message: err.message };
          },
        },
        this.limits.idleMs,
      );
    };
    const main = createServer({ pauseOnConnect: false }, onConnection);
    const port = await listen(main, wantedPort, bind);
    state.servers.push(main);
    // "localhost" resolves to ::1 first for many clients; serve the same port there too when binding loopback.
    if (bind === '127.0.0.1') {
      const v6 = createServer(onConnection);
      try {
        await listen(v6, port, '::1');
        state.servers.push(v6);
      } catch {
        v6.close();
      }
    }
    const address = bind.includes(':') ? `[${bind}]:${port}` : `${bind}:${port}`;
    const spec = PROTOCOLS[this.protocol];
    const template = s.transport === 'hsts-downgrade' && spec.plainUrl ? spec.plainUrl : spec.url;
    state.served = this.proxyMode
      ? { scenario: s, port, address, url: s.transport === 'hsts-downgrade' ? `http://${this.lab.host}/` : `https://${this.lab.host}/`, proxy: `http://${address}` }
      : { scenario: s, port, address, url: fill(template, this.lab.host, port) };
    this.states.set(s.id, state);
  }

  /** Every scenario served, in catalogue order. */
  get served(): ServedScenario[] {
    return [...this.states.values()].map((st) => st.served);
  }

  servedScenario(id: string): ServedScenario | undefined {
    return this.states.get(id)?.served;
  }

  /** The connections recorded for a scenario so far (live objects; copy before keeping). */
  records(id: string): ConnectionRecord[] {
    return this.states.get(id)?.records ?? [];
  }

  /** Connections refused because the per-scenario limit was reached. */
  /** Connections refused because they came from another host than the audited client's (`client`). */
  foreign(id: string): number {
    return this.states.get(id)?.foreign ?? 0;
  }

  /** The audited client's address as the endpoint knows it (null: any, or nobody has connected yet). */
  get auditedClient(): string | null {
    return this.clientPolicy === 'any' ? null : this.clientAddress;
  }

  private admits(remote: string | undefined): boolean {
    if (this.clientPolicy === 'any') return true;
    const from = normaliseAddress(remote ?? '');
    if (this.clientAddress === null) {
      this.clientAddress = from;
      return true;
    }
    return from === this.clientAddress;
  }

  dropped(id: string): number {
    return this.states.get(id)?.dropped ?? 0;
  }

  /**
   * Wait until every connection of a scenario has closed, at most `graceMs`, then cut those still open: a client
   * process has exited, so anything still open is a leftover, and the verdict must not wait on it.
   */
  async settle(id: string, graceMs = 1000): Promise<void> {
    const state = this.states.get(id);
    if (!state) return;
    const deadline = Date.now() + graceMs;
    while (state.open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const socket of state.open) socket.destroy();
    // Let close handlers run so records carry closedAt.
    await new Promise((r) => setImmediate(r));
  }

  /** Stop every listener and cut every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing: Promise<void>[] = [];
    for (const state of this.states.values()) {
      for (const socket of state.open) socket.destroy();
      for (const server of state.servers) closing.push(new Promise((r) => server.close(() => r())));
    }
    await Promise.all(closing);
  }
}
