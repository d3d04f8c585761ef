import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { CaptureAnalyser } from './analyse.js';
import { parseBaseline } from './baseline.js';
import { CaptureFileDecoder } from './file-format.js';
import { ACK, arp, cat, ether, ip6, ipv4, ipv6, mac, pcapFile, PSH, SYN, tcp, text, udp, type TestFrame } from './testdata/build.js';
import { dhcpOffer } from './testdata/build.js';
import { RFC8448_CLIENT_HELLO, RFC8448_SERVER_HELLO } from '../tls/wire/testdata/rfc8448.js';
import { ja3, ja4, ja4s } from '../tls/wire/fingerprint.js';
import { parseClientHello } from '../tls/wire/client-hello-parse.js';
import { parseServerHello } from '../tls/wire/server-hello.js';

const GW = '02:00:00:00:00:01';
const VICTIM = '02:00:00:00:00:0a';
const EVIL = '02:00:00:00:00:66';
const BCAST = 'ff:ff:ff:ff:ff:ff';
const T0 = 1_764_800_000_000_000;

function analyse(frames: Uint8Array[], baselineYaml?: string, step = 100_000) {
  const file = pcapFile(frames.map((data, i): TestFrame => ({ data, us: T0 + i * step })));
  const a = new CaptureAnalyser({ salt: 'x', ...(baselineYaml ? { baseline: parseBaseline(baselineYaml) } : {}) });
  const d = new CaptureFileDecoder();
  for (const f of d.push(file)) a.frame(f);
  d.end();
  return a.finish();
}
const ids = (r: ReturnType<typeof analyse>) => [...new Set(r.findings.map((f) => f.id))].sort();
const arpFrame = (eth: string, op: number, sm: string, sip: string, tm: string, tip: string) => ether(eth, op === 1 ? BCAST : tm, 0x0806, arp(op, sm, sip, tm, tip));

describe('ARP poisoning through the whole pipeline', () => {
  it('a gateway that moves to the attacker\'s MAC, with unsolicited replies, is found; the clean exchange is not', () => {
    const clean = [
      arpFrame(VICTIM, 1, VICTIM, '198.18.0.10', '00:00:00:00:00:00', '198.18.0.1'),
      arpFrame(GW, 2, GW, '198.18.0.1', VICTIM, '198.18.0.10'),
    ];
    assert.deepEqual(analyse(clean).findings, []);
    const poisoned = [...clean, ...Array.from({ length: 6 }, () => arpFrame(EVIL, 2, EVIL, '198.18.0.1', VICTIM, '198.18.0.10'))];
    const r = analyse(poisoned);
    assert.deepEqual(ids(r), ['capture.arp.mac-changed', 'capture.arp.unsolicited-replies']);
    const changed = r.findings.find((f) => f.id === 'capture.arp.mac-changed')!;
    assert.equal(changed.target, '198.18.0.1');
    assert.match(changed.evidence, /was at 02:00:00:00:00:01 \(frame 2\), now at 02:00:00:00:00:66/);
    const withBaseline = analyse(poisoned, `gateways: [{ ip: 198.18.0.1, mac: "${GW}" }]`);
    assert.ok(withBaseline.findings.some((f) => f.id === 'capture.arp.gateway-claimed' && f.severity === 'critical'));
  });

  it('flags an ARP sender that is not the Ethernet source, and a MAC claiming many addresses', () => {
    const r = analyse([
      arpFrame(EVIL, 2, GW, '198.18.0.1', VICTIM, '198.18.0.10'),
      ...[2, 3, 4, 5, 6].map((n) => arpFrame(EVIL, 1, EVIL, `198.18.0.${n}`, '00:00:00:00:00:00', '198.18.0.99')),
    ]);
    assert.deepEqual(ids(r), ['capture.arp.mac-claims-many-ips', 'capture.arp.sender-mismatch']);
  });

  it('leaves VRRP virtual MACs alone when they move', () => {
    const vrrp = '00:00:5e:00:01:01';
    const r = analyse([arpFrame(GW, 2, GW, '198.18.0.1', VICTIM, '198.18.0.10'), arpFrame(vrrp, 2, vrrp, '198.18.0.1', VICTIM, '198.18.0.10')]);
    assert.equal(r.findings.filter((f) => f.id === 'capture.arp.mac-changed').length, 0);
  });
});

