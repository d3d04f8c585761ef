/**
 * Every parser that reads bytes or text from the other side — a server, a client, a resolver, a file a user hands us —
 * meets thousands of mangled inputs made from real ones: bits flipped, bytes set to 0x00/0xff/0x80, cut short, bytes
 * inserted, slices repeated, length fields inflated, two inputs spliced. Each input must either parse or be refused with
 * a MitmError (MG_ERR_*); a TypeError, RangeError or any other exception is a crash a hostile peer could trigger.
 *
 * Seeds are real: a TLS 1.2 flight (ECDHE and DHE, with a CertificateRequest), a TLS 1.3 ServerHello and a
 * HelloRetryRequest, all recorded from node:tls servers started here; certificates and a CRL from src/pki; a DNSSEC-heavy
 * DNS response; protocol greetings from the specifications; the policy presets, an inventory, an anchor file, an MTA-STS
 * policy and a scan document. The random source is seeded, so a failure names an input that reproduces.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { isMitmError } from '../../src/errors.js';
import { encodeClientHello } from '../../src/tls/wire/client-hello.js';
import { keyShareFor } from '../../src/tls/wire/key-shares.js';
import { ServerFlightReader } from '../../src/tls/wire/flight.js';
import { parseServerHello } from '../../src/tls/wire/server-hello.js';
import { parseCertificateList } from '../../src/tls/wire/certificate.js';
import { parseServerKeyExchange } from '../../src/tls/wire/server-key-exchange.js';
import { parseAlert } from '../../src/tls/wire/alert.js';
import { parseSslv2ServerHello } from '../../src/tls/wire/sslv2.js';
import { parseClientHello } from '../../src/tls/wire/client-hello-parse.js';
import { CIPHER_SUITES } from '../../src/tls/wire/suites.js';
import { NAMED_GROUPS, SIGNATURE_SCHEMES } from '../../src/tls/wire/registry.js';
import { parseCertificateRequest } from '../../src/tls/wire/certificate-request.js';
import { parseFirstAnswer } from '../../src/posture/postgres-plain.js';
import { parseHsts } from '../../src/posture/hsts.js';
import { parseSetCookie } from '../../src/posture/cookies.js';
import { parseMysqlGreeting } from '../../src/starttls/mysql.js';
import { parseExtendedResponse } from '../../src/starttls/ldap.js';
import { decodeMessage } from '../../src/dns/message.js';
import { parseAnchors } from '../../src/dns/dnssec/anchors.js';
import { parseMtaStsPolicy } from '../../src/dns/mail.js';
import { parseCertificate, parseCertificates } from '../../src/x509/certificate.js';
import { parseCrl } from '../../src/x509/crl.js';
import { decodePem } from '../../src/x509/pem.js';
import { parsePolicy } from '../../src/policy/index.js';
import { parseInventory } from '../../src/inventory/file.js';
import { parseScanDocument } from '../../src/report/model.js';
import { parseTarget } from '../../src/scan/target.js';
import { parseProxyRequest } from '../../src/audit/proxy.js';
import { parseRequestHead } from '../../src/audit/protocols/http.js';
import { parseRespCommand } from '../../src/audit/protocols/redis.js';
import { createAuthority, issueLeaf } from '../../src/pki/index.js';
import { buildCrl } from '../../src/pki/crl.js';
import { dhParamsPem, startNodeTlsServer, type TestServer } from '../helpers/tls-servers.js';
import { hex, mutate, pick, prng } from '../fuzz/mutate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Mutated inputs per parser; enough to reach deep branches, small enough to run in seconds. */
const ROUNDS = 2500;

// The seeded generator and the mutation operators are shared with the coverage-guided fuzzer (test/fuzz/).

/**
 * Feed `rounds` mutants of the seeds to `parse`; collect every exception that is not a MitmError. Returns how many
 * inputs parsed and how many were refused, so the test can show both paths were taken.
 */
