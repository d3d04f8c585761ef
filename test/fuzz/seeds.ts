/**
 * Seed inputs for every fuzz target, made from real peers and our own encoders: TLS flights recorded from node:tls
 * servers (ECDHE with a CertificateRequest, DHE, TLS 1.3, a HelloRetryRequest), the scripted hostile answers (HRR loop,
 * downgrade sentinel, lying ServerKeyExchange), certificates and a CRL from src/pki, a DNSSEC-heavy response, protocol
 * greetings from the specifications, and the files users write. `npm run fuzz:corpus` writes them to
 * test/fuzz/corpus/<target>/; the TLS 1.3 flight that must be decrypted is recorded afresh by each run (`liveSeeds`).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { createAuthority, issueLeaf } from '../../src/pki/index.js';
import { buildCrl } from '../../src/pki/crl.js';
import { encodeClientHello } from '../../src/tls/wire/client-hello.js';
import { keyShareFor } from '../../src/tls/wire/key-shares.js';
import { NAMED_GROUPS, SIGNATURE_SCHEMES } from '../../src/tls/wire/registry.js';
import { CIPHER_SUITES } from '../../src/tls/wire/suites.js';
import { dhParamsPem, startNodeTlsServer, type TestServer } from '../helpers/tls-servers.js';
import { DOWNGRD, record, serverHello } from '../helpers/hostile-tls-server.js';
import { HRR_RANDOM } from '../../src/tls/wire/server-hello.js';
import { SEED_FRAMES, SEED_PCAP } from '../../src/wifi/testdata/frames.js';
import { generateKeyPairSync as caKeyPair, sign as caSign } from 'node:crypto';
import { buildOcspResponse, encodeOcspRequest, parseOcspRequest } from '../../src/ca/ocsp.js';
import { chainRecord, type AuditRecord } from '../../src/ca/audit-log.js';
import { encodeName } from '../../src/ca/leaf-der.js';
import { encodeKeepalive, encodeNotification, encodeOpen, encodeRouteRefresh, encodeUpdate } from '../../src/bgp/message.js';
import { encodeBgp4mpMessage, encodeBgp4mpStateChange, encodePeerIndexTable, encodeRibRecord } from '../../src/bgp/mrt-writer.js';
import { parsePrefix } from '../../src/bgp/prefix.js';

/** The Wi-Fi and VPN seeds: the decoder's seed frames and the sample configurations the integration tests run. */
export function wifiVpnSeeds(): Record<string, Uint8Array[]> {
  const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
  const byLink = (lt: number) => SEED_FRAMES.filter(([l]) => l === lt).map(([, h]) => hex(h));
  const file = (dir: string, name: string) => Uint8Array.from(readFileSync(join(ROOT, dir, name)));
  const wifi = 'src/wifi/config/testdata';
  const vpn = 'src/vpn/testdata';
  return {
    'wifi-radiotap': byLink(127),
    'wifi-ppi': byLink(192),
    'wifi-80211': byLink(105),
    'capture-file': [hex(SEED_PCAP)],
    'wifi-config': ['bad-wpa_supplicant.conf', 'good-wpa_supplicant.conf', 'CorpEap-bad.nmconnection', 'bad-hostapd.conf'].map((f) => file(wifi, f)),
    'wifi-iwd': ['Campus.8021x', 'CorpNet.psk'].map((f) => file(wifi, f)),
    'wifi-baseline': [utf8('networks:\n  - ssid: CorpNet\n    bssids: ["02:00:00:00:10:01"]\n    security: wpa3-personal\nallow: { bssids: [], ssids: [Cafe] }\npolicy: { requireWpa3: true }\nthresholds: { deauthFrames: 20, windowSeconds: 10 }\n')],
    'vpn-config': ['good-client.ovpn', 'careless-server.conf', 'wg-full.conf', 'bad-swanctl.conf', 'bad-ipsec.conf'].map((f) => file(vpn, f)),
  };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Send one ClientHello and record what the server answers until it goes quiet or closes (bounded). */
export function recordFlight(server: TestServer, hello: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: server.host, port: server.port });
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      clearTimeout(limit);
      s.destroy();
      resolve(Uint8Array.from(Buffer.concat(chunks)));
    };
    const limit = setTimeout(done, 5000);
    s.once('connect', () => s.write(hello));
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(quiet);
      quiet = setTimeout(done, 300);
    });
    s.once('close', done);
    s.once('error', (e) => (chunks.length ? done() : reject(e)));
  });
}

