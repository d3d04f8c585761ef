/**
 * The DNS client: one question to one server over UDP, falling back to TCP on truncation (RFC 7766 §5), with a fresh
 * socket per query (an OS-chosen random source port, RFC 5452 §9.2), a CSPRNG id, 0x20 case randomisation, timeouts
 * and retries. Anything that arrives and is not the answer we expect is recorded as an anomaly rather than accepted:
 * a datagram from another address, a wrong id, a question with different case, or a second, different answer racing
 * the first — the signatures of an off-path spoofing attempt.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import { DNS_DEFAULTS, DNS_LIMITS } from './limits.js';
import { decodeMessage, type DnsMessage } from './message.js';
import { encodeQuery, randomizeCase, randomQueryId, type QueryFlags } from './query.js';
import { toHex } from '../bytes.js';

export interface ServerAddress {
  host: string;
  port: number;
}

export type AnomalyKind = 'wrong-source' | 'wrong-id' | 'wrong-case' | 'wrong-question' | 'malformed' | 'racing-answer';

export interface QueryAnomaly {
  kind: AnomalyKind;
  detail: string;
}

export interface QueryOptions extends Partial<QueryFlags> {
  timeoutMs?: number;
  retries?: number;
  /** 'udp' falls back to TCP when the answer is truncated; 'tcp' uses TCP only. */
  transport?: 'udp' | 'tcp';
  /** Randomise the question's letter case and require the answer to echo it (default true). */
  randomizeCase?: boolean;
  /** After the first acceptable UDP answer, keep listening this long for a different one racing it (default 0). */
  raceWindowMs?: number;
}

export interface QueryResult {
  message: DnsMessage;
  transport: 'udp' | 'tcp';
  server: string;
  anomalies: QueryAnomaly[];
}

const DEFAULTS = {
  timeoutMs: DNS_DEFAULTS.timeoutMs,
  retries: DNS_DEFAULTS.retries,
  transport: 'udp' as 'udp' | 'tcp',
  randomizeCase: true,
  raceWindowMs: 0,
  dnssecOk: true,
  checkingDisabled: true,
  recursionDesired: true,
};

export function formatServer(s: ServerAddress): string {
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** Parse `ip`, `ip:port`, `[v6]:port`; the port defaults to 53. */
export function parseServer(text: string, defaultPort = 53): ServerAddress {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? (/^([^:]+)(?::(\d+))?$/.exec(text) as RegExpExecArray | null);
  const host = m ? m[1]! : text;
  const port = m?.[2] ? Number(m[2]) : defaultPort;
  if (net.isIP(host) === 0 || !(port > 0 && port < 65536)) {
    throw new MitmError('MG_ERR_USAGE', `${JSON.stringify(text)} is not an IP address with an optional port`);
  }
  return { host, port };
}

/**
 * Ask one question of one server. Resolves with the first acceptable answer (plus anomalies seen), rejects with
 * MG_ERR_TIMEOUT when none arrives after all retries.
 *
 * @example
 * const { message } = await query({ host: '127.0.0.1', port: 5300 }, 'www.example.', 1);
 */
export async function query(server: ServerAddress, name: string, type: number, options: QueryOptions = {}): Promise<QueryResult> {
  const o = { ...DEFAULTS, ...options };
  const anomalies: QueryAnomaly[] = [];
  let lastError: MitmError | undefined;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    const qname = o.randomizeCase ? randomizeCase(name) : name;
    const id = randomQueryId();
    const packet = encodeQuery(id, { name: qname, type }, o);
    try {
      if (o.transport === 'udp') {
        const message = await udpExchange(server, packet, id, qname, type, o.timeoutMs, o.raceWindowMs, anomalies);
        if (!message.tc) return { message, transport: 'udp', server: formatServer(server), anomalies };
      }
      const message = await tcpExchange(server, packet, id, qname, type, o.timeoutMs, anomalies);
      return { message, transport: 'tcp', server: formatServer(server), anomalies };
    } catch (err) {
      lastError = toMitmError(err, 'MG_ERR_DNS');
      if (lastError.code !== 'MG_ERR_TIMEOUT' && lastError.code !== 'MG_ERR_DNS_PACKET') throw lastError;
    }
  }
  throw new MitmError(lastError?.code ?? 'MG_ERR_TIMEOUT', `no answer from ${formatServer(server)} for ${name} after ${o.retries + 1} attempts: ${lastError?.message ?? ''}`, {
    cause: lastError,
    details: { server: formatServer(server), anomalies },
  });
}