describe('DHCP, IPv6 and name poisoning', () => {
  const offer = (src: string, srcMac: string, router: string) => ether(srcMac, BCAST, 0x0800, ipv4(src, '255.255.255.255', 17, udp(67, 68, dhcpOffer(src, router, src))));

  it('a second DHCP server is reported; one outside the baseline is rogue', () => {
    assert.deepEqual(ids(analyse([offer('198.18.0.1', GW, '198.18.0.1')])), []);
    assert.deepEqual(ids(analyse([offer('198.18.0.1', GW, '198.18.0.1'), offer('198.18.0.66', EVIL, '198.18.0.66')])), ['capture.dhcp.multiple-servers']);
    const r = analyse([offer('198.18.0.66', EVIL, '198.18.0.66')], 'dhcpServers: [198.18.0.1]\ngateways: [{ ip: 198.18.0.1, mac: "02:00:00:00:00:01" }]');
    assert.deepEqual(ids(r), ['capture.dhcp.options-changed', 'capture.dhcp.rogue-server']);
  });

  it('a DHCPv6 ADVERTISE naming a DNS server, with no DHCPv6 server in the baseline, is the mitm6 pattern', () => {
    const duid = [0, 3, 0, 1, ...mac(EVIL)];
    const adv = Uint8Array.from([2, 0, 0, 1, 0, 2, 0, duid.length, ...duid, 0, 23, 0, 16, ...ip6('fe80::66')]);
    const r = analyse([ether(EVIL, VICTIM, 0x86dd, ipv6('fe80::66', 'fe80::a', 17, udp(547, 546, adv)))]);
    assert.deepEqual(ids(r), ['capture.ipv6.dhcpv6-rogue-server']);
    assert.equal(r.findings[0]!.severity, 'critical');
  });

  it('a router advertisement from a router outside the baseline, with its RDNSS, is rogue', () => {
    const ra = Uint8Array.from([134, 0, 0, 0, 64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, ...mac(EVIL), 25, 3, 0, 0, 0, 0, 0, 60, ...ip6('2001:db8::66')]);
    const r = analyse([ether(EVIL, '33:33:00:00:00:01', 0x86dd, ipv6('fe80::66', 'ff02::1', 58, ra))], 'routers: ["fe80::1"]\ndnsServers: ["2001:db8::53"]');
    assert.deepEqual(ids(r), ['capture.ipv6.rdnss-injected', 'capture.ipv6.rogue-router']);
  });

  it('one host answering LLMNR for three names is a poisoner (Responder)', () => {
    const answer = (name: string) => ether(EVIL, VICTIM, 0x0800, ipv4('198.18.0.66', '198.18.0.10', 17, udp(5355, 50000, dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name }], answers: [{ type: 'A', name, ttl: 30, data: '198.18.0.66' }] }))));
    assert.deepEqual(ids(analyse([answer('wpad')])), []);
    const r = analyse([answer('wpad'), answer('fileserver'), answer('printer')]);
    assert.deepEqual(ids(r), ['capture.names.poisoner']);
  });
});

describe('DNS spoofing', () => {
  const q = dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'intranet.example' }] });
  const ans = (addr: string) => dnsPacket.encode({ type: 'response', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'intranet.example' }], answers: [{ type: 'A', name: 'intranet.example', ttl: 60, data: addr }] });
  const query = ether(VICTIM, GW, 0x0800, ipv4('198.18.0.10', '198.18.0.53', 17, udp(40000, 53, q)));
  const reply = (from: string, addr: string) => ether(GW, VICTIM, 0x0800, ipv4(from, '198.18.0.10', 17, udp(53, 40000, ans(addr))));

  it('two different answers to one query race; the same answer twice does not', () => {
    assert.deepEqual(ids(analyse([query, reply('198.18.0.53', '198.51.100.7'), reply('198.18.0.53', '198.51.100.7')])), []);
    assert.deepEqual(ids(analyse([query, reply('198.18.0.53', '198.51.100.66'), reply('198.18.0.53', '198.51.100.7')])), ['capture.dns.racing-answers']);
  });

  it('reads DNS over TCP (two-byte length framing, split across segments) like DNS over UDP', () => {
    const C = '198.18.0.10';
    const S = '198.18.0.53';
    const framed = (m: Uint8Array) => cat([m.length >> 8, m.length & 0xff], m);
    const qm = framed(q);
    const am = framed(ans('198.51.100.66'));
    const seg = (src: string, dst: string, sp: number, dp: number, seq: number, flags: number, data?: Uint8Array) => ether(VICTIM, GW, 0x0800, ipv4(src, dst, 6, tcp(sp, dp, seq, flags, data)));
    const r = analyse([
      seg(C, S, 50000, 53, 1, SYN),
      seg(S, C, 53, 50000, 100, SYN | ACK),
      seg(C, S, 50000, 53, 2, ACK | PSH, qm),
      seg(S, C, 53, 50000, 101, ACK | PSH, am.subarray(0, 7)),
      seg(S, C, 53, 50000, 108, ACK | PSH, am.subarray(7)),
    ], 'dnsAnswers: { intranet.example: [198.51.100.7] }');
    assert.deepEqual(r.summary.dns.map((d) => [d.name, d.answers, d.server]), [['intranet.example', ['198.51.100.66'], S]]);
    assert.deepEqual(ids(r), ['capture.dns.answer-mismatch']);
    assert.equal(r.summary.protocols.dns?.encrypted, false);
  });

  it('an answer from an address that was not asked, and one outside the baseline pins', () => {
    assert.deepEqual(ids(analyse([query, reply('198.18.0.66', '198.51.100.7')])), ['capture.dns.unexpected-source']);
    const r = analyse([query, reply('198.18.0.53', '198.51.100.66')], 'dnsServers: [198.18.0.53]\ndnsAnswers: { intranet.example: [198.51.100.7] }');
    assert.deepEqual(ids(r), ['capture.dns.answer-mismatch']);
    assert.equal(r.summary.dns[0]!.answers[0], '198.51.100.66');
  });
});

