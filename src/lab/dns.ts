/**
 * The lab's DNS server: node:dgram and node:net on one loopback port, answering from the signed lab zone
 * (src/lab/dns-zone.ts) over UDP, and over TCP for answers too big for a UDP payload (RFC 7766). Bounded: queries over
 * 512 bytes get FORMERR, TCP sessions are limited in number, size and idle time, and nothing a client sends can throw.
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import { LAB_DNS_NAMES } from './dns-names.js';
import { answerLabQuery, buildLabZone, LAB_DNS_LIMITS, type LabZone } from './dns-zone.js';

export const LAB_DNS_TCP_LIMITS = {
  /** TCP sessions open at once; more are closed at accept. */
  maxConnections: 32,
  /** A session with nothing to read for this long is closed (RFC 7766 §6.2.3 suggests seconds). */
  idleMs: 10_000,
  /** Queries answered per TCP session. */
  maxQueriesPerConnection: 100,
} as const;

export interface LabDnsServer {
  host: string;
  port: number;
  zone: LabZone;
  stop(): Promise<void>;
}

/** SPKI (DER) of the leaf in a PEM chain (leaf first). */
export function leafSpki(certPem: string): Uint8Array {
  const leaf = new X509Certificate(certPem);
  return Uint8Array.from(leaf.publicKey.export({ type: 'spki', format: 'der' }));
}

/** A P-256 key that no lab endpoint presents: the "old key" the dane name's TLSA record still names. */
export function staleSpki(): Uint8Array {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return Uint8Array.from(publicKey.export({ type: 'spki', format: 'der' }));
}

function serveTcp(zone: LabZone, socket: net.Socket): void {
  let buffer = Buffer.alloc(0);
  let answered = 0;
  socket.setTimeout(LAB_DNS_TCP_LIMITS.idleMs, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    // Each message is preceded by its two-byte length (RFC 1035 §4.2.2); a query longer than the limit ends the session.
    while (buffer.length >= 2) {
      const length = buffer.readUInt16BE(0);
      if (length > LAB_DNS_LIMITS.maxQueryBytes) return void socket.destroy();
      if (buffer.length < 2 + length) return;
      const query = buffer.subarray(2, 2 + length);
      buffer = buffer.subarray(2 + length);
      const answer = answerLabQuery(zone, query, 'tcp');
      if (answer) {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(answer.length);
        socket.write(Buffer.concat([len, answer]));
      }
      if (++answered >= LAB_DNS_TCP_LIMITS.maxQueriesPerConnection) return void socket.end();
    }
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function bindUdp(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/**
 * Serve `zone` on `host` (loopback), UDP and TCP on the same port: `port`, or a free one when 0.
 *
 * @example const dns = await startLabDnsServer(zone, '127.0.0.1', 0); // dig @127.0.0.1 -p ${dns.port} +dnssec secure.lab.mitmguard.test
 */
export async function startLabDnsServer(zone: LabZone, host: string, port = 0): Promise<LabDnsServer> {
  const open = new Set<net.Socket>();
  // An ephemeral TCP port may be taken for UDP; try a few.
  for (let attempt = 0; attempt < (port ? 1 : 10); attempt++) {
    const tcp = net.createServer({ pauseOnConnect: false }, (socket) => {
      if (open.size >= LAB_DNS_TCP_LIMITS.maxConnections) return void socket.destroy();
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      serveTcp(zone, socket);
    });
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      const answer = answerLabQuery(zone, msg, 'udp');
      if (answer) udp.send(answer, rinfo.port, rinfo.address);
    });
    try {
      const bound = await listenTcp(tcp, host, port);
      try {
        await bindUdp(udp, host, bound);
      } catch (err) {
        await new Promise<void>((r) => tcp.close(() => r()));
        throw err;
      }
      udp.on('error', () => {}); // a send to a vanished client is no reason to stop
      const stop = async () => {
        open.forEach((s) => s.destroy());
        await Promise.all([new Promise<void>((r) => tcp.close(() => r())), new Promise<void>((r) => udp.close(() => r()))]);
      };
      return { host, port: bound, zone, stop };
    } catch (err) {
      udp.close();
      const e = toMitmError(err, 'MG_ERR_IO');
      if (port || attempt === 9 || !/EADDRINUSE/.test(e.message)) throw new MitmError(e.code, `lab DNS: cannot listen on ${host}:${port}: ${e.message}`, { cause: err });
    }
  }
  throw new MitmError('MG_ERR_IO', 'lab DNS: no free port');
}

/** What the lab tells its users and its scan about the DNS server. */
export interface LabDnsInfo {
  host: string;
  port: number;
  /** The zone's trust anchor (DS, zone-file form) and the same for delv (`trust-anchors { … };`). */
  anchorText: string;
  bindAnchorText: string;
}

/**
 * Sign the lab zone for the running endpoints and serve it. TLSA records name the ports of the `dns-secure` and
 * `dns-dane-mismatch` endpoints; null when no endpoint of the lab serves a DNS name.
 *
 * @example const dns = await startLabDns(running, pki.credentials['dns-names'].certPem, '127.0.0.1', 0);
 */
export async function startLabDns(
  running: readonly { spec: { dnsName?: string }; port: number }[], dnsLeafPem: string, host: string, port: number,
): Promise<(LabDnsInfo & { stop(): Promise<void> }) | null> {
  if (!running.some((r) => r.spec.dnsName)) return null;
  const portOf = (name: string) => running.find((r) => r.spec.dnsName === name)?.port ?? 443;
  const zone = buildLabZone({
    address: host, securePort: portOf(LAB_DNS_NAMES.secure), danePort: portOf(LAB_DNS_NAMES.dane), secureSpki: leafSpki(dnsLeafPem), staleSpki: staleSpki(),
  });
  const server = await startLabDnsServer(zone, host, port);
  return { host, port: server.port, anchorText: zone.anchorText, bindAnchorText: zone.bindAnchorText, stop: server.stop };
}
