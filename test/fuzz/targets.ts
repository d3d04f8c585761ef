/**
 * The fuzz targets: every parser that reads bytes or text from the other side, by name. Each `run` either returns or
 * throws a MitmError; anything else is a crash. Text parsers get the bytes decoded leniently, as a file read from disk
 * would be. `total` parsers record problems instead of refusing, so they must never throw at all.
 */
import { parseProxyRequest } from '../../src/audit/proxy.js';
import { parseRequestHead } from '../../src/audit/protocols/http.js';
import { parseRespCommand } from '../../src/audit/protocols/redis.js';
import { parseAnchors } from '../../src/dns/dnssec/anchors.js';
import { parseMtaStsPolicy } from '../../src/dns/mail.js';
import { decodeMessage } from '../../src/dns/message.js';
import { parseInventory } from '../../src/inventory/file.js';
import { parsePolicy } from '../../src/policy/index.js';
import { parseCertificateRequest } from '../../src/tls/wire/certificate-request.js';
import { parseSetCookie } from '../../src/posture/cookies.js';
import { parseHsts } from '../../src/posture/hsts.js';
import { parseFirstAnswer } from '../../src/posture/postgres-plain.js';
import { parseScanDocument } from '../../src/report/model.js';
import { parseTarget } from '../../src/scan/target.js';
import { parseExtendedResponse } from '../../src/starttls/ldap.js';
import { parseMysqlGreeting } from '../../src/starttls/mysql.js';
import { parseAlert } from '../../src/tls/wire/alert.js';
import { parseCertificateList } from '../../src/tls/wire/certificate.js';
import { parseClientHello } from '../../src/tls/wire/client-hello-parse.js';
import { ServerFlightReader, type FlightReaderOptions } from '../../src/tls/wire/flight.js';
import { parseServerHello } from '../../src/tls/wire/server-hello.js';
import { parseServerKeyExchange } from '../../src/tls/wire/server-key-exchange.js';
import { parseSslv2ServerHello } from '../../src/tls/wire/sslv2.js';
import { parseCertificate, parseCertificates } from '../../src/x509/certificate.js';
import { parseCrl } from '../../src/x509/crl.js';
import { decodePem } from '../../src/x509/pem.js';
import { decodeDot11 } from '../../src/wifi/frame.js';
import { CaptureFileDecoder } from '../../src/capture/file-format.js';
import { parseWifiConfig } from '../../src/wifi/config/detect-format.js';
import { parseAirBaseline } from '../../src/wifi/baseline.js';
import { auditVpnText } from '../../src/vpn/read.js';
import { parseOcspRequest, parseOcspResponse } from '../../src/ca/ocsp.js';
import { keyFromJwk, parseJws, verifyJws } from '../../src/ca/acme/jws.js';
import { verifyChain } from '../../src/ca/audit-log.js';
import { decodeMessage as decodeBgpMessage } from '../../src/bgp/message.js';
import { decodeMrtRecord, MrtSplitter, type MrtContext } from '../../src/bgp/mrt.js';
import { parseVrps } from '../../src/bgp/vrp.js';
import { DIALOGUES } from '../../src/starttls/dialogues.js';
import type { StartTlsProtocol } from '../../src/starttls/types.js';
import { BmpSplitter, decodeBmpMessage } from '../../src/bgp/bmp.js';

export interface FuzzTarget {
  /** What the target reads, for the report. */
  what: string;
  run(input: Uint8Array): unknown;
  /** Records problems instead of refusing: must never throw. */
  total?: boolean;
  /** Seeds that cannot be committed (a TLS 1.3 flight is readable only with this process's key share): made at start. */
  live?: boolean;
}

const text = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: false }).decode(b);
const frame = (linkType: number, data: Uint8Array) => decodeDot11({ linkType, data, timestampUs: 0, originalLength: data.length, interfaceId: 0, frameNumber: 1 });

/** The pcap/pcapng decoder (src/capture, which the Wi-Fi wing reads through), fed in two pieces as a stream delivers it. */
function readPcap(b: Uint8Array): unknown {
  const r = new CaptureFileDecoder();
  const cut = b.length >> 1;
  const frames = [...r.push(b.subarray(0, cut)), ...r.push(b.subarray(cut))];
  r.end();
  return frames;
}