function hammer(name: string, seeds: readonly Uint8Array[], parse: (input: Uint8Array) => unknown, rounds = ROUNDS, salt = 1, total = false): { ok: number; refused: number } {
  assert.ok(seeds.length > 0, `${name}: no seed`);
  for (const s of seeds) parse(s); // every seed itself must parse: a broken seed would test nothing
  const rnd = prng(0x9e3779b9 ^ (salt * 2654435761));
  let ok = 0;
  let refused = 0;
  const crashes: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const seed = seeds[i % seeds.length]!;
    const other = seeds[pick(rnd, seeds.length)]!;
    const input = mutate(seed, rnd, other);
    try {
      parse(input);
      ok++;
    } catch (err) {
      if (isMitmError(err) && /^MG_ERR_[A-Z0-9_]+$/.test(err.code)) refused++;
      else if (crashes.length < 5) crashes.push(`${(err as Error)?.constructor?.name}: ${(err as Error)?.message}\n    input ${hex(input)}`);
      else crashes.push('');
    }
  }
  assert.equal(crashes.length, 0, `${name}: ${crashes.length} input(s) ended in an exception that is not a MitmError:\n  ${crashes.filter(Boolean).join('\n  ')}`);
  // A total parser (a browser-style header reader that records problems instead of refusing) must never throw; any
  // other must have refused some mutant, or the mutations never reached its checks.
  if (total) assert.equal(refused, 0, `${name}: a total parser threw a MitmError`);
  else assert.ok(refused > 0, `${name}: no mutant was refused — the mutations did not reach the parser's checks`);
  return { ok, refused };
}

const utf8 = (s: string) => new TextEncoder().encode(s);
/** Text parsers get the mutated bytes decoded leniently, as a file read from disk would be. */
const asText = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: false }).decode(b);

// ---------------------------------------------------------------------------------------------------------------
// Real TLS flights, recorded from node:tls servers.

interface Flight {
  bytes: Uint8Array;
  /** Handshake message bodies by type, split from the flight (trusted input: our own recording). */
  messages: Map<number, Uint8Array>;
}

function splitMessages(flight: Uint8Array): Map<number, Uint8Array> {
  let hs = Buffer.alloc(0);
  for (let off = 0; off + 5 <= flight.length; ) {
    const type = flight[off]!;
    const len = (flight[off + 3]! << 8) | flight[off + 4]!;
    if (type === 22) hs = Buffer.concat([hs, flight.subarray(off + 5, off + 5 + len)]);
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

/** Send one ClientHello and record what the server answers until it goes quiet or closes (bounded). */
function recordFlight(server: TestServer, hello: Uint8Array): Promise<Flight> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: server.host, port: server.port });
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      clearTimeout(limit);
      s.destroy();
      const bytes = Uint8Array.from(Buffer.concat(chunks));
      resolve({ bytes, messages: splitMessages(bytes) });
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

const suiteCodes = (pred: (s: (typeof CIPHER_SUITES)[number]) => boolean) => CIPHER_SUITES.filter(pred).map((s) => s.code);
const groupCode = (name: string) => NAMED_GROUPS.find((g) => g.name === name)!.code;
const X25519 = groupCode('x25519');
const GROUPS = [X25519, groupCode('secp256r1'), groupCode('secp384r1')];
const SIGALGS = Object.values(SIGNATURE_SCHEMES);

function tls12Hello(suites: number[]): Uint8Array {
  return encodeClientHello({
    version: 0x0303, cipherSuites: suites, serverName: 'localhost', groups: GROUPS, signatureAlgorithms: SIGALGS,
    ecPointFormats: true, renegotiationInfo: true, statusRequest: true, extendedMasterSecret: true, sessionTicket: true,
  });
}
function tls13Hello(shares: boolean): Uint8Array {
  return encodeClientHello({
    version: 0x0303, cipherSuites: suiteCodes((s) => s.tls13), supportedVersions: [0x0304], serverName: 'localhost',
    groups: GROUPS, signatureAlgorithms: SIGALGS, keyShares: shares ? [keyShareFor(X25519)!] : [], pskKeyExchangeModes: true,
    alpn: ['h2', 'http/1.1'],
  });
}

