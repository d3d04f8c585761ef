/**
 * Start and stop knotd (Knot DNS) on a loopback address with a hierarchy of generated zones, signed by knot itself
 * with keys made per run by keymgr. Parents get NS and DS records for their children, so a validator can walk the
 * chain from the top zone, whose DS records become the trust anchor file.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { query } from '../../src/dns/client.js';
import { encodeMessage } from '../../src/dns/encode.js';
import { decodeMessage, type DnsMessage, type DnsRecord } from '../../src/dns/message.js';
import { parentName } from '../../src/dns/name.js';
import { RR_TYPES } from '../../src/dns/types.js';
import type { DnssecVerdict } from '../../src/dns/dnssec/reasons.js';

const run = promisify(execFile);
export const KNOTD = '/usr/sbin/knotd';
export const KEYMGR = '/usr/sbin/keymgr';

export type ZoneSigning = 'ecdsa' | 'rsa' | 'ed25519' | 'unsigned';

export interface ZoneSpec {
  /** Fully qualified, e.g. `a.test.` */
  name: string;
  signing: ZoneSigning;
  /** NSEC3 instead of NSEC; optOut leaves unsigned delegations out of the chain (RFC 5155 §6). */
  nsec3?: { optOut: boolean; iterations?: number };
  /** Zone file lines (relative names allowed), after the SOA and NS the helper writes. */
  records?: string[];
  /** Leave this child's DS out of its parent: the child is signed but the delegation is insecure. */
  omitDs?: boolean;
  /** Publish a DS whose digest does not match the child's key: the chain is broken (BOGUS). */
  wrongDs?: boolean;
  /** Publish the DS with this algorithm number instead (e.g. 253, private: unsupported by validators). */
  dsAlgorithm?: number;
  /** DS digest type published in the parent: 2 (SHA-256, default) or 4 (SHA-384). */
  dsDigestType?: 2 | 4;
}

export interface KnotServer {
  host: string;
  port: number;
  dir: string;
  zones: ZoneSpec[];
  /** DS records of the top zone in zone-file format (our --anchor format). */
  anchorText: string;
  anchorFile: string;
  /** The same anchor in BIND `trust-anchors` syntax for delv. */
  bindAnchorFile: string;
  /** DS lines per signed zone, as keymgr printed them. */
  ds: Map<string, string[]>;
  /** The top zone's DNSKEY records in zone-file format (the other --anchor form). */
  dnskeyAnchorText: string;
  stop(): Promise<void>;
}

const ALG: Record<Exclude<ZoneSigning, 'unsigned'>, string[][]> = {
  ecdsa: [['algorithm=ecdsap256sha256', 'ksk=yes', 'zsk=yes']],
  // A classic split: a 2048-bit KSK signs the DNSKEY set, a 1024-bit ZSK the data.
  rsa: [['algorithm=rsasha256', 'size=2048', 'ksk=yes', 'zsk=no'], ['algorithm=rsasha256', 'size=1024', 'ksk=no', 'zsk=yes']],
  ed25519: [['algorithm=ed25519', 'ksk=yes', 'zsk=yes']],
};

/** A free UDP+TCP port on `host` (the OS picks; we check both protocols). */
export async function freePort(host: string): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, host, () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, host, () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port');
}

/** A loopback address unlikely to collide with other tests running at the same time. */
export function loopbackAddress(): string {
  return `127.0.${10 + Math.floor(Math.random() * 200)}.${2 + Math.floor(Math.random() * 250)}`;
}

function policyId(z: ZoneSpec): string {
  return `p-${z.signing}${z.nsec3 ? (z.nsec3.optOut ? '-n3o' : '-n3') + (z.nsec3.iterations ?? 0) : ''}`;
}

/**
 * A daemon in the foreground (not detached), its stderr kept for error messages; `stop` sends SIGTERM, then SIGKILL
 * when it has not exited within 5 s.
 */
function runForeground(cmd: string, args: string[]): { child: ChildProcess; stderr: () => string; stop: () => Promise<void> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { child, stderr: () => stderr, stop };
}

