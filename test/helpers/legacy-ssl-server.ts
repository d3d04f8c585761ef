/**
 * A scripted SSLv2 / SSLv3 server for the scanner's tests. Debian's OpenSSL 3 (and every other TLS stack on this
 * machine) is built without SSLv2 and SSLv3, so no real server can speak them; this one answers exactly as the
 * protocols specify, over real TCP on loopback, so the scanner's SSLv2 probe and SSLv3 suite elimination run end to end:
 *
 * - an SSLv2 CLIENT-HELLO gets a SERVER-HELLO listing the cipher kinds both sides have (SSLv2 draft §2.6, 2.1);
 * - an SSLv3 ClientHello (record and body version 3.0) gets ServerHello(3.0) + Certificate + ServerHelloDone with the
 *   first configured suite the client offered (server preference), or a handshake_failure alert when none is shared
 *   (RFC 6101 §5.6.1.2, §5.4);
 * - a TLS 1.0+ ClientHello gets a protocol_version alert: this server speaks nothing newer.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseClientHello } from '../../src/tls/wire/client-hello-parse.js';

export interface LegacyServerOptions {
  /** SSLv2 cipher kinds (3-byte codes) the server supports; absent: no SSLv2. */
  sslv2?: number[];
  /** SSLv3 cipher suites in the server's order of preference; absent: no SSLv3. */
  sslv3?: number[];
  /** Pick the client's first offered suite the server has, instead of the server's first (no server preference). */
  clientOrder?: boolean;
  /** The certificate to present (DER). */
  certificate: Uint8Array;
}

export interface LegacyServer {
  host: string;
  port: number;
  target: string;
  /** ClientHello versions seen, for assertions about what the scanner sent. */
  seen: { sslv2: number; sslv3: number; newer: number };
  close(): Promise<void>;
}

const u16 = (n: number) => [n >> 8, n & 0xff];
const u24 = (n: number) => [n >> 16, (n >> 8) & 0xff, n & 0xff];

function record(type: number, version: number, body: number[] | Uint8Array): Buffer {
  return Buffer.from([type, ...u16(version), ...u16(body.length), ...body]);
}
const alert = (description: number) => record(21, 0x0300, [2, description]);

function sslv3Flight(suite: number, certificate: Uint8Array): Buffer {
  const hello = [...u16(0x0300), ...randomBytes(32), 0, ...u16(suite), 0];
  const certList = [...u24(certificate.length), ...certificate];
  const certificateMsg = [...u24(certList.length), ...certList];
  const messages = [
    2, ...u24(hello.length), ...hello,
    11, ...u24(certificateMsg.length), ...certificateMsg,
    14, 0, 0, 0,
  ];
  return record(22, 0x0300, messages);
}

function sslv2ServerHello(kinds: number[], certificate: Uint8Array): Buffer {
  const specs = kinds.flatMap((k) => [k >> 16, (k >> 8) & 0xff, k & 0xff]);
  const connectionId = [...randomBytes(16)];
  const body = [4, 0, 1, ...u16(0x0002), ...u16(certificate.length), ...u16(specs.length), ...u16(connectionId.length), ...certificate, ...specs, ...connectionId];
  return Buffer.from([0x80 | (body.length >> 8), body.length & 0xff, ...body]);
}

/** Offered SSLv2 cipher kinds of a CLIENT-HELLO record (two-byte header form). */
function sslv2Offer(buf: Buffer): number[] | null {
  if (buf.length < 2 || (buf[0]! & 0x80) === 0) return null;
  const len = ((buf[0]! & 0x7f) << 8) | buf[1]!;
  if (buf.length < 2 + len) return null;
  const b = buf.subarray(2, 2 + len);
  if (b[0] !== 1) return [];
  const specsLen = (b[3]! << 8) | b[4]!;
  const specs = b.subarray(9, 9 + specsLen);
  const out: number[] = [];
  for (let i = 0; i + 2 < specs.length; i += 3) out.push((specs[i]! << 16) | (specs[i + 1]! << 8) | specs[i + 2]!);
  return out;
}

export async function startLegacySslServer(options: LegacyServerOptions): Promise<LegacyServer> {
  const seen = { sslv2: 0, sslv3: 0, newer: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 64 * 1024) return socket.destroy();
      if (buf[0]! & 0x80) {
        const offer = sslv2Offer(buf);
        if (offer === null) return;
        seen.sslv2++;
        const shared = (options.sslv2 ?? []).filter((k) => offer.includes(k));
        // SSLv2 draft: a server with no cipher in common sends MSG-ERROR (0) NO-CIPHER-ERROR (1).
        socket.end(shared.length ? sslv2ServerHello(shared, options.certificate) : Buffer.from([0x80, 3, 0, 0, 1]));
        return;
      }
      if (buf.length < 5) return;
      const len = (buf[3]! << 8) | buf[4]!;
      if (buf.length < 5 + len) return;
      if (buf[0] !== 22) return socket.destroy();
      let hello;
      try {
        hello = parseClientHello(buf.subarray(5, 5 + len));
      } catch {
        socket.end(alert(50));
        return;
      }
      const newer = hello.version > 0x0300 || hello.supportedVersions.length > 0;
      if (newer || !options.sslv3) {
        seen.newer++;
        socket.end(alert(70)); // protocol_version
        return;
      }
      seen.sslv3++;
      const suite = options.clientOrder
        ? hello.cipherSuites.find((s) => options.sslv3!.includes(s))
        : options.sslv3.find((s) => hello.cipherSuites.includes(s));
      socket.end(suite === undefined ? alert(40) : sslv3Flight(suite, options.certificate));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host: '127.0.0.1',
    port,
    target: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
