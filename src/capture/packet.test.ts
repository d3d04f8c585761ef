import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { CAPTURE_LIMITS } from './limits.js';
import { decodeLink, ETHER_TYPE } from './link.js';
import { decodeArp, decodeIpv4, decodeIpv6, decodeNd, decodeTcp, decodeUdp, FragmentReassembler, ipv6At } from './packet.js';
import { arp, cat, ether, ip6, ipv4, ipv6, tcp, text, udp, mac } from './testdata/build.js';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';

describe('link layers', () => {
  it('reads Ethernet, 802.1Q and QinQ tags', () => {
    const inner = ipv4('198.18.0.1', '198.18.0.2', 17, udp(1, 2, text('hi')));
    const plain = decodeLink(1, ether(A, B, 0x0800, inner));
    assert.deepEqual([plain.srcMac, plain.dstMac, plain.vlans, plain.etherType], [A, B, [], ETHER_TYPE.IPV4]);
    const qinq = decodeLink(1, ether(A, B, 0x0800, inner, [100, 200]));
    assert.deepEqual(qinq.vlans, [100, 200]);
    assert.deepEqual(qinq.payload, inner);
  });

  it('reads Linux SLL and SLL2, raw IP and BSD loopback in either byte order', () => {
    const inner = ipv6('2001:db8::1', '2001:db8::2', 17, udp(1, 2, text('x')));
    const sll = cat([0, 0, 0, 1, 0, 6], mac(A), [0, 0], [0x86, 0xdd], inner);
    assert.deepEqual([decodeLink(113, sll).srcMac, decodeLink(113, sll).etherType], [A, ETHER_TYPE.IPV6]);
    const sll2 = cat([0x86, 0xdd, 0, 0], [0, 0, 0, 2], [0, 1], [0], [6], mac(A), [0, 0], inner);
    assert.deepEqual([decodeLink(276, sll2).srcMac, decodeLink(276, sll2).etherType], [A, ETHER_TYPE.IPV6]);
    assert.equal(decodeLink(101, inner).etherType, ETHER_TYPE.IPV6);
    assert.equal(decodeLink(0, cat([30, 0, 0, 0], inner)).etherType, ETHER_TYPE.IPV6);
    assert.equal(decodeLink(0, cat([0, 0, 0, 2], ipv4('198.18.0.1', '198.18.0.2', 17, udp(1, 2, text('x'))))).etherType, ETHER_TYPE.IPV4);
  });

  it('refuses unknown link types and short headers with codes', () => {
    assert.throws(() => decodeLink(147, new Uint8Array(20)), (e) => isMitmError(e, 'MG_ERR_UNSUPPORTED'));
    assert.throws(() => decodeLink(1, new Uint8Array(10)), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  });
});

describe('network and transport', () => {
  it('decodes ARP, and IPv4 cut at its total length (Ethernet padding dropped)', () => {
    assert.deepEqual(decodeArp(arp(2, A, '198.18.0.1', B, '198.18.0.2')), { operation: 2, senderMac: A, senderIp: '198.18.0.1', targetMac: B, targetIp: '198.18.0.2' });
    const p = decodeIpv4(cat(ipv4('198.18.0.1', '198.18.0.2', 17, udp(53, 9, text('abc'))), new Uint8Array(6)));
    assert.equal(decodeUdp(p.payload).payload.length, 3);
  });

  it('walks IPv6 extension headers to the upper layer', () => {
    const hopByHop = [17, 0, 1, 4, 0, 0, 0, 0];
    const p = decodeIpv6(ipv6('fe80::1', 'ff02::1:2', 0, udp(546, 547, text('x')), Uint8Array.from(hopByHop)));
    assert.equal(p.protocol, 17);
    assert.equal(decodeUdp(p.payload).dstPort, 547);
  });

  it('formats IPv6 addresses as RFC 5952 says', () => {
    assert.equal(ipv6At(Uint8Array.from(ip6('2001:db8:0:0:1:0:0:1')), 0), '2001:db8::1:0:0:1');
    assert.equal(ipv6At(Uint8Array.from(ip6('fe80::1')), 0), 'fe80::1');
    assert.equal(ipv6At(Uint8Array.from(ip6('2001:db8:1:1:1:1:1:1')), 0), '2001:db8:1:1:1:1:1:1');
  });

  it('reassembles IPv4 fragments in any order and refuses overlaps', () => {
    const body = udp(1, 53, text('0123456789abcdef0123456789abcdef'));
    const r = new FragmentReassembler();
    const f1 = decodeIpv4(ipv4('198.18.0.1', '198.18.0.2', 17, body.subarray(0, 16), { id: 7, offset: 0, more: true }));
    const f2 = decodeIpv4(ipv4('198.18.0.1', '198.18.0.2', 17, body.subarray(16), { id: 7, offset: 16 }));
    assert.equal(r.add(f2, 1), null);
    assert.deepEqual(r.add(f1, 2), body);
    assert.equal(r.pending, 0);
    const o1 = decodeIpv4(ipv4('198.18.0.1', '198.18.0.2', 17, body.subarray(0, 16), { id: 8, offset: 0, more: true }));
    const o2 = decodeIpv4(ipv4('198.18.0.1', '198.18.0.2', 17, body.subarray(8, 24), { id: 8, offset: 8, more: true }));
    r.add(o1, 3);
    assert.throws(() => r.add(o2, 4), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });

  it('drops unfinished datagrams after the fragment timeout (packet time) and bounds the table', () => {
    const r = new FragmentReassembler({ ...CAPTURE_LIMITS, maxFragmentSets: 2, maxFragmentsPerDatagram: 4, fragmentTimeoutUs: 1000 });
    for (let id = 0; id < 5; id++) r.add(decodeIpv4(ipv4('198.18.0.1', '198.18.0.2', 17, text('xxxxxxxx'), { id, offset: 0, more: true })), id);
    assert.equal(r.pending, 2);
    r.add(decodeIpv4(ipv4('198.18.0.1', '198.18.0.2', 17, text('xxxxxxxx'), { id: 99, offset: 0, more: true })), 10_000);
    assert.equal(r.pending, 1);
    assert.ok(r.expired >= 4);
  });

  it('decodes TCP headers', () => {
    const t = decodeTcp(tcp(40000, 443, 0xfffffff0, 0x18, text('hello'), 5));
    assert.deepEqual([t.srcPort, t.dstPort, t.seq, t.ack, t.flags, t.payload.length], [40000, 443, 0xfffffff0, 5, 0x18, 5]);
  });
});

describe('neighbor discovery', () => {
  it('reads a router advertisement with source MAC, prefix, RDNSS and DNSSL', () => {
    const lla = [1, 1, ...mac(A)];
    const prefix = [3, 4, 64, 0xc0, 0, 0, 0, 0xff, 0, 0, 0, 0xff, 0, 0, 0, 0, ...ip6('2001:db8:1::')];
    const rdnss = [25, 3, 0, 0, 0, 0, 0, 60, ...ip6('2001:db8::53')];
    const dnssl = [31, 2, 0, 0, 0, 0, 0, 60, 4, 0x63, 0x6f, 0x72, 0x70, 0, 0, 0];
    const ra = Uint8Array.from([134, 0, 0, 0, 64, 0xc0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, ...lla, ...prefix, ...rdnss, ...dnssl]);
    assert.deepEqual(decodeNd(ra), { type: 'router-advertisement', hopLimit: 64, managed: true, other: true, lifetime: 1800, sourceMac: A, prefixes: ['2001:db8:1::/64'], rdnss: ['2001:db8::53'], dnssl: ['corp'] });
  });

  it('reads neighbor advertisements with the target MAC and refuses zero-length options', () => {
    const na = Uint8Array.from([136, 0, 0, 0, 0x60, 0, 0, 0, ...ip6('2001:db8::7'), 2, 1, ...mac(B)]);
    assert.deepEqual(decodeNd(na), { type: 'neighbor-advertisement', target: '2001:db8::7', router: false, solicited: true, override: true, targetMac: B });
    const bad = Uint8Array.from([136, 0, 0, 0, 0x60, 0, 0, 0, ...ip6('2001:db8::7'), 2, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => decodeNd(bad), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });
});