/** Start knotd serving `zones` on `host` (default: a random 127.x address) and a free port. */
export async function startKnot(zones: ZoneSpec[], host = loopbackAddress()): Promise<KnotServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-knot-'));
  chmodSync(dir, 0o700);
  mkdirSync(join(dir, 'db'), { mode: 0o700 });
  try {
    return await startIn(dir, zones, host);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startIn(dir: string, zones: ZoneSpec[], host: string): Promise<KnotServer> {
  const port = await freePort(host);
  const policies = new Map<string, ZoneSpec>();
  for (const z of zones) if (z.signing !== 'unsigned') policies.set(policyId(z), z);
  const conf = [
    'server:',
    `    listen: ${host}@${port}`,
    `    rundir: ${dir}`,
    'database:',
    `    storage: ${dir}/db`,
    'log:',
    '  - target: stderr',
    '    any: warning',
    'policy:',
    ...[...policies].flatMap(([id, z]) => [
      `  - id: ${id}`,
      '    manual: on',
      ...(z.nsec3 ? ['    nsec3: on', `    nsec3-opt-out: ${z.nsec3.optOut ? 'on' : 'off'}`, `    nsec3-iterations: ${z.nsec3.iterations ?? 0}`, '    nsec3-salt-length: 8'] : []),
    ]),
    'template:',
    '  - id: default',
    `    storage: ${dir}`,
    '    file: "%s.zone"',
    '    zonefile-sync: -1',
    '    journal-content: none',
    'zone:',
    ...zones.flatMap((z) => [
      `  - domain: ${z.name}`,
      ...(z.signing === 'unsigned' ? ['    dnssec-signing: off'] : ['    dnssec-signing: on', `    dnssec-policy: ${policyId(z)}`]),
    ]),
    '',
  ].join('\n');
  const confPath = join(dir, 'knot.conf');
  writeFileSync(confPath, conf, { mode: 0o600 });
  // Keys first (keymgr writes private keys into the KASP database under `dir`, mode 0700), then DS for parents.
  // One keymgr at a time: they share one LMDB database.
  const ds = new Map<string, string[]>();
  for (const z of zones.filter((x) => x.signing !== 'unsigned')) {
    for (const args of ALG[z.signing as Exclude<ZoneSigning, 'unsigned'>]) await run(KEYMGR, ['-c', confPath, z.name, 'generate', ...args]);
    const { stdout } = await run(KEYMGR, ['-c', confPath, z.name, 'ds']);
    const digestType = z.dsDigestType ?? 2;
    ds.set(z.name, stdout.trim().split('\n').filter((l) => l.split(/\s+/)[4] === String(digestType)));
  }
  for (const z of zones) {
    const lines = ['$TTL 300', `@ SOA ns.${z.name} hostmaster.${z.name} 1 3600 600 86400 300`, `@ NS ns.${z.name}`, `ns A ${host}`];
    for (const c of zones) {
      if (c === z || parentName(c.name) !== z.name) continue;
      lines.push(`${c.name} NS ns.${c.name}`, `ns.${c.name} A ${host}`);
      const childDs = (ds.get(c.name) ?? []).map((l) => (c.dsAlgorithm === undefined ? l : l.replace(/( DS \d+ )\d+/, `$1${c.dsAlgorithm}`)));
      // Flip the last hex digit of each digest for a DS that no key matches.
      if (c.wrongDs) lines.push(...childDs.map((l) => l.replace(/([0-9a-f])$/i, (d) => (d === '0' ? '1' : '0'))));
      else if (!c.omitDs) lines.push(...childDs);
    }
    lines.push(...(z.records ?? []));
    writeFileSync(join(dir, `${z.name.replace(/\.$/, '')}.zone`), lines.join('\n') + '\n');
  }
  const top = zones[0]!;
  const dnskeyAnchorText = top.signing === 'unsigned' ? '' : (await run(KEYMGR, ['-c', confPath, top.name, 'dnskey'])).stdout;
  const anchorText = (ds.get(top.name) ?? []).join('\n') + '\n';
  const anchorFile = join(dir, 'anchor.zone');
  writeFileSync(anchorFile, anchorText);
  const bindAnchorFile = join(dir, 'anchor.bind');
  writeFileSync(
    bindAnchorFile,
    'trust-anchors {\n' +
      (ds.get(top.name) ?? []).map((l) => {
        const [owner, , tag, alg, dt, digest] = l.split(/\s+/);
        return `  "${owner}" static-ds ${tag} ${alg} ${dt} "${digest}";`;
      }).join('\n') + '\n};\n',
  );
  const { child, stderr, stop } = runForeground(KNOTD, ['-c', confPath]);
  // Ready when every zone answers its SOA authoritatively and, when signed, with a signature (bounded wait).
  try {
    for (const z of zones) {
      for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`knotd exited: ${stderr()}`);
        const ok = await query({ host, port }, z.name, RR_TYPES.SOA, { timeoutMs: 500, retries: 0, randomizeCase: false }).then(
          (r) => r.message.aa && r.message.rcode === 0 && (z.signing === 'unsigned' || r.message.answers.some((a) => a.type === RR_TYPES.RRSIG)),
          () => false,
        );
        if (ok) break;
        if (i > 100) throw new Error(`knotd did not serve ${z.name} in time: ${stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    host, port, dir, zones, anchorText, anchorFile, bindAnchorFile, ds, dnskeyAnchorText,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A spoofing resolver on loopback: relays each UDP query to `upstream`, lets `mutate` edit the decoded answer
 * (strip signatures, change an address…) and re-encodes it. It plays the man in the middle between a client and
 * a real knotd. `mutate` may be swapped at any time (`proxy.mutate = …`).
 */
export interface SpoofProxy {
  host: string;
  port: number;
  mutate: (m: DnsMessage) => DnsMessage;
  stop(): Promise<void>;
}

export async function startSpoofProxy(upstream: { host: string; port: number }, mutate: (m: DnsMessage) => DnsMessage, host = loopbackAddress()): Promise<SpoofProxy> {
  const server = dgram.createSocket('udp4');
  const proxy: SpoofProxy = {
    host,
    port: 0,
    mutate,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server.on('message', (msg, rinfo) => {
    const out = dgram.createSocket('udp4');
    const timer = setTimeout(() => out.close(), 3000);
    out.on('message', (answer) => {
      clearTimeout(timer);
      out.close();
      try {
        const edited = encodeMessage(proxy.mutate(decodeMessage(answer)));
        server.send(edited, rinfo.port, rinfo.address);
      } catch {
        // a relay that cannot parse simply drops, as a broken middlebox would
      }
    });
    out.send(msg, upstream.port, upstream.host);
  });
  await new Promise<void>((resolve) => server.bind(0, host, () => resolve()));
  proxy.port = (server.address() as net.AddressInfo).port;
  return proxy;
}

/** Remove every RRSIG owned by `name` (the "unsigned copy" attack). */
export function stripSignatures(name: string) {
  return (m: DnsMessage): DnsMessage => {
    const keep = (r: DnsRecord) => !(r.type === RR_TYPES.RRSIG && r.name.toLowerCase() === name.toLowerCase());
    return { ...m, answers: m.answers.filter(keep), authorities: m.authorities.filter(keep) };
  };
}

/** Replace the address of A records owned by `name`, keeping the original signature (the "edited record" attack). */
export function editAddress(name: string, address: string) {
  return (m: DnsMessage): DnsMessage => ({
    ...m,
    answers: m.answers.map((r) => {
      if (r.type !== RR_TYPES.A || r.name.toLowerCase() !== name.toLowerCase()) return r;
      const rdata = Uint8Array.from(address.split('.').map(Number));
      return { ...r, rdata, data: { type: 'A', address } };
    }),
  });
}

export const passThrough = (m: DnsMessage): DnsMessage => m;

/** delv's summary line → our verdict vocabulary. */
export function delvVerdict(out: string): DnssecVerdict | 'UNKNOWN' {
  if (/; (negative response, )?fully validated/.test(out)) return 'SECURE';
  if (/unsigned answer/.test(out)) return 'INSECURE';
  if (/resolution failed|validation failed|broken trust chain|no valid (signature|RRSIG|DS)/.test(out)) return 'BOGUS';
  return 'UNKNOWN';
}

/**
 * Run delv with the hierarchy's anchor and return its stdout and stderr. Asynchronous on purpose: a spoofing proxy
 * in this process must keep answering while delv runs.
 */
export function runDelv(k: Pick<KnotServer, 'host' | 'port' | 'bindAnchorFile'>, name: string, type: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('delv', ['@' + k.host, '-p', String(k.port), '-a', k.bindAnchorFile, '+root=test.', name, type], { encoding: 'utf8', timeout: 30_000 }, (_err, stdout, stderr) =>
      resolve(`${stdout}\n${stderr}`),
    );
  });
}


/**
 * unbound as a local validating recursive resolver with a stub zone pointing at knotd: the "second opinion" the
 * differential tests compare against, and a real recursive resolver for mitmguard's DO+CD resolver mode.
 */
export interface UnboundServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export const UNBOUND = '/usr/sbin/unbound';

export async function startUnbound(knot: KnotServer, stubZone = 'test.', host = loopbackAddress()): Promise<UnboundServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-unbound-'));
  const port = await freePort(host);
  const conf = [
    'server:',
    `    interface: ${host}@${port}`,
    `    port: ${port}`,
    '    do-daemonize: no',
    '    username: ""',
    '    chroot: ""',
    `    directory: "${dir}"`,
    `    pidfile: "${dir}/unbound.pid"`,
    '    use-syslog: no',
    '    logfile: ""',
    '    verbosity: 0',
    '    do-ip6: no',
    '    access-control: 127.0.0.0/8 allow',
    '    do-not-query-localhost: no',
    '    module-config: "validator iterator"',
    `    trust-anchor-file: "${knot.anchorFile}"`,
    '    ede: yes',
    '    val-log-level: 0',
    // unbound answers the RFC 6761 special names (test., invalid., …) itself unless told not to.
    `    local-zone: "${stubZone}" nodefault`,
    'remote-control:',
    '    control-enable: no',
    // One stub per zone: the delegations name servers on port 53, but every zone lives on knotd's port.
    ...knot.zones.flatMap((z) => ['stub-zone:', `    name: "${z.name}"`, `    stub-addr: ${knot.host}@${knot.port}`]),
    '',
  ].join('\n');
  const confPath = join(dir, 'unbound.conf');
  writeFileSync(confPath, conf, { mode: 0o600 });
  const daemon = runForeground(UNBOUND, ['-d', '-c', confPath]);
  const { child, stderr } = daemon;
  const stop = async () => {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`unbound exited: ${stderr()}`);
      const ok = await query({ host, port }, stubZone, RR_TYPES.SOA, { timeoutMs: 1000, retries: 0 }).then((r) => r.message.rcode === 0, () => false);
      if (ok) break;
      if (i > 50) throw new Error(`unbound did not answer in time: ${stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { host, port, stop };
}

/** unbound's own verdict from one validated (non-CD) answer: SERVFAIL → BOGUS, AD → SECURE, otherwise INSECURE. */
export async function unboundVerdict(u: UnboundServer, name: string, type: number): Promise<DnssecVerdict | 'UNKNOWN'> {
  const r = await query({ host: u.host, port: u.port }, name, type, { checkingDisabled: false, dnssecOk: true, timeoutMs: 5000, retries: 1 }).catch(() => null);
  if (!r) return 'UNKNOWN';
  if (r.message.rcode === 2) return 'BOGUS';
  if (r.message.rcode !== 0 && r.message.rcode !== 3) return 'UNKNOWN';
  return r.message.ad ? 'SECURE' : 'INSECURE';
}