/** Why a decoded message is not the answer to our question, or null when it is. */
function mismatch(m: DnsMessage, id: number, qname: string, type: number): QueryAnomaly | null {
  if (!m.qr) return { kind: 'malformed', detail: 'a query arrived instead of a response' };
  if (m.id !== id) return { kind: 'wrong-id', detail: `response id ${m.id} does not match query id ${id}` };
  const q = m.questions[0];
  if (m.questions.length !== 1 || !q || q.type !== type) return { kind: 'wrong-question', detail: 'response question does not match the query' };
  const want = qname.endsWith('.') ? qname : qname + '.';
  if (q.name !== want) {
    return q.name.toLowerCase() === want.toLowerCase()
      ? { kind: 'wrong-case', detail: `response echoed ${q.name} for query ${want} (0x20 case mismatch)` }
      : { kind: 'wrong-question', detail: `response is for ${q.name}, not ${want}` };
  }
  return null;
}

function udpExchange(
  server: ServerAddress, packet: Uint8Array, id: number, qname: string, type: number, timeoutMs: number, raceWindowMs: number,
  anomalies: QueryAnomaly[],
): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    let accepted: { message: DnsMessage; raw: string } | null = null;
    let timer: NodeJS.Timeout;
    let settled = false;
    const before = anomalies.length;
    let unrecorded = 0;
    // A hostile sender can spray datagrams at our port for as long as we listen: keep the first few, count the rest.
    const note = (a: QueryAnomaly) => {
      if (anomalies.length - before < DNS_LIMITS.maxAnomaliesPerQuery) anomalies.push(a);
      else unrecorded++;
    };
    const finish = (err: MitmError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (unrecorded > 0) {
        const last = anomalies[anomalies.length - 1]!;
        anomalies[anomalies.length - 1] = { ...last, detail: `${last.detail} (and ${unrecorded} more anomalies, not recorded: limit ${DNS_LIMITS.maxAnomaliesPerQuery})` };
      }
      if (err) reject(err);
      else resolve(accepted!.message);
    };
    timer = setTimeout(() => finish(new MitmError('MG_ERR_TIMEOUT', `no UDP answer from ${formatServer(server)} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (e) => finish(toMitmError(e, 'MG_ERR_CONNECT')));
    socket.on('message', (buf, rinfo) => {
      // RFC 5452 §4.1: accept only from the address and port we sent to.
      if (rinfo.address !== server.host || rinfo.port !== server.port) {
        note({ kind: 'wrong-source', detail: `datagram from ${rinfo.address}:${rinfo.port}, expected ${formatServer(server)}` });
        return;
      }
      let m: DnsMessage;
      try {
        m = decodeMessage(buf);
      } catch (e) {
        note({ kind: 'malformed', detail: (e as Error).message });
        return;
      }
      const bad = mismatch(m, id, qname, type);
      if (bad) {
        note(bad);
        return;
      }
      const raw = toHex(normalizeForRace(buf));
      if (accepted) {
        if (raw !== accepted.raw) note({ kind: 'racing-answer', detail: 'a second, different answer arrived for the same query' });
        return;
      }
      accepted = { message: m, raw };
      if (raceWindowMs <= 0 || m.tc) finish(null);
      else {
        clearTimeout(timer);
        timer = setTimeout(() => finish(null), raceWindowMs);
      }
    });
    socket.bind(0, () => socket.send(packet, server.port, server.host));
  });
}

/** Compare racing answers on their sections only (the id and question are already known to match). */
function normalizeForRace(buf: Uint8Array): Uint8Array {
  return buf.subarray(4);
}

function tcpExchange(
  server: ServerAddress, packet: Uint8Array, id: number, qname: string, type: number, timeoutMs: number, anomalies: QueryAnomaly[],
): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => done(new MitmError('MG_ERR_TIMEOUT', `no TCP answer from ${formatServer(server)} within ${timeoutMs} ms`)), timeoutMs);
    let settled = false;
    const done = (err: MitmError | null, m?: DnsMessage) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(m!);
    };
    socket.on('error', (e) => done(toMitmError(e, 'MG_ERR_CONNECT')));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(packet.length);
      socket.write(Buffer.concat([len, packet]));
    });
    socket.on('data', (d) => {
      chunks.push(d);
      size += d.length;
      if (size > DNS_LIMITS.maxMessageBytes + 2) return done(new MitmError('MG_ERR_DNS_PACKET', 'TCP answer exceeds 65537 bytes'));
      const all = Buffer.concat(chunks);
      if (all.length < 2) return;
      const want = all.readUInt16BE(0);
      if (all.length < want + 2) return;
      try {
        const m = decodeMessage(all.subarray(2, 2 + want));
        const bad = mismatch(m, id, qname, type);
        if (bad) {
          anomalies.push(bad);
          return done(new MitmError('MG_ERR_DNS_PACKET', `TCP answer rejected: ${bad.detail}`));
        }
        done(null, m);
      } catch (e) {
        done(toMitmError(e, 'MG_ERR_DNS_PACKET'));
      }
    });
    socket.on('end', () => done(new MitmError('MG_ERR_CONNECTION_RESET', `${formatServer(server)} closed TCP before a full answer`)));
  });
}