/**
 * A STARTTLS dialogue (the client side, sans-IO) driven by a server's whole transcript, in two pieces as TCP may
 * deliver it: greeting, capabilities, the go-ahead, whatever follows it.
 */
const dialogue = (protocol: StartTlsProtocol) => (b: Uint8Array): unknown => {
  const d = DIALOGUES[protocol]({ host: 'mx.example.test' });
  d.start();
  const cut = b.length >> 1;
  d.receive(b.subarray(0, cut));
  d.receive(b.subarray(cut));
  return d.observation();
};

/** An MRT file as the reader streams it: records split off the bytes in two pieces, each decoded with the file's peer index. */
function readMrt(b: Uint8Array): unknown {
  const s = new MrtSplitter();
  const ctx: MrtContext = {};
  const cut = b.length >> 1;
  const out = [...s.push(b.subarray(0, cut)), ...s.push(b.subarray(cut))].map((r) => decodeMrtRecord(r, ctx));
  s.end();
  return out;
}

/** A BMP stream (RFC 7854) from a router: messages split off the bytes, each decoded. */
function readBmp(b: Uint8Array): unknown {
  const s = new BmpSplitter();
  return s.push(b).map(decodeBmpMessage);
}

/** The flight reader, fed in two pieces as TCP may deliver it: reassembly is part of what is tested. */
export function readFlight(b: Uint8Array, options: FlightReaderOptions = {}): unknown {
  const r = new ServerFlightReader(64 * 1024, options);
  const cut = b.length >> 1;
  const events = [...r.push(b.subarray(0, cut)), ...r.push(b.subarray(cut))];
  // A HelloRetryRequest parks the reader; the records after it are read as the answer to a second ClientHello.
  if (!options.tls13ClientHello && events.some((e) => e.type === 'serverHello' && e.hello.helloRetryRequest)) {
    events.push(...r.resume());
  }
  return events;
}

/** The ClientHello the live TLS 1.3 seeds were recorded with (set by the runner before `tls13-flight-decrypt` runs). */
export const LIVE = { tls13ClientHello: null as Uint8Array | null };