describe('every parser refuses mangled input with a MitmError, never a crash', () => {
  const servers: TestServer[] = [];
  let ecdhe: Flight;
  let dhe: Flight;
  let tls13: Flight;
  let hrr: Flight;
  const clientHellos: Uint8Array[] = [];

  before(async () => {
    const rsa = await startNodeTlsServer({ key: { type: 'rsa', bits: 2048 }, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: false });
    const dh = await startNodeTlsServer({ key: { type: 'rsa', bits: 2048 }, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES128-GCM-SHA256', dhparam: await dhParamsPem(2048) });
    const v13 = await startNodeTlsServer({ minVersion: 'TLSv1.3' });
    servers.push(rsa, dh, v13);
    const ecdheHello = tls12Hello(suiteCodes((s) => s.kx === 'ECDHE' && s.au === 'RSA'));
    const dheHello = tls12Hello(suiteCodes((s) => s.kx === 'DHE' && s.au === 'RSA'));
    clientHellos.push(ecdheHello, dheHello, tls13Hello(true), tls13Hello(false));
    [ecdhe, dhe, tls13, hrr] = await Promise.all([
      recordFlight(rsa, ecdheHello), recordFlight(dh, dheHello), recordFlight(v13, clientHellos[2]!), recordFlight(v13, clientHellos[3]!),
    ]);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('TLS: the server flight reader, ServerHello (incl. HRR), Certificate, ServerKeyExchange, CertificateRequest, alerts', () => {
    for (const [name, f] of Object.entries({ ecdhe, dhe, tls13, hrr })) {
      assert.ok(f.messages.has(2), `${name}: the recording holds a ServerHello`);
    }
    assert.ok(ecdhe.messages.has(11) && ecdhe.messages.has(12) && ecdhe.messages.has(13), 'ECDHE flight: Certificate, ServerKeyExchange and CertificateRequest recorded');
    assert.ok(dhe.messages.has(12), 'DHE flight: ServerKeyExchange recorded');

    const flights = [ecdhe.bytes, dhe.bytes, tls13.bytes, hrr.bytes];
    const readAll = (b: Uint8Array) => {
      const r = new ServerFlightReader(64 * 1024);
      // Delivered in two pieces, as TCP may: reassembly is part of what is tested.
      const cut = b.length >> 1;
      return [...r.push(b.subarray(0, cut)), ...r.push(b.subarray(cut))];
    };
    // The same TLS 1.3 flight read through its encrypted part, with the key share this process sent.
    const readDecrypting = (b: Uint8Array) => new ServerFlightReader(64 * 1024, { tls13ClientHello: clientHellos[2]! }).push(b);
    const decrypted = readDecrypting(tls13.bytes);
    assert.ok(decrypted.some((e) => e.type === 'serverFinished'), 'the recorded TLS 1.3 flight decrypts to the Finished');
    const results = [
      hammer('ServerFlightReader', flights, readAll, ROUNDS, 1),
      hammer('ServerFlightReader decrypting TLS 1.3', [tls13.bytes], readDecrypting, ROUNDS, 29),
      hammer('parseServerHello', [ecdhe, dhe, tls13, hrr].map((f) => f.messages.get(2)!), parseServerHello, ROUNDS, 2),
      hammer('parseCertificateList', [ecdhe.messages.get(11)!, dhe.messages.get(11)!], parseCertificateList, ROUNDS, 3),
      hammer('parseServerKeyExchange ECDHE', [ecdhe.messages.get(12)!], (b) => parseServerKeyExchange(b, 'ECDHE'), ROUNDS, 4),
      hammer('parseServerKeyExchange DHE', [dhe.messages.get(12)!], (b) => parseServerKeyExchange(b, 'DHE'), ROUNDS, 5),
      hammer('parseCertificateRequest', [ecdhe.messages.get(13)!], (b) => parseCertificateRequest(b, true), ROUNDS, 6),
      hammer('parseAlert', [Uint8Array.of(2, 40), Uint8Array.of(1, 0)], parseAlert, 500, 7),
      // A ClientHello is what the audit endpoint and the proxy read from clients (the message, after the record header).
      hammer('parseClientHello', clientHellos.map((h) => h.subarray(5)), parseClientHello, ROUNDS, 8),
    ];
    for (const r of results) assert.ok(r.ok + r.refused > 0);
  });

  it('SSLv2 ServerHello', () => {
    // RFC 6101 appendix E / the SSLv2 draft: 2-byte header, SERVER-HELLO (4), session-id-hit, cert type 1, version 0x0002,
    // then lengths of certificate (3), cipher specs (6) and connection id (16).
    const cert = Uint8Array.of(0x30, 0x01, 0x00);
    const specs = Uint8Array.of(0x01, 0x00, 0x80, 0x07, 0x00, 0xc0);
    const connId = new Uint8Array(16).fill(7);
    const body = Uint8Array.from([4, 0, 1, 0, 2, 0, cert.length, 0, specs.length, 0, connId.length, ...cert, ...specs, ...connId]);
    const record = Uint8Array.from([0x80 | (body.length >> 8), body.length & 0xff, ...body]);
    hammer('parseSslv2ServerHello', [record], parseSslv2ServerHello, ROUNDS, 9);
  });

  it('X.509: certificates (DER and PEM bags) and CRLs', () => {
    const ca = createAuthority('robustness CA');
    const leaves = [
      issueLeaf(ca, { names: ['a.test', '*.b.test', '192.0.2.1', '2001:db8::1'], extensions: { ocspUrl: 'http://o.test', crlDistributionPoints: ['http://c.test/c.crl'] } }),
      issueLeaf(ca, { names: ['c.test'], key: { type: 'rsa', bits: 2048 } }),
    ];
    const ders = [ca.cert.der, ...leaves.map((l) => l.der)];
    hammer('parseCertificate', ders, parseCertificate, ROUNDS * 2, 10);
    hammer('parseCertificates (PEM)', [utf8(leaves[0]!.pem + ca.cert.pem)], (b) => parseCertificates(asText(b)), ROUNDS, 11);
    hammer('decodePem', [utf8(leaves[0]!.pem)], (b) => decodePem(asText(b)), ROUNDS, 12);
    const crl = buildCrl({ issuer: ca, revoked: [Uint8Array.of(0x01, 0x02, 0x03), Uint8Array.of(0x7f)] });
    hammer('parseCrl', [crl.der], parseCrl, ROUNDS, 13);
  });

  it('DNS: a DNSSEC-heavy response with compression', () => {
    const key = Buffer.alloc(64, 3);
    const msg = Uint8Array.from(
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
        ],
        authorities: [
          { name: 'a.example.test', type: 'NSEC', ttl: 60, data: { nextDomain: 'z.example.test', rrtypes: ['A', 'RRSIG', 'NSEC'] } },
          { name: 'example.test', type: 'SOA', ttl: 60, data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 60 } },
        ],
        additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK, options: [] } as never],
      }),
    );
    hammer('decodeMessage', [msg], decodeMessage, ROUNDS * 2, 14);
  });

  it('STARTTLS and posture: MySQL greeting, LDAP extended response, PostgreSQL first answer', () => {
    // MySQL protocol v10 greeting (payload, no packet header).
    const greeting = Uint8Array.from([
      10, ...utf8('10.11.6-MariaDB'), 0, 1, 0, 0, 0, ...utf8('abcdefgh'), 0, 0xfe, 0xff, 8, 0x02, 0x00, 0xff, 0x81, 21,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...utf8('ijklmnopqrst'), 0, ...utf8('mysql_native_password'), 0,
    ]);
    hammer('parseMysqlGreeting', [greeting], parseMysqlGreeting, ROUNDS, 15);
    // LDAP ExtendedResponse (RFC 4511 §4.12): messageID 1, resultCode success, empty matchedDN and diagnosticMessage,
    // responseName 1.3.6.1.4.1.1466.20037.
    const oid = utf8('1.3.6.1.4.1.1466.20037');
    const op = Uint8Array.from([0x0a, 1, 0, 0x04, 0, 0x04, 0, 0x8a, oid.length, ...oid]);
    const ldap = Uint8Array.from([0x30, 3 + 2 + op.length, 0x02, 1, 1, 0x78, op.length, ...op]);
    hammer('parseExtendedResponse', [ldap], parseExtendedResponse, ROUNDS, 16);
    // PostgreSQL: an ErrorResponse and an AuthenticationCleartextPassword as a server answers a plain StartupMessage.
    const fields = utf8('SFATAL\0C28000\0Mno pg_hba.conf entry\0\0');
    const err = Uint8Array.from([0x45, 0, 0, 0, 4 + fields.length, ...fields]);
    const auth = Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 3);
    hammer('parseFirstAnswer', [err, auth], parseFirstAnswer, ROUNDS, 17);
  });

  it('client-facing protocol readers of the audit endpoint and proxy: HTTP request head, CONNECT, RESP', () => {
    // The head as the endpoint hands it over: without the blank line that ends it.
    const head = utf8('GET /login?user=a HTTP/1.1\r\nHost: a.test\r\nAuthorization: Basic dTpw\r\nCookie: s=1');
    hammer('parseRequestHead', [head], (b) => parseRequestHead(asText(b)), ROUNDS, 18);
    hammer('parseProxyRequest', [utf8('CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443'), utf8('GET http://a.test/x HTTP/1.1\r\nHost: a.test')], (b) => parseProxyRequest(asText(b)), ROUNDS, 19);
    hammer('parseRespCommand', [utf8('*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$6\r\nsecret\r\n'), utf8('*1\r\n$4\r\nPING\r\n')], (b) => parseRespCommand(Buffer.from(b)), ROUNDS, 20);
  });

  it('HTTP answers a scanned server sends: Strict-Transport-Security and Set-Cookie', () => {
    // Both record what is wrong (RFC 6797 §6.1, RFC 6265 §5.2 ignore what they cannot read) instead of refusing.
    const hsts = hammer('parseHsts', [utf8('max-age=63072000; includeSubDomains; preload')], (b) => parseHsts(asText(b)), ROUNDS, 21, true);
    assert.equal(hsts.ok, ROUNDS);
    const cookies = hammer('parseSetCookie', [utf8('sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600')], (b) => parseSetCookie(asText(b), true), ROUNDS, 22, true);
    assert.equal(cookies.ok, ROUNDS);
  });

  it('files a user hands us: policies, an inventory, a trust-anchor file, an MTA-STS policy, a scan document, targets', () => {
    // The example of docs/policy.md, as a user would start from it.
    const policyDoc = readFileSync(join(ROOT, 'docs/policy.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(policyDoc)?.[1];
    assert.ok(example, 'docs/policy.md has a YAML example');
    hammer('parsePolicy', [utf8(example), utf8('version: 1\nextends: modern\n')], (b) => parsePolicy(asText(b), 'p.yaml'), ROUNDS, 23);
    const inventory = utf8(
      'version: 1\ndefaults:\n  owner: web team\ntargets:\n  - target: https://a.test\n    tags: [web, prod]\n    expect: { mtls: true }\n  - target: smtp://mail.test:25\n    sni: mail.test\n',
    );
    hammer('parseInventory', [inventory], (b) => parseInventory(asText(b), 'i.yaml'), ROUNDS, 24);
    const anchors = utf8('example.test. 3600 IN DS 12345 13 2 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n');
    hammer('parseAnchors', [anchors], (b) => parseAnchors(asText(b), 'anchor'), ROUNDS, 25);
    hammer('parseMtaStsPolicy', [utf8('version: STSv1\nmode: enforce\nmx: mail.example.test\nmx: *.example.test\nmax_age: 86400\n')], (b) => parseMtaStsPolicy(asText(b)), ROUNDS, 26);
    const doc = utf8(JSON.stringify({
      tool: 'mitmguard', version: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
      targets: [{ target: 'a.test:443', host: 'a.test', port: 443, ok: false, error: { code: 'MG_ERR_CONNECT', message: 'refused' }, tls: null, findings: [], durationMs: 3 }],
    }));
    hammer('parseScanDocument', [doc], (b) => parseScanDocument(asText(b), 'scan.json'), ROUNDS, 27);
    hammer('parseTarget', ['https://a.test:8443', 'smtp://[2001:db8::1]:25', 'b.test'].map(utf8), (b) => parseTarget(asText(b)), ROUNDS, 28);
  });
});