/** Handshake message bodies by type, split from a recorded flight (our own recording: trusted). */
export function splitMessages(flight: Uint8Array): Map<number, Uint8Array> {
  let hs = Buffer.alloc(0);
  for (let off = 0; off + 5 <= flight.length; ) {
    const len = (flight[off + 3]! << 8) | flight[off + 4]!;
    if (flight[off] === 22) hs = Buffer.concat([hs, flight.subarray(off + 5, off + 5 + len)]);
    off += 5 + len;
  }
  const out = new Map<number, Uint8Array>();
  for (let off = 0; off + 4 <= hs.length; ) {
    const len = (hs[off + 1]! << 16) | (hs[off + 2]! << 8) | hs[off + 3]!;
    if (!out.has(hs[off]!)) out.set(hs[off]!, Uint8Array.from(hs.subarray(off + 4, off + 4 + len)));
    off += 4 + len;
  }
  return out;
}

const suiteCodes = (pred: (s: (typeof CIPHER_SUITES)[number]) => boolean) => CIPHER_SUITES.filter(pred).map((s) => s.code);
const groupCode = (name: string) => NAMED_GROUPS.find((g) => g.name === name)!.code;
const GROUPS = [groupCode('x25519'), groupCode('secp256r1'), groupCode('secp384r1')];
const SIGALGS = Object.values(SIGNATURE_SCHEMES);

const tls12Hello = (suites: number[]) =>
  encodeClientHello({
    version: 0x0303, cipherSuites: suites, serverName: 'localhost', groups: GROUPS, signatureAlgorithms: SIGALGS,
    ecPointFormats: true, renegotiationInfo: true, statusRequest: true, extendedMasterSecret: true, sessionTicket: true,
  });
export const tls13Hello = (shares: boolean) =>
  encodeClientHello({
    version: 0x0303, cipherSuites: suiteCodes((s) => s.tls13), supportedVersions: [0x0304], serverName: 'localhost',
    groups: GROUPS, signatureAlgorithms: SIGALGS, keyShares: shares ? [keyShareFor(groupCode('x25519'))!] : [], pskKeyExchangeModes: true,
    alpn: ['h2', 'http/1.1'], statusRequest: true,
  });

/** A TLS 1.3 flight this process can decrypt: the ClientHello (with this process's key share) and the answer. */
export async function liveTls13Seeds(): Promise<{ clientHello: Uint8Array; flights: Uint8Array[] }> {
  const server = await startNodeTlsServer({ minVersion: 'TLSv1.3' });
  try {
    const clientHello = tls13Hello(true);
    return { clientHello, flights: [await recordFlight(server, clientHello)] };
  } finally {
    await server.close();
  }
}