export const TARGETS: Record<string, FuzzTarget> = {
  'ocsp-request': { what: 'OCSP request (RFC 6960 §4.1), what the CA\'s responder reads', run: parseOcspRequest },
  'ocsp-response': { what: 'OCSP response (RFC 6960 §4.2), what the tunnel reads', run: parseOcspResponse },
  'acme-jws': {
    what: 'ACME request body: flattened JWS, header and ES256/RS256 signature (RFC 8555 §6.2)',
    run: (b) => {
      const jws = parseJws(Buffer.from(b));
      if (jws.header.jwk) verifyJws(jws, keyFromJwk(jws.header.jwk));
      return jws;
    },
  },
  'ca-audit-log': { what: 'CA audit log (hash-chained JSON lines): a verdict, never a throw', total: true, run: (b) => verifyChain(text(b)) },
  'tls-flight': { what: 'TLS server flight reader (records, handshake reassembly, HRR retry)', run: (b) => readFlight(b) },
  'tls13-flight-decrypt': { what: 'TLS 1.3 decrypted server flight (EncryptedExtensions … Finished)', live: true, run: (b) => readFlight(b, { tls13ClientHello: LIVE.tls13ClientHello! }) },
  'tls-server-hello': { what: 'ServerHello / HelloRetryRequest', run: parseServerHello },
  'tls-certificate-list': { what: 'TLS ≤ 1.2 Certificate message', run: parseCertificateList },
  'tls-ske-ecdhe': { what: 'ServerKeyExchange (ECDHE)', run: (b) => parseServerKeyExchange(b, 'ECDHE') },
  'tls-ske-dhe': { what: 'ServerKeyExchange (DHE)', run: (b) => parseServerKeyExchange(b, 'DHE') },
  'tls-certificate-request': { what: 'CertificateRequest (TLS 1.2)', run: (b) => parseCertificateRequest(b, true) },
  'tls-alert': { what: 'alert', run: parseAlert },
  'tls-client-hello': { what: 'ClientHello (audit endpoint, proxy)', run: parseClientHello },
  'sslv2-server-hello': { what: 'SSLv2 SERVER-HELLO', run: parseSslv2ServerHello },
  'x509-certificate': { what: 'X.509 certificate (DER)', run: parseCertificate },
  'x509-pem': { what: 'PEM bags of certificates', run: (b) => (parseCertificates(text(b)), decodePem(text(b))) },
  crl: { what: 'CRL (DER)', run: parseCrl },
  'dns-message': { what: 'DNS message with DNSSEC records (RRSIG, DNSKEY, DS, NSEC, NSEC3…)', run: decodeMessage },
  'dnssec-anchors': { what: 'trust-anchor file (DS / DNSKEY, zone-file form)', run: (b) => parseAnchors(text(b), 'anchor') },
  'mta-sts-policy': { what: 'MTA-STS policy file', run: (b) => parseMtaStsPolicy(text(b)) },
  'starttls-smtp': { what: 'SMTP server transcript before STARTTLS (RFC 5321, RFC 3207)', run: dialogue('smtp') },
  'starttls-imap': { what: 'IMAP server transcript before STARTTLS (RFC 9051)', run: dialogue('imap') },
  'starttls-pop3': { what: 'POP3 server transcript before STLS (RFC 2595)', run: dialogue('pop3') },
  'starttls-ftp': { what: 'FTP server transcript before AUTH TLS (RFC 4217)', run: dialogue('ftp') },
  'starttls-mysql': { what: 'MySQL greeting (STARTTLS)', run: parseMysqlGreeting },
  'starttls-ldap': { what: 'LDAP ExtendedResponse (StartTLS)', run: parseExtendedResponse },
  'posture-postgres': { what: 'PostgreSQL first answer', run: parseFirstAnswer },
  'audit-http-head': { what: 'HTTP request head (audit endpoint)', run: (b) => parseRequestHead(text(b)) },
  'audit-proxy-request': { what: 'proxy CONNECT / absolute-form request', run: (b) => parseProxyRequest(text(b)) },
  'audit-resp': { what: 'Redis RESP command', run: (b) => parseRespCommand(Buffer.from(b)) },
  'http-hsts': { what: 'Strict-Transport-Security header', total: true, run: (b) => parseHsts(text(b)) },
  'http-set-cookie': { what: 'Set-Cookie header', total: true, run: (b) => parseSetCookie(text(b), true) },
  policy: { what: 'policy file (YAML)', run: (b) => parsePolicy(text(b), 'p.yaml') },
  inventory: { what: 'inventory file (YAML)', run: (b) => parseInventory(text(b), 'i.yaml') },
  'scan-document': { what: 'scan / report document (JSON)', run: (b) => parseScanDocument(text(b), 'scan.json') },
  target: { what: 'target string', run: (b) => parseTarget(text(b)) },
  'wifi-radiotap': { what: '802.11 frame behind a radiotap header (link type 127)', run: (b) => frame(127, b) },
  'wifi-ppi': { what: '802.11 frame behind a PPI header (link type 192)', run: (b) => frame(192, b) },
  'wifi-80211': { what: 'bare 802.11 frame (link type 105): management frames, elements, EAPOL-Key', run: (b) => frame(105, b) },
  'capture-file': { what: 'pcap or pcapng file (src/capture/file-format.ts)', run: readPcap },
  'wifi-config': { what: 'wpa_supplicant.conf, NetworkManager keyfile, hostapd.conf', run: (b) => parseWifiConfig(text(b), 'wifi.conf') },
  'wifi-iwd': { what: 'iwd network profile', run: (b) => parseWifiConfig(text(b), 'Net.8021x') },
  'wifi-baseline': { what: 'air baseline (YAML)', run: (b) => parseAirBaseline(text(b), 'air.yaml') },
  'bgp-message': { what: 'BGP-4 message (OPEN, UPDATE with every attribute, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH), 4-byte AS', run: (b) => decodeBgpMessage(b, { as4: true }) },
  'bgp-mrt': { what: 'MRT file (TABLE_DUMP_V2 with ADD-PATH, BGP4MP/_ET messages and state changes)', run: readMrt },
  'bgp-bmp': { what: 'BMP stream (RFC 7854 route monitoring, peer up/down, statistics)', run: readBmp },
  'bgp-vrp': { what: 'VRP file (rpki-client JSON/CSV, Routinator JSON)', run: (b) => parseVrps(text(b)) },
  'vpn-config': { what: 'OpenVPN, WireGuard (wg-quick) and strongSwan configurations', run: (b) => auditVpnText(text(b), 'vpn.conf') },
};
