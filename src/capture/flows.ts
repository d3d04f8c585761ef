/**
 * The flow table and TCP stream reassembly. Flows are keyed by their 5-tuple, held in least-recently-seen order (a
 * Map re-inserted on every packet), closed by FIN/RST, idle timeout or eviction — all in packet time — so memory is
 * bounded by `maxFlows` whatever the capture holds. Each TCP direction is reassembled in sequence order with a bounded
 * out-of-order buffer; past `maxStreamBytesPerDirection` bytes are only counted, no longer handed to the decoders.
 */
import { CAPTURE_LIMITS, type CaptureLimits } from './limits.js';
import { TCP_FLAG, type TcpSegment } from './packet.js';

export interface Endpoint {
  ip: string;
  port: number;
}

/** 0: client to server, 1: server to client. */
export type Direction = 0 | 1;

/** What an application decoder receives of a flow: in-order bytes per direction, then the end. */
export interface StreamConsumer {
  data(direction: Direction, bytes: Uint8Array, timestampUs: number, frameNumber: number): void;
  /** A gap in a direction (segments lost or never captured): decoders that need contiguous bytes stop there. */
  gap(direction: Direction): void;
  end(): void;
}

export interface Flow {
  id: number;
  transport: 'tcp' | 'udp';
  client: Endpoint;
  server: Endpoint;
  firstUs: number;
  lastUs: number;
  firstFrame: number;
  packets: number;
  /** Payload bytes client→server and server→client. */
  bytes: [number, number];
  /** The application protocol once recognised (`tls`, `http`, `dns`, …), else null. */
  protocol: string | null;
  /** The flow's payload is protected (TLS, SSH, IPsec, WireGuard, QUIC, a STARTTLS upgrade). */
  encrypted: boolean;
  /** How the flow ended: fin, rst, idle, evicted, end-of-capture. */
  closedBy: string | null;
  /** TCP: gaps seen per direction. */
  gaps: number;
  consumer: StreamConsumer | null;
  /** @internal */
  streams: [TcpStream, TcpStream] | null;
  /** @internal FIN or RST seen. */
  closing: boolean;
  /** @internal When the flow last moved to the back of the table. */
  touchedUs: number;
}

/** Signed distance a - b in 32-bit sequence space (RFC 9293 §3.4). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

class TcpStream {
  next: number | null = null;
  delivered = 0;
  private ooo = new Map<number, Uint8Array>();
  private oooBytes = 0;

  constructor(
    private readonly flow: Flow,
    private readonly dir: Direction,
    private readonly limits: CaptureLimits,
  ) {}

  syn(seq: number): void {
    if (this.next === null) this.next = (seq + 1) >>> 0;
  }

  segment(seg: TcpSegment, ts: number, frame: number): void {
    let data = seg.payload;
    if (data.length === 0) return;
    let seq = seg.seq;
    if (this.next === null) this.next = seq;
    const d = seqDiff(seq, this.next);
    if (d < 0) {
      // Retransmission or overlap: keep only what is new.
      if (-d >= data.length) return;
      data = data.subarray(-d);
      seq = this.next;
    } else if (d > 0) {
      if (this.ooo.has(seq)) return;
      if (this.ooo.size >= this.limits.maxOutOfOrderSegments || this.oooBytes + data.length > this.limits.maxOutOfOrderBytes) {
        // The gap will not fill within our limits: skip to the earliest held segment.
        this.skipGap();
        if (seqDiff(seq, this.next!) !== 0) {
          this.store(seq, data);
          return;
        }
      } else {
        this.store(seq, data);
        return;
      }
    }
    this.deliver(data, ts, frame);
    this.drain(ts, frame);
  }

  private store(seq: number, data: Uint8Array): void {
    this.ooo.set(seq, data.slice());
    this.oooBytes += data.length;
  }

  private deliver(data: Uint8Array, ts: number, frame: number): void {
    this.next = (this.next! + data.length) >>> 0;
    const room = this.limits.maxStreamBytesPerDirection - this.delivered;
    this.delivered += data.length;
    if (room > 0 && this.flow.consumer) this.flow.consumer.data(this.dir, room >= data.length ? data : data.subarray(0, room), ts, frame);
  }

  private drain(ts: number, frame: number): void {
    while (this.ooo.size > 0) {
      let progressed = false;
      for (const [seq, data] of this.ooo) {
        const d = seqDiff(seq, this.next!);
        if (d > 0) continue;
        this.ooo.delete(seq);
        this.oooBytes -= data.length;
        if (-d < data.length) this.deliver(data.subarray(-d), ts, frame);
        progressed = true;
      }
      if (!progressed) return;
    }
  }

  /** Give up on the missing bytes: jump to the earliest held segment and tell the decoder. */
  skipGap(): void {
    if (this.ooo.size === 0) return;
    let earliest: number | null = null;
    for (const seq of this.ooo.keys()) if (earliest === null || seqDiff(seq, earliest) < 0) earliest = seq;
    this.flow.gaps++;
    this.flow.consumer?.gap(this.dir);
    this.next = earliest;
    this.drain(this.flow.lastUs, this.flow.firstFrame);
  }

  flush(): void {
    while (this.ooo.size > 0) {
      const before = this.ooo.size;
      this.skipGap();
      if (this.ooo.size === before) break;
    }
  }
}

export interface FlowTableEvents {
  /** A new flow: return the consumer that will read its bytes (or null). */
  open(flow: Flow): StreamConsumer | null;
  /** A flow left the table (closed, idle, evicted or the capture ended). */
  close(flow: Flow): void;
}

/** A flow is moved to the back of the table at most this often (packet time): the order is last-seen to within it. */
const TOUCH_INTERVAL_US = 1_000_000;

