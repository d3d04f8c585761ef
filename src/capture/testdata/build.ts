/**
 * Builders for test frames and capture files, written from the specifications (pcap-savefile(5), the pcapng draft,
 * RFC 791/768/793/826/2131/8200/4861): tests describe packets in a line each instead of hex dumps.
 */
export type Bytes = Uint8Array;

export const cat = (...parts: Array<Bytes | number[]>): Bytes => {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
export const mac = (m: string) => m.split(':').map((x) => parseInt(x, 16));
export const ip4 = (a: string) => a.split('.').map(Number);
export function ip6(a: string): number[] {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, null];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail ? tail.split(':').filter(Boolean) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}
export const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

export function ether(src: string, dst: string, type: number, payload: Bytes, vlans: number[] = []): Bytes {
  return cat(mac(dst), mac(src), ...vlans.map((v, i) => [...u16(i === 0 && vlans.length > 1 ? 0x88a8 : 0x8100), ...u16(v)]), u16(type), payload);
}

export function arp(op: number, senderMac: string, senderIp: string, targetMac: string, targetIp: string): Bytes {
  return cat(u16(1), u16(0x0800), [6, 4], u16(op), mac(senderMac), ip4(senderIp), mac(targetMac), ip4(targetIp));
}

export function ipv4(src: string, dst: string, proto: number, payload: Bytes, o: { id?: number; offset?: number; more?: boolean; ttl?: number } = {}): Bytes {
  const flags = ((o.more ? 0x2000 : 0) | ((o.offset ?? 0) / 8)) & 0xffff;
  return cat([0x45, 0], u16(20 + payload.length), u16(o.id ?? 1), u16(flags), [o.ttl ?? 64, proto], [0, 0], ip4(src), ip4(dst), payload);
}

export function ipv6(src: string, dst: string, next: number, payload: Bytes, ext: Bytes = new Uint8Array(0)): Bytes {
  return cat([0x60, 0, 0, 0], u16(ext.length + payload.length), [next, 255], ip6(src), ip6(dst), ext, payload);
}

export function udp(sport: number, dport: number, payload: Bytes): Bytes {
  return cat(u16(sport), u16(dport), u16(8 + payload.length), [0, 0], payload);
}

export const SYN = 0x02, ACK = 0x10, FIN = 0x01, PSH = 0x08, RST = 0x04;
export function tcp(sport: number, dport: number, seq: number, flags: number, payload: Bytes = new Uint8Array(0), ack = 0): Bytes {
  return cat(u16(sport), u16(dport), u32(seq), u32(ack), [0x50, flags], u16(65535), [0, 0, 0, 0], payload);
}

export interface TestFrame {
  data: Bytes;
  us: number;
}

export function pcapFile(frames: TestFrame[], o: { little?: boolean; nano?: boolean; linkType?: number } = {}): Bytes {
  const little = o.little ?? true;
  const w32 = (v: number) => (little ? u32(v).reverse() : u32(v));
  const w16 = (v: number) => (little ? u16(v).reverse() : u16(v));
  const header = cat(w32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4), w16(2), w16(4), w32(0), w32(0), w32(262144), w32(o.linkType ?? 1));
  const recs = frames.map((f) => {
    const sec = Math.floor(f.us / 1e6);
    const frac = o.nano ? (f.us % 1e6) * 1000 : f.us % 1e6;
    return cat(w32(sec), w32(frac), w32(f.data.length), w32(f.data.length), f.data);
  });
  return cat(header, ...recs);
}

/** pcapng blocks (draft-ietf-opsawg-pcapng §3.1, §4). */
export class Pcapng {
  private blocks: Bytes[] = [];
  constructor(private readonly little = true) {}
  private w32 = (v: number) => (this.little ? u32(v).reverse() : u32(v));
  private w16 = (v: number) => (this.little ? u16(v).reverse() : u16(v));
  private pad = (b: Bytes | number[]) => cat(b, new Array((4 - (b.length % 4)) % 4).fill(0));
  option(code: number, value: Bytes | number[]): Bytes {
    return cat(this.w16(code), this.w16(value.length), this.pad(value));
  }
  private block(type: number, body: Bytes): this {
    const total = 12 + body.length;
    this.blocks.push(cat(this.w32(type), this.w32(total), body, this.w32(total)));
    return this;
  }
  shb(comment?: string): this {
    const opts = comment ? cat(this.option(1, text(comment)), this.option(0, [])) : new Uint8Array(0);
    return this.block(0x0a0d0d0a, cat(this.w32(0x1a2b3c4d), this.w16(1), this.w16(0), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], opts));
  }
  idb(linkType: number, tsresol?: number): this {
    const opts = tsresol !== undefined ? cat(this.option(9, [tsresol]), this.option(0, [])) : new Uint8Array(0);
    return this.block(1, cat(this.w16(linkType), this.w16(0), this.w32(0), opts));
  }
  epb(iface: number, ticks: bigint, data: Bytes, comment?: string): this {
    const opts = comment ? cat(this.option(1, text(comment)), this.option(0, [])) : new Uint8Array(0);
    return this.block(6, cat(this.w32(iface), this.w32(Number(ticks >> 32n)), this.w32(Number(ticks & 0xffffffffn)), this.w32(data.length), this.w32(data.length), this.pad(data), opts));
  }
  spb(data: Bytes): this {
    return this.block(3, cat(this.w32(data.length), this.pad(data)));
  }
  isb(iface: number, recv: number, drop: number): this {
    const v64 = (n: number) => (this.little ? [...u32(n).reverse(), 0, 0, 0, 0] : [0, 0, 0, 0, ...u32(n)]);
    return this.block(5, cat(this.w32(iface), this.w32(0), this.w32(0), this.option(4, v64(recv)), this.option(5, v64(drop)), this.option(0, [])));
  }
  raw(type: number, body: Bytes): this {
    return this.block(type, body);
  }
  bytes(): Bytes {
    return cat(...this.blocks);
  }
}

/** A DHCPOFFER (RFC 2131 §2, options RFC 2132): server id, router and DNS server options. */
export function dhcpOffer(server: string, router: string, dns: string, yiaddr = '198.18.0.50'): Uint8Array {
  const fixed = new Uint8Array(236);
  fixed.set([2, 1, 6, 0, 0xde, 0xad, 0xbe, 0xef]);
  fixed.set(ip4(yiaddr), 16);
  fixed.set(mac('02:00:00:00:00:99'), 28);
  const opts = [99, 130, 83, 99, 53, 1, 2, 54, 4, ...ip4(server), 3, 4, ...ip4(router), 6, 4, ...ip4(dns), 0, 255];
  return Uint8Array.from([...fixed, ...opts]);
}
