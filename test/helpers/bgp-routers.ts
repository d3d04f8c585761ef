/**
 * Real BGP routers for the BGP integration tests, on loopback addresses of their own (127.X.Y.1–4, X and Y from the
 * pid and a random draw, so parallel runs never meet) and ephemeral ports, with private AS numbers and documentation
 * prefixes only: BIRD 2 (`bird`, Debian bird2) as the legitimate origin and as a route collector that writes MRT (both
 * `mrtdump` of the BGP messages and on-demand TABLE_DUMP_V2 dumps), GoBGP (`gobgpd`, Debian gobgpd) as the hijacker.
 * Every start returns a handle whose stop() kills the process and removes its directory.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROUTER_START_TIMEOUT_MS = 30_000;

/** A free TCP port on `host` (bound, read, closed). */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Four loopback addresses of this run's own: 127.X.Y.1 … 127.X.Y.4. */
export function loopbackNet(): (host: 1 | 2 | 3 | 4 | 5) => string {
  const x = 16 + (process.pid % 200);
  const y = 1 + Math.floor(Math.random() * 250);
  return (h) => `127.${x}.${y}.${h}`;
}

export interface Router {
  name: string;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

function startProcess(name: string, cmd: string, args: string[], dir: string): { child: ChildProcess; log: () => string } {
  let out = '';
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => { out = (out + d.toString()).slice(-8000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (e) => { out += `\n${name}: ${e.message}`; });
  return { child, log: () => out };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(t);
}

export interface BirdPeer {
  name: string;
  localAddress: string;
  localPort: number;
  neighborAddress: string;
  neighborPort?: number;
  asn: number;
  localAs: number;
  /** Only accept connections (the collector's side towards mitmguard's speaker, which connects). */
  passive?: boolean;
  import: boolean;
  export: boolean;
  /** Send every path, not only the best (RFC 7911 ADD-PATH, BIRD's `add paths tx`). */
  addPathsTx?: boolean;
}

export interface Bird extends Router {
  socket: string;
  birdc(command: string): Promise<string>;
  /** Dump the current tables as TABLE_DUMP_V2 to `file` (BIRD's `mrt dump` command). */
  dumpRib(file: string): Promise<void>;
  /** BGP messages and state changes the collector logged (mrtdump), when `mrtdump` was asked for. */
  updatesFile: string;
  /** TABLE_DUMP_V2 with RFC 8050 ADD-PATH records (`protocol mrt … always add path on`), rewritten every second, when asked for. */
  addPathFile: string;
}

/**
 * Start BIRD 2 with static routes (`routes4` / `routes6`, unreachable: a route server's view needs no forwarding)
 * and BGP sessions. Sessions are multihop (loopback is not a directly connected network to BIRD).
 */
export async function startBird(opts: { name: string; routerId: string; peers: BirdPeer[]; routes4?: string[]; routes6?: string[]; mrtdump?: boolean; addPathDump?: boolean; roas?: Array<{ prefix: string; maxLength: number; asn: number }> }): Promise<Bird> {
  const dir = mkdtempSync(join(tmpdir(), `mitmguard-bird-${opts.name}-`));
  const socket = join(dir, 'bird.ctl');
  const updatesFile = join(dir, 'updates.mrt');
  const addPathFile = join(dir, 'addpath-%s.mrt');
  const lines = [
    `router id ${opts.routerId};`,
    'log stderr all;',
    ...(opts.mrtdump ? [`mrtdump "${updatesFile}";`] : []),
    'protocol device {}',
    // BIRD expands %s in the file name to the dump's time (strftime), so each dump is a whole file of its own.
    ...(opts.addPathDump ? [`protocol mrt addpath { table "master4"; filename "${addPathFile}"; period 1; always add path on; }`] : []),
  ];
  if (opts.roas?.length) {
    // ROA tables r4 / r6 for `roa_check(r4, net, bgp_path.last)` (BIRD's RFC 6811 validation).
    lines.push('roa4 table r4;', 'roa6 table r6;');
    for (const v of [4, 6] as const) {
      const mine = opts.roas.filter((r) => r.prefix.includes(':') === (v === 6));
      lines.push(`protocol static roas${v} { roa${v} { table r${v}; }; ${mine.map((r) => `route ${r.prefix} max ${r.maxLength} as ${r.asn};`).join(' ')} }`);
    }
  }
  if (opts.routes4?.length) lines.push(`protocol static s4 { ipv4; ${opts.routes4.map((r) => `route ${r} unreachable;`).join(' ')} }`);
  if (opts.routes6?.length) lines.push(`protocol static s6 { ipv6; ${opts.routes6.map((r) => `route ${r} unreachable;`).join(' ')} }`);
  for (const p of opts.peers) {
    const filt = (on: boolean) => (on ? 'all' : 'none');
    lines.push(`protocol bgp ${p.name} {`,
      `  local ${p.localAddress} port ${p.localPort} as ${p.localAs};`,
      `  neighbor ${p.neighborAddress}${p.neighborPort ? ` port ${p.neighborPort}` : ''} as ${p.asn};`,
      '  multihop;',
      ...(p.passive ? ['  passive on;'] : []),
      ...(opts.mrtdump ? ['  mrtdump all;'] : []),
      `  ipv4 { import ${filt(p.import)}; export ${filt(p.export)};${p.addPathsTx ? ' add paths tx;' : ''} };`,
      `  ipv6 { import ${filt(p.import)}; export ${filt(p.export)};${p.addPathsTx ? ' add paths tx;' : ''} next hop address 2001:db8::1; gateway recursive; };`,
      '}');
  }
  const conf = join(dir, 'bird.conf');
  writeFileSync(conf, lines.join('\n') + '\n');
  const { child, log } = startProcess(`bird ${opts.name}`, 'bird', ['-f', '-c', conf, '-s', socket, '-P', join(dir, 'bird.pid')], dir);
  const birdc = async (command: string) => (await run('birdc', ['-s', socket, command], { timeout: 10_000 })).stdout;
  const deadline = Date.now() + ROUTER_START_TIMEOUT_MS;
  for (;;) {
    try {
      await birdc('show status');
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bird ${opts.name} did not start: ${log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    name: opts.name, dir, socket, updatesFile, addPathFile, log, birdc,
    dumpRib: async (file) => {
      for (const table of ['master4', 'master6']) {
        const part = `${file}.${table}`;
        await birdc(`mrt dump table "${table}" to "${part}"`);
      }
    },
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface GoBgp extends Router {
  /** Add a route to GoBGP's RIB (it announces it to its neighbours). */
  announce(prefix: string, extra?: string[]): Promise<void>;
  withdraw(prefix: string): Promise<void>;
}

/** Start gobgpd (AS `asn`) with one eBGP neighbour; routes are added through its gRPC API with the `gobgp` CLI. */
export async function startGoBgp(opts: { asn: number; routerId: string; localAddress: string; localPort: number; neighborAddress?: string; neighborPort?: number; neighborAs?: number; bmp?: { port: number; policy: 'pre-policy' | 'post-policy' | 'local-rib' | 'all' }; mrtUpdates?: string; passive?: boolean }): Promise<GoBgp> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-gobgp-'));
  const api = await freePort('127.0.0.1');
  const conf = join(dir, 'gobgpd.toml');
  writeFileSync(conf, [
    '[global.config]', `  as = ${opts.asn}`, `  router-id = "${opts.routerId}"`, `  port = ${opts.localPort}`, `  local-address-list = ["${opts.localAddress}"]`,
    ...(opts.neighborAddress ? [
      '[[neighbors]]', '  [neighbors.config]', `    neighbor-address = "${opts.neighborAddress}"`, `    peer-as = ${opts.neighborAs}`,
      '  [neighbors.transport.config]', `    remote-port = ${opts.neighborPort}`, `    local-address = "${opts.localAddress}"`,
      ...(opts.passive ? ['    passive-mode = true'] : []),
      '  [neighbors.ebgp-multihop.config]', '    enabled = true', '    multihop-ttl = 2',
    ] : []),
    ...(opts.mrtUpdates ? ['[[mrt-dump]]', '  [mrt-dump.config]', '    dump-type = "updates"', `    file-name = "${opts.mrtUpdates}"`] : []),
    ...(opts.bmp ? ['[[bmp-servers]]', '  [bmp-servers.config]', '    address = "127.0.0.1"', `    port = ${opts.bmp.port}`, `    route-monitoring-policy = "${opts.bmp.policy}"`] : []),
    '',
  ].join('\n'));
  const { child, log } = startProcess('gobgpd', 'gobgpd', ['-f', conf, '--api-hosts', `127.0.0.1:${api}`, '-l', 'warn'], dir);
  const cli = async (args: string[]) => (await run('gobgp', ['-u', '127.0.0.1', '-p', String(api), ...args], { timeout: 10_000 })).stdout;
  const deadline = Date.now() + ROUTER_START_TIMEOUT_MS;
  for (;;) {
    try {
      await cli(['global']);
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gobgpd did not start: ${log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    name: 'gobgpd', dir, log,
    announce: async (prefix, extra = []) => { await cli(['global', 'rib', 'add', prefix, '-a', prefix.includes(':') ? 'ipv6' : 'ipv4', ...extra]); },
    withdraw: async (prefix) => { await cli(['global', 'rib', 'del', prefix, '-a', prefix.includes(':') ? 'ipv6' : 'ipv4']); },
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The routes of a BIRD table whose RFC 6811 state, by BIRD's own `roa_check`, is `state`: "prefix ASorigin" lines.
 * Parses `show route` text: a prefix starts a line, further routes of it are indented, the path ends `[AS65001i]`.
 */
export async function birdRoaRoutes(bird: Bird, table: 'master4' | 'master6', state: 'ROA_VALID' | 'ROA_INVALID' | 'ROA_UNKNOWN'): Promise<string[]> {
  const roa = table === 'master4' ? 'r4' : 'r6';
  const text = await bird.birdc(`show route table ${table} where roa_check(${roa}, net, bgp_path.last) = ${state}`);
  const out: string[] = [];
  let prefix = '';
  for (const line of text.split('\n')) {
    const m = /^(\S+\/\d+)\s/.exec(line);
    if (m) prefix = m[1]!;
    const as = /\[AS(\d+)[ie?]\]\s*$/.exec(line);
    if (as && prefix) out.push(`${prefix} AS${as[1]}`);
  }
  return out.sort();
}

/**
 * Start ExaBGP 4 (`exabgp`, Debian exabgp) as a speaker that connects to one neighbour and announces static routes
 * (`routes`: prefix and AS path). Runs in the foreground in its own directory (its control FIFOs go there).
 */
export async function startExaBgp(opts: { asn: number; routerId: string; localAddress: string; neighborAddress: string; neighborPort: number; neighborAs: number; routes: Array<{ prefix: string; path: number[] }> }): Promise<Router> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-exabgp-'));
  const conf = join(dir, 'exabgp.conf');
  writeFileSync(conf, [
    `neighbor ${opts.neighborAddress} {`, `  router-id ${opts.routerId};`, `  local-address ${opts.localAddress};`, `  local-as ${opts.asn};`, `  peer-as ${opts.neighborAs};`,
    `  connect ${opts.neighborPort};`, '  family { ipv4 unicast; }', '  static {',
    ...opts.routes.map((r) => `    route ${r.prefix} next-hop ${opts.localAddress} as-path [ ${r.path.join(' ')} ];`),
    '  }', '}', '',
  ].join('\n'));
  const env = { ...process.env, 'exabgp.daemon.user': 'root', 'exabgp.daemon.daemonize': 'false', 'exabgp.log.destination': 'stdout', 'exabgp.api.pipename': 'mitmguard-exabgp' };
  let out = '';
  const child = spawn('exabgp', [conf], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => { out = (out + d.toString()).slice(-8000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (e) => { out += `\nexabgp: ${e.message}`; });
  return {
    name: 'exabgp', dir, log: () => out,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll `probe` every 200 ms until it returns true, at most `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