/** Ports below this are a server's; with no SYN seen, the lower well-known port is the server side. */
const WELL_KNOWN = 1024;

export class FlowTable {
  private readonly flows = new Map<string, Flow>();
  private nextId = 1;
  /** Flows evicted because the table was full. */
  evicted = 0;
  opened = 0;
  private lastSweepUs = 0;

  constructor(
    private readonly events: FlowTableEvents,
    private readonly limits: CaptureLimits = { ...CAPTURE_LIMITS },
  ) {}

  get size(): number {
    return this.flows.size;
  }

  /** The flow a packet belongs to, and its direction; opens it when new. */
  private lookup(transport: 'tcp' | 'udp', src: Endpoint, dst: Endpoint, ts: number, frame: number, srcIsClient: boolean | null): { flow: Flow; dir: Direction } {
    const fwd = `${transport}|${src.ip}|${src.port}|${dst.ip}|${dst.port}`;
    let flow = this.flows.get(fwd);
    let dir: Direction = 0;
    let key = fwd;
    if (flow) dir = flow.client.ip === src.ip && flow.client.port === src.port ? 0 : 1;
    else {
      const rev = `${transport}|${dst.ip}|${dst.port}|${src.ip}|${src.port}`;
      flow = this.flows.get(rev);
      if (flow) {
        key = rev;
        dir = flow.client.ip === src.ip && flow.client.port === src.port ? 0 : 1;
      }
    }
    if (!flow) {
      const clientIsSrc = srcIsClient ?? (!(src.port < WELL_KNOWN && dst.port >= WELL_KNOWN) && !(src.port < dst.port && dst.port >= WELL_KNOWN));
      const client = clientIsSrc ? src : dst;
      const server = clientIsSrc ? dst : src;
      key = `${transport}|${client.ip}|${client.port}|${server.ip}|${server.port}`;
      if (this.flows.size >= this.limits.maxFlows) {
        const oldest = this.flows.values().next().value as Flow;
        this.evicted++;
        this.close(oldest, 'evicted');
      }
      flow = {
        id: this.nextId++, transport, client, server, firstUs: ts, lastUs: ts, firstFrame: frame, packets: 0, bytes: [0, 0],
        protocol: null, encrypted: false, closedBy: null, gaps: 0, consumer: null, streams: null, closing: false, touchedUs: ts,
      };
      if (transport === 'tcp') flow.streams = [new TcpStream(flow, 0, this.limits), new TcpStream(flow, 1, this.limits)];
      this.opened++;
      this.flows.set(key, flow);
      flow.consumer = this.events.open(flow);
      dir = clientIsSrc ? 0 : 1;
    } else if (ts - flow.touchedUs > TOUCH_INTERVAL_US) {
      // Least recently seen order (to within TOUCH_INTERVAL_US): move to the back.
      flow.touchedUs = ts;
      this.flows.delete(key);
      this.flows.set(key, flow);
    }
    flow.lastUs = Math.max(flow.lastUs, ts);
    flow.packets++;
    return { flow, dir };
  }

  tcp(src: string, dst: string, seg: TcpSegment, ts: number, frame: number): Flow {
    this.sweep(ts);
    const syn = (seg.flags & TCP_FLAG.SYN) !== 0;
    const ack = (seg.flags & TCP_FLAG.ACK) !== 0;
    const { flow, dir } = this.lookup('tcp', { ip: src, port: seg.srcPort }, { ip: dst, port: seg.dstPort }, ts, frame, syn ? !ack : null);
    const stream = flow.streams![dir];
    if (syn) stream.syn(seg.seq);
    flow.bytes[dir] += seg.payload.length;
    stream.segment(seg, ts, frame);
    if (seg.flags & (TCP_FLAG.FIN | TCP_FLAG.RST)) {
      flow.closing = true;
      flow.closedBy = seg.flags & TCP_FLAG.RST ? 'rst' : 'fin';
    }
    return flow;
  }

  udp(src: Endpoint, dst: Endpoint, payload: Uint8Array, ts: number, frame: number): { flow: Flow; dir: Direction } {
    this.sweep(ts);
    const r = this.lookup('udp', src, dst, ts, frame, null);
    r.flow.bytes[r.dir] += payload.length;
    return r;
  }

  /** Close flows whose timeout passed, oldest first; stops at the first live one (the table is in last-seen order). */
  sweep(nowUs: number): void {
    if (nowUs - this.lastSweepUs < 1_000_000 && nowUs >= this.lastSweepUs) return;
    this.lastSweepUs = nowUs;
    for (const flow of this.flows.values()) {
      const idle = nowUs - flow.lastUs;
      const timeout = flow.transport === 'udp' ? this.limits.udpIdleTimeoutUs : flow.closing ? this.limits.tcpClosedTimeoutUs : this.limits.tcpIdleTimeoutUs;
      if (idle > timeout) this.close(flow, flow.closing ? flow.closedBy! : 'idle');
      else if (idle + TOUCH_INTERVAL_US <= this.limits.tcpClosedTimeoutUs) break;
    }
  }

  /** The capture ended: close every flow still open. */
  finish(): void {
    for (const flow of [...this.flows.values()]) this.close(flow, flow.closing ? flow.closedBy! : 'end-of-capture');
  }

  private close(flow: Flow, how: string): void {
    this.flows.delete(`${flow.transport}|${flow.client.ip}|${flow.client.port}|${flow.server.ip}|${flow.server.port}`);
    flow.closedBy = how;
    if (flow.streams) for (const s of flow.streams) s.flush();
    flow.consumer?.end();
    this.events.close(flow);
    flow.consumer = null;
    flow.streams = null;
  }
}