describe('TLS and plain text', () => {
  const C = '198.18.0.10';
  const S = '198.18.0.20';
  const seg = (src: string, dst: string, sp: number, dp: number, seq: number, flags: number, data?: Uint8Array) => ether(VICTIM, GW, 0x0800, ipv4(src, dst, 6, tcp(sp, dp, seq, flags, data)));
  const record = (type: number, body: Uint8Array) => cat([type, 3, 3, body.length >> 8, body.length & 0xff], body);

  it('reads the ClientHello and ServerHello of a TLS 1.3 handshake split over segments, and counts the flow as encrypted', () => {
    const ch = record(22, RFC8448_CLIENT_HELLO);
    const sh = record(22, RFC8448_SERVER_HELLO);
    const r = analyse([
      seg(C, S, 50000, 443, 100, SYN),
      seg(S, C, 443, 50000, 900, SYN | ACK),
      seg(C, S, 50000, 443, 101, ACK | PSH, ch.subarray(0, 50)),
      seg(C, S, 50000, 443, 151, ACK | PSH, ch.subarray(50)),
      seg(S, C, 443, 50000, 901, ACK | PSH, sh),
    ]);
    assert.equal(r.summary.tls.length, 1);
    const t = r.summary.tls[0]!;
    assert.deepEqual([t.sni, t.version, t.cipherSuite], ['server', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256']);
    // The fingerprints are those of src/tls/wire/fingerprint.ts (tested there against FoxIO's published examples) for
    // the same hellos, however the bytes were split over segments.
    assert.equal(t.ja3, ja3(parseClientHello(RFC8448_CLIENT_HELLO)).hash);
    assert.equal(t.ja4, ja4(parseClientHello(RFC8448_CLIENT_HELLO)).ja4);
    assert.equal(t.ja4s, ja4s(parseServerHello(RFC8448_SERVER_HELLO.subarray(4))).ja4);
    assert.match(t.ja4!, /^t13d\d{4}00_[0-9a-f]{12}_[0-9a-f]{12}$/);
    assert.equal(r.summary.encryption.flows.encrypted, 1);
    assert.deepEqual(r.findings, []);
  });

  it('finds FTP credentials, redacted, and reports FTP as a plain-text protocol', () => {
    const r = analyse([
      seg(C, S, 50001, 21, 1, SYN),
      seg(S, C, 21, 50001, 500, SYN | ACK),
      seg(S, C, 21, 50001, 501, ACK | PSH, text('220 vsFTPd ready\r\n')),
      seg(C, S, 50001, 21, 2, ACK | PSH, text('USER ops\r\n')),
      seg(C, S, 50001, 21, 12, ACK | PSH, text('PASS Winter2026!\r\n')),
    ]);
    assert.deepEqual(ids(r), ['capture.plaintext.credentials', 'capture.plaintext.protocol']);
    const cred = r.findings.find((f) => f.id === 'capture.plaintext.credentials')!;
    assert.match(cred.evidence, /ftp password from 198\.18\.0\.10 to 198\.18\.0\.20:21, user "ops" \(redacted, 11 bytes, salted sha256 [0-9a-f]{12}…\)/);
    assert.ok(!JSON.stringify(r).includes('Winter2026'));
    assert.equal(r.summary.encryption.encryptedFlowShare, 0);
  });

  it('counts a malformed frame under its code and goes on', () => {
    const r = analyse([ether(VICTIM, GW, 0x0800, Uint8Array.from([0x45, 0, 0, 99, 0, 0])), arpFrame(GW, 2, GW, '198.18.0.1', VICTIM, '198.18.0.10')]);
    assert.deepEqual(r.summary.skipped, { MG_ERR_TRUNCATED: 1 });
    assert.equal(r.summary.packets.arp, 1);
  });

  it('hands 802.11 and radiotap frames on untouched', () => {
    const handed: number[] = [];
    const a = new CaptureAnalyser({ salt: 'x', onLinkFrame: (f) => handed.push(f.linkType) });
    for (const lt of [127, 105, 1]) a.frame({ linkType: lt, timestampUs: T0, data: new Uint8Array(40), originalLength: 40, interfaceId: 0, frameNumber: 1 });
    assert.deepEqual(handed, [127, 105]);
    assert.equal(a.finish().summary.handedOn, 2);
  });
});
