/**
 * Mutants of real-shaped inputs through every capture parser: bits flipped, bytes set to 0x00/0xff/0x80, cut short,
 * bytes inserted, length-like fields inflated. A parser either parses or refuses with a MitmError; the analyser never
 * throws on frame content at all (it counts and skips). Seeded, so a failure names a reproducible input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { isMitmError } from '../errors.js';
import { CaptureAnalyser } from './analyse.js';
import { LdapBindDecoder, PostgresPasswordDecoder, TelnetLoginDecoder } from './decode/binary-auth.js';
import { decodeDhcp, decodeDhcpv6 } from './decode/dhcp.js';
import { decodeNameMessage } from './decode/names.js';
import { PlaintextDecoder } from './decode/plaintext.js';
import { TlsHandshakeDecoder } from './decode/tls.js';
import { CaptureFileDecoder } from './file-format.js';
import { decodeLink } from './link.js';
import { decodeArp, decodeIpv4, decodeIpv6, decodeNd, decodeTcp } from './packet.js';
import { ACK, arp, cat, ether, ip6, ipv4, ipv6, mac, Pcapng, pcapFile, PSH, SYN, tcp, text, udp } from './testdata/build.js';
import { dhcpOffer } from './testdata/build.js';
import { RFC8448_CLIENT_HELLO, RFC8448_SERVER_HELLO } from '../tls/wire/testdata/rfc8448.js';
import { mutate as mutateWith, prng } from '../../test/fuzz/mutate.js';

/** The shared mutation engine of every robustness test and the fuzzer (test/fuzz/mutate.ts). */
const rng = prng;
const mutate = (seed: Uint8Array, r: () => number): Uint8Array => mutateWith(seed, r, seed);

const MUTANTS = 2500;
const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';

function assertRefusesCleanly(name: string, seeds: Uint8Array[], parse: (b: Uint8Array) => unknown, seed = 1): void {
  const r = rng(seed);
  for (let i = 0; i < MUTANTS; i++) {
    const input = mutate(seeds[i % seeds.length]!, r);
    try {
      parse(input);
    } catch (err) {
      if (!isMitmError(err)) assert.fail(`${name} mutant ${i} threw ${(err as Error).name}: ${(err as Error).message} on ${Buffer.from(input).toString('hex').slice(0, 400)}`);
    }
  }
}

const ra = Uint8Array.from([134, 0, 0, 0, 64, 0xc0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, ...mac(A), 25, 3, 0, 0, 0, 0, 0, 60, ...ip6('2001:db8::53'), 31, 2, 0, 0, 0, 0, 0, 60, 4, 0x63, 0x6f, 0x72, 0x70, 0, 0, 0]);
const dns = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'intranet.example' }], answers: [{ type: 'A', name: 'intranet.example', ttl: 60, data: '198.51.100.7' }, { type: 'CNAME', name: 'x.example', ttl: 60, data: 'intranet.example' }] });
const duid = [0, 3, 0, 1, ...mac(A)];
const dhcpv6 = Uint8Array.from([2, 0, 0, 1, 0, 2, 0, duid.length, ...duid, 0, 23, 0, 16, ...ip6('fe80::66'), 0, 3, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 24, ...ip6('2001:db8::66'), 0, 0, 0, 0, 0, 0, 0, 0]);
const frames = [
  ether(A, B, 0x0806, arp(2, A, '198.18.0.1', B, '198.18.0.10')),
  ether(A, B, 0x0800, ipv4('198.18.0.1', '198.18.0.255', 17, udp(67, 68, dhcpOffer('198.18.0.1', '198.18.0.1', '198.18.0.53')))),
  ether(A, B, 0x86dd, ipv6('fe80::1', 'ff02::1', 58, ra)),
  ether(A, B, 0x86dd, ipv6('fe80::1', 'fe80::2', 17, udp(547, 546, dhcpv6))),
  ether(A, B, 0x0800, ipv4('198.18.0.53', '198.18.0.10', 17, udp(53, 40000, dns)), [10]),
  ether(A, B, 0x0800, ipv4('198.18.0.10', '198.18.0.20', 6, tcp(50000, 443, 1, SYN))),
  ether(A, B, 0x0800, ipv4('198.18.0.10', '198.18.0.20', 6, tcp(50000, 443, 2, ACK | PSH, cat([22, 3, 1, RFC8448_CLIENT_HELLO.length >> 8, RFC8448_CLIENT_HELLO.length & 0xff], RFC8448_CLIENT_HELLO)))),
  ether(B, A, 0x0800, ipv4('198.18.0.20', '198.18.0.10', 6, tcp(443, 50000, 1, ACK | PSH, cat([22, 3, 3, RFC8448_SERVER_HELLO.length >> 8, RFC8448_SERVER_HELLO.length & 0xff], RFC8448_SERVER_HELLO)))),
  ether(A, B, 0x0800, ipv4('198.18.0.10', '198.18.0.21', 6, tcp(50001, 21, 1, ACK | PSH, text('USER a\r\nPASS b\r\nAUTH PLAIN AGEAYg==\r\n')))),
  ether(A, B, 0x0800, ipv4('198.18.0.10', '198.18.0.21', 17, udp(40000, 53, text('x')), { id: 5, offset: 0, more: true })),
];