/** Every committed seed, by target name. */
export async function makeSeeds(): Promise<Record<string, Uint8Array[]>> {
  const rsa = await startNodeTlsServer({ key: { type: 'rsa', bits: 2048 }, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: false });
  const dh = await startNodeTlsServer({ key: { type: 'rsa', bits: 2048 }, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES128-GCM-SHA256', dhparam: await dhParamsPem(2048) });
  const v13 = await startNodeTlsServer({ minVersion: 'TLSv1.3' });
  const clientHellos = [tls12Hello(suiteCodes((s) => s.kx === 'ECDHE' && s.au === 'RSA')), tls12Hello(suiteCodes((s) => s.kx === 'DHE' && s.au === 'RSA')), tls13Hello(true), tls13Hello(false)];
  let flights: Uint8Array[];
  try {
    flights = await Promise.all([recordFlight(rsa, clientHellos[0]!), recordFlight(dh, clientHellos[1]!), recordFlight(v13, clientHellos[2]!), recordFlight(v13, clientHellos[3]!)]);
  } finally {
    await Promise.all([rsa.close(), dh.close(), v13.close()]);
  }
  const [ecdhe, dhe, tls13, hrr] = flights.map(splitMessages) as [Map<number, Uint8Array>, Map<number, Uint8Array>, Map<number, Uint8Array>, Map<number, Uint8Array>];
  // The hostile answers of test/helpers/hostile-tls-server.ts: an HRR followed by a second HRR, a downgrade sentinel.
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const hrrMsg = serverHello({ random: [...HRR_RANDOM], suite: 0x1301, extensions: [...u16(43), 0, 2, ...u16(0x0304), ...u16(51), 0, 2, ...u16(0x0017)] });
  const hrrLoop = Uint8Array.from(Buffer.concat([record(22, 0x0303, hrrMsg), record(20, 0x0303, [1]), record(22, 0x0303, hrrMsg)]));
  const downgrade = Uint8Array.from(record(22, 0x0303, serverHello({ random: [...new Array(24).fill(7), ...DOWNGRD.tls12], suite: 0xc02f, extensions: [0xff, 0x01, 0, 1, 0] })));

  const ca = createAuthority('fuzz seed CA');
  const leaves = [
    issueLeaf(ca, { names: ['a.test', '*.b.test', '192.0.2.1', '2001:db8::1'], extensions: { ocspUrl: 'http://o.test', crlDistributionPoints: ['http://c.test/c.crl'] } }),
    issueLeaf(ca, { names: ['c.test'], key: { type: 'rsa', bits: 2048 } }),
  ];
  const crl = buildCrl({ issuer: ca, revoked: [Uint8Array.of(0x01, 0x02, 0x03), Uint8Array.of(0x7f)] });

  const key = Buffer.alloc(64, 3);
  const dns = Uint8Array.from(
    dnsPacket.encode({
      type: 'response', id: 7, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.AUTHENTIC_DATA,
      questions: [{ name: 'www.example.test', type: 'A', class: 'IN' }],
      answers: [
        { name: 'www.example.test', type: 'CNAME', ttl: 60, data: 'host.example.test' },
        { name: 'host.example.test', type: 'A', ttl: 60, data: '192.0.2.1' },
        { name: 'host.example.test', type: 'AAAA', ttl: 60, data: '2001:db8::1' },
        { name: 'host.example.test', type: 'RRSIG', ttl: 60, data: { typeCovered: 'A', algorithm: 13, labels: 3, originalTTL: 60, expiration: 2000000000, inception: 1700000000, keyTag: 12345, signersName: 'example.test', signature: Buffer.alloc(64, 9) } },
        { name: 'example.test', type: 'DNSKEY', ttl: 60, data: { flags: 257, algorithm: 13, key } },
        { name: 'example.test', type: 'DS', ttl: 60, data: { keyTag: 12345, algorithm: 13, digestType: 2, digest: Buffer.alloc(32, 1) } },
        { name: 'example.test', type: 'CAA', ttl: 60, data: { flags: 0, tag: 'issue', value: 'ca.test' } },
        { name: 'example.test', type: 'TXT', ttl: 60, data: ['v=STSv1; id=20260101'] },
        { name: 'example.test', type: 'MX', ttl: 60, data: { preference: 10, exchange: 'mail.example.test' } },
        { name: '_443._tcp.www.example.test', type: 'TLSA', ttl: 60, data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 5) } } as never,
      ],
      authorities: [
        { name: 'a.example.test', type: 'NSEC', ttl: 60, data: { nextDomain: 'z.example.test', rrtypes: ['A', 'RRSIG', 'NSEC'] } },
        { name: 'h1.example.test', type: 'NSEC3', ttl: 60, data: { algorithm: 1, flags: 0, iterations: 0, salt: Buffer.alloc(0), nextDomain: Buffer.alloc(20, 2), rrtypes: ['A', 'RRSIG'] } },
        { name: 'example.test', type: 'SOA', ttl: 60, data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 60 } },
      ],
      additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK, options: [] } as never],
    }),
  );

  const greeting = Uint8Array.from([
    10, ...utf8('10.11.6-MariaDB'), 0, 1, 0, 0, 0, ...utf8('abcdefgh'), 0, 0xfe, 0xff, 8, 0x02, 0x00, 0xff, 0x81, 21,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...utf8('ijklmnopqrst'), 0, ...utf8('mysql_native_password'), 0,
  ]);
  const oid = utf8('1.3.6.1.4.1.1466.20037');
  const op = Uint8Array.from([0x0a, 1, 0, 0x04, 0, 0x04, 0, 0x8a, oid.length, ...oid]);
  const ldap = Uint8Array.from([0x30, 3 + 2 + op.length, 0x02, 1, 1, 0x78, op.length, ...op]);
  const fields = utf8('SFATAL\0C28000\0Mno pg_hba.conf entry\0\0');
  const policyDoc = readFileSync(join(ROOT, 'docs/policy.md'), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(policyDoc)?.[1] ?? 'version: 1\n';
  const cert = Uint8Array.of(0x30, 0x01, 0x00);
  const specs = Uint8Array.of(0x01, 0x00, 0x80, 0x07, 0x00, 0xc0);
  const sslv2Body = Uint8Array.from([4, 0, 1, 0, 2, 0, cert.length, 0, specs.length, 0, 16, ...cert, ...specs, ...new Array(16).fill(7)]);

  return {
    'tls-flight': [...flights, hrrLoop, downgrade],
    'tls-server-hello': [ecdhe.get(2)!, dhe.get(2)!, tls13.get(2)!, hrr.get(2)!],
    'tls-certificate-list': [ecdhe.get(11)!, dhe.get(11)!],
    'tls-ske-ecdhe': [ecdhe.get(12)!],
    'tls-ske-dhe': [dhe.get(12)!],
    'tls-certificate-request': [ecdhe.get(13)!],
    'tls-alert': [Uint8Array.of(2, 40), Uint8Array.of(1, 0)],
    'tls-client-hello': clientHellos.map((h) => h.subarray(5)),
    'sslv2-server-hello': [Uint8Array.from([0x80 | (sslv2Body.length >> 8), sslv2Body.length & 0xff, ...sslv2Body])],
    'x509-certificate': [ca.cert.der, ...leaves.map((l) => l.der)],
    'x509-pem': [utf8(leaves[0]!.pem + ca.cert.pem)],
    crl: [crl.der],
    'dns-message': [dns],
    'dnssec-anchors': [utf8('example.test. 3600 IN DS 12345 13 2 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n. 172800 IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=\n')],
    'mta-sts-policy': [utf8('version: STSv1\nmode: enforce\nmx: mail.example.test\nmx: *.example.test\nmax_age: 86400\n')],
    'starttls-mysql': [greeting],
    'starttls-ldap': [ldap],
    'posture-postgres': [Uint8Array.from([0x45, 0, 0, 0, 4 + fields.length, ...fields]), Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 3)],
    'audit-http-head': [utf8('GET /login?user=a HTTP/1.1\r\nHost: a.test\r\nAuthorization: Basic dTpw\r\nCookie: s=1')],
    'audit-proxy-request': [utf8('CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443'), utf8('GET http://a.test/x HTTP/1.1\r\nHost: a.test')],
    'audit-resp': [utf8('*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$6\r\nsecret\r\n'), utf8('*1\r\n$4\r\nPING\r\n'), utf8('PING\r\n')],
    'http-hsts': [utf8('max-age=63072000; includeSubDomains; preload')],
    'http-set-cookie': [utf8('sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600')],
    policy: [utf8(example), utf8('version: 1\nextends: modern\n')],
    inventory: [utf8('version: 1\ndefaults:\n  owner: web team\ntargets:\n  - target: https://a.test\n    tags: [web, prod]\n    expect: { mtls: true }\n  - target: smtp://mail.test:25\n    sni: mail.test\n')],
    'scan-document': [utf8(JSON.stringify({ tool: 'mitmguard', version: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', targets: [{ target: 'a.test:443', host: 'a.test', port: 443, ok: false, error: { code: 'MG_ERR_CONNECT', message: 'refused' }, tls: null, findings: [], durationMs: 3 }] }))],
    target: ['https://a.test:8443', 'smtp://[2001:db8::1]:25', 'b.test', 'postgres://db.test:5432'].map(utf8),
    ...wifiVpnSeeds(),
    ...caSeeds(),
    ...bgpSeeds(),
  };
}

/** The private CA's parsers (src/ca): an OCSP request and response as OpenSSL and our responder write them, an ACME
 * JWS (ES256) and a three-line audit log. Made in process, deterministic in shape. */
export function caSeeds(): Record<string, Uint8Array[]> {
  const issuerName = encodeName([['CN', 'Fuzz Issuer'], ['O', 'mitmguard']]);
  const issuerBits = new Uint8Array(65).fill(4);
  const request = encodeOcspRequest(issuerName, issuerBits, Uint8Array.of(0x12, 0x34), new Uint8Array(16).fill(7));
  const { privateKey } = caKeyPair('ec', { namedCurve: 'prime256v1' });
  const response = buildOcspResponse(parseOcspRequest(request), {
    issuerNameDer: issuerName, issuerPublicKeyBits: issuerBits, responderCertDer: Uint8Array.of(0x30, 0x00), responderKey: privateKey,
    responderKeyHash: new Uint8Array(20).fill(9), validityMs: 3_600_000,
  }, () => ({ status: 'revoked', revokedAt: new Date('2026-01-01T00:00:00Z'), reason: 'keyCompromise' }), new Date('2026-01-01T01:00:00Z'));
  const jwk = caKeyPair('ec', { namedCurve: 'prime256v1' });
  const pub = jwk.publicKey.export({ format: 'jwk' });
  const protectedB64 = Buffer.from(JSON.stringify({ alg: 'ES256', nonce: 'bm9uY2U', url: 'http://127.0.0.1/new-account', jwk: pub })).toString('base64url');
  const payloadB64 = Buffer.from(JSON.stringify({ termsOfServiceAgreed: true, contact: ['mailto:ops@example.test'] })).toString('base64url');
  const signature = caSign('sha256', Buffer.from(`${protectedB64}.${payloadB64}`), { key: jwk.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  const t = new Date('2026-01-01T00:00:00Z');
  const records: AuditRecord[] = [];
  for (const e of [
    { type: 'init' as const, root: 'r', intermediate: 'i', responder: 'o' },
    { type: 'issue' as const, serial: '01', profile: 'client' as const, subject: '', names: ['spiffe://td/a'], notBefore: t.toISOString(), notAfter: t.toISOString(), fingerprint: 'f', keyAlgorithm: 'ec-prime256v1' },
    { type: 'revoke' as const, serial: '01', reason: 'keyCompromise' as const },
  ]) records.push(chainRecord(records.at(-1), e, t, 'fuzz'));
  return {
    'ocsp-request': [request],
    'ocsp-response': [response],
    'acme-jws': [utf8(JSON.stringify({ protected: protectedB64, payload: payloadB64, signature }))],
    'ca-audit-log': [utf8(records.map((r) => JSON.stringify(r)).join('\n') + '\n')],
  };
}

/** Seeds of the BGP wing's parsers, built by its own encoders (src/bgp/message.ts, mrt-writer.ts) and by hand (BMP, VRPs). */
export function bgpSeeds(): Record<string, Uint8Array[]> {
  const update = encodeUpdate(
    { attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [65001, 4200000001] }, { type: 'set', asns: [65010] }], nextHop: '192.0.2.1', med: 5, localPref: 100, communities: [(65001 << 16) | 7], largeCommunities: [[4200000001, 1, 2]], atomicAggregate: true, aggregator: { asn: 65002, address: '192.0.2.9' } }, nlri: [{ prefix: parsePrefix('198.51.100.0/24') }], withdrawn: [{ prefix: parsePrefix('203.0.113.0/25') }] },
    { as4: true },
  );
  const mp = encodeUpdate({ attributes: { origin: 'EGP', asPath: [{ type: 'sequence', asns: [65001] }], mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [{ prefix: parsePrefix('2001:db8::/32') }] } } }, { as4: true });
  const peer = { timestamp: 1700000101, peerAs: 65001, localAs: 65000, peerAddress: '192.0.2.1', localAddress: '192.0.2.254' };
  const mrt = Uint8Array.from(Buffer.concat([
    encodePeerIndexTable(1700000000, '192.0.2.254', 'v', [{ bgpId: '192.0.2.1', address: '192.0.2.1', asn: 65001 }, { bgpId: '192.0.2.2', address: '2001:db8::2', asn: 4200000001 }]),
    encodeRibRecord(1700000000, 0, parsePrefix('198.51.100.0/24'), [{ peerIndex: 0, originatedTime: 1699999000, attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [65001] }], nextHop: '192.0.2.1' } }]),
    encodeRibRecord(1700000000, 1, parsePrefix('203.0.113.0/25'), [{ peerIndex: 1, originatedTime: 1699999001, pathId: 7, attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [4200000001] }], nextHop: '192.0.2.2' } }], true),
    encodeBgp4mpStateChange(peer, 1, 6),
    encodeBgp4mpMessage({ ...peer, microseconds: 12 }, update),
  ]));
  // RFC 7854 §4.1 common header (version 3, length, type) and §4.3 Initiation TLVs (sysDescr, sysName).
  const bmpMessage = (type: number, body: number[]) => [3, ...u32(6 + body.length), type, ...body];
  const tlv = (t: number, s: string) => [0, t, ...u16(s.length), ...Buffer.from(s)];
  const bmp = Uint8Array.from([...bmpMessage(4, [...tlv(1, 'fuzz router'), ...tlv(2, 'r1')]), ...bmpMessage(5, tlv(0, 'bye'))]);
  const vrpJson = JSON.stringify({ metadata: { generated: 1700000000 }, roas: [{ asn: 'AS65001', prefix: '192.0.2.0/24', maxLength: 24, ta: 'test', expires: 1800000000 }, { asn: 4200000001, prefix: '2001:db8::/32', maxLength: 48, ta: 'test' }] });
  return {
    'bgp-message': [encodeKeepalive(), encodeNotification(6, 4), encodeRouteRefresh(1, 1), encodeOpen({ asn: 4200000001, holdTime: 90, bgpId: '192.0.2.1' }), update, mp],
    'bgp-mrt': [mrt],
    'bgp-bmp': [bmp],
    'bgp-vrp': [Buffer.from(vrpJson), Buffer.from('ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS65001,192.0.2.0/24,24,test,1800000000\n')].map((b) => Uint8Array.from(b)),
  };
}

function u16(n: number): number[] {
  return [(n >> 8) & 255, n & 255];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}