describe('capture parsers under mutation', () => {
  it('capture files (pcap and pcapng) parse or fail with MitmError; the analyser never throws', () => {
    const seeds = [
      pcapFile(frames.map((data, i) => ({ data, us: 1e15 + i }))),
      pcapFile(frames.map((data, i) => ({ data, us: 1e15 + i })), { little: false, nano: true }),
      frames.reduce((ng, f, i) => ng.epb(0, BigInt(i), f, i === 0 ? 'c' : undefined), new Pcapng().shb('s').idb(1, 9)).isb(0, 1, 1).bytes(),
    ];
    const r = rng(7);
    for (let i = 0; i < MUTANTS; i++) {
      const input = mutate(seeds[i % seeds.length]!, r);
      const d = new CaptureFileDecoder();
      const a = new CaptureAnalyser({ salt: 's' });
      try {
        for (const f of d.push(input)) a.frame(f);
        d.end();
      } catch (err) {
        if (!isMitmError(err)) assert.fail(`file mutant ${i} threw ${(err as Error).name}: ${(err as Error).message}`);
      }
      a.finish();
    }
  });

  it('every frame mutant is analysed without an exception (counted skips only)', () => {
    const r = rng(11);
    const a = new CaptureAnalyser({ salt: 's' });
    for (let i = 0; i < MUTANTS * 4; i++) a.frame({ linkType: 1, timestampUs: 1e15 + i * 1000, data: mutate(frames[i % frames.length]!, r), originalLength: 0, interfaceId: 0, frameNumber: i + 1 });
    const s = a.finish().summary;
    assert.equal(s.frames, MUTANTS * 4);
    assert.ok(Object.keys(s.skipped).every((c) => c.startsWith('MG_ERR_')));
  });

  it('200 000 tiny flows keep the flow table at its limit (evicted and counted, not accumulated)', () => {
    const a = new CaptureAnalyser({ salt: 's', limits: { maxFlows: 1000 } });
    for (let i = 0; i < 200_000; i++) {
      const data = ether(A, B, 0x0800, ipv4(`198.18.${(i >> 16) & 255}.${(i >> 8) & 255}`, '198.18.255.1', 17, udp(1024 + (i & 255), 9999, text('x'))));
      a.frame({ linkType: 1, timestampUs: 1e15 + i, data, originalLength: data.length, interfaceId: 0, frameNumber: i + 1 });
    }
    const s = a.finish().summary;
    assert.equal(s.flows.udp, 200_000);
    assert.equal(s.flows.evicted, 199_000);
    assert.equal(s.hosts, Math.ceil(200_000 / 256) + 1);
  });

  const payload = (f: Uint8Array) => decodeIpv4(decodeLink(1, f).payload).payload;
  it('link, ARP, IPv4, IPv6, TCP and ND decoders', () => {
    assertRefusesCleanly('link', frames, (b) => decodeLink(1, b));
    assertRefusesCleanly('arp', [arp(1, A, '198.18.0.1', B, '198.18.0.2')], decodeArp);
    assertRefusesCleanly('ipv4', frames.slice(4, 9).map((f) => decodeLink(1, f).payload), decodeIpv4);
    assertRefusesCleanly('ipv6', frames.slice(2, 4).map((f) => decodeLink(1, f).payload), decodeIpv6);
    assertRefusesCleanly('tcp', frames.slice(5, 9).map(payload), decodeTcp);
    assertRefusesCleanly('nd', [ra], decodeNd);
  });

  it('DHCP, DHCPv6, DNS/LLMNR/NBT-NS decoders', () => {
    assertRefusesCleanly('dhcp', [dhcpOffer('198.18.0.1', '198.18.0.1', '198.18.0.53')], decodeDhcp);
    assertRefusesCleanly('dhcpv6', [dhcpv6], decodeDhcpv6);
    assertRefusesCleanly('dns', [dns], (b) => decodeNameMessage('dns', b));
    assertRefusesCleanly('nbns', [dns], (b) => decodeNameMessage('nbns', b));
  });

  it('TLS handshake and plain-text stream decoders never throw (they stop a direction instead)', () => {
    const r = rng(3);
    const ch = cat([22, 3, 1, RFC8448_CLIENT_HELLO.length >> 8, RFC8448_CLIENT_HELLO.length & 0xff], RFC8448_CLIENT_HELLO);
    const sh = cat([22, 3, 3, RFC8448_SERVER_HELLO.length >> 8, RFC8448_SERVER_HELLO.length & 0xff], RFC8448_SERVER_HELLO);
    const noop = { clientHello: () => {}, serverHello: () => {}, certificates: () => {}, error: () => {} };
    for (let i = 0; i < MUTANTS; i++) {
      const t = new TlsHandshakeDecoder(noop);
      t.push(0, mutate(ch, r), 1, 1);
      t.push(1, mutate(sh, r), 2, 2);
      const cb = { credential: () => {}, protocol: () => {} };
      new LdapBindDecoder('s', cb).client(mutate(Uint8Array.from([0x30, 0x27, 0x02, 0x01, 0x01, 0x60, 0x22, 0x02, 0x01, 0x03, 0x04, 0x14, ...Buffer.from('cn=admin,dc=example.'), 0x80, 0x07, ...Buffer.from('Secret1')]), r), 1, 1);
      const pg = new PostgresPasswordDecoder('s', cb);
      pg.client(mutate(Uint8Array.from([0, 0, 0, 23, 0, 3, 0, 0, ...Buffer.from('user\0app\0'), 0, 0x70, 0, 0, 0, 8, 0x61, 0x62, 0x63, 0]), r), 1, 1);
      pg.server(mutate(Uint8Array.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]), r));
      const tn = new TelnetLoginDecoder('s', cb);
      tn.server(mutate(Uint8Array.from([255, 253, 24, ...Buffer.from('login: ')]), r));
      tn.client(mutate(Uint8Array.from([255, 250, 24, 0, 65, 255, 240, ...Buffer.from('root\r\n')]), r), 1, 1);
      const p = new PlaintextDecoder('imap', 's', cb);
      p.client(mutate(text('a1 LOGIN "x" "y"\r\nAUTHENTICATE PLAIN\r\nAGEAYg==\r\nGET / HTTP/1.1\r\nAuthorization: Basic YTpi\r\nContent-Length: 99999\r\n\r\npassword=1'), r), 1, 1);
    }
  });
});
