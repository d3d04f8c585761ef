/**
 * Scripted hostile TLS servers for the scanner's tests: each answers every ClientHello with one lie a middlebox or an
 * attacker tells — a HelloRetryRequest loop, a downgrade sentinel, a bogus version, suite or session id, a
 * ServerKeyExchange whose point length lies, a ServerHello that echoes whatever suite was offered. Real TCP on
 * loopback; the ClientHello is parsed by our own codec (the server must understand the offer to lie about it).
 * Unless a behaviour says otherwise the connection is left open after the lie, so a scanner that waits for more
 * waits until its timeout: the tests assert it did not.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { parseClientHello, type ParsedClientHello } from '../../src/tls/wire/client-hello-parse.js';
import { HRR_RANDOM } from '../../src/tls/wire/server-hello.js';
import { suiteByCode } from '../../src/tls/wire/suites.js';

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ext = (type: number, body: number[]) => [...u16(type), ...u16(body.length), ...body];
const handshake = (type: number, body: number[]) => [type, ...u24(body.length), ...body];
export const record = (type: number, version: number, body: number[]) => Buffer.from([type, ...u16(version), ...u16(body.length), ...body]);

export interface HelloFields {
  version?: number;
  random?: number[];
  sessionId?: number[];
  suite: number;
  extensions?: number[];
}

export function serverHello(f: HelloFields): number[] {
  const exts = f.extensions ?? [];
  const body = [
    ...u16(f.version ?? 0x0303), ...(f.random ?? [...randomBytes(32)]), (f.sessionId ?? []).length, ...(f.sessionId ?? []),
    ...u16(f.suite), 0, ...(exts.length ? [...u16(exts.length), ...exts] : []),
  ];
  return handshake(2, body);
}

const certificateMessage = (der: Uint8Array) => {
  const list = [...u24(der.length), ...der];
  return handshake(11, [...u24(list.length), ...list]);
};
const serverHelloDone = () => handshake(14, []);

/** RFC 8446 §4.1.3 downgrade sentinels. */
export const DOWNGRD = { tls12: [...Buffer.from('DOWNGRD'), 1], tls11: [...Buffer.from('DOWNGRD'), 0] };

/** The offered suite a legacy answer picks: the first TLS ≤ 1.2 suite, signalling values aside. */
function legacySuite(hello: ParsedClientHello, match: (code: number) => boolean = () => true): number | undefined {
  return hello.cipherSuites.find((c) => {
    const s = suiteByCode(c);
    return s !== undefined && !s.tls13 && c !== 0x00ff && c !== 0x5600 && match(c);
  });
}

/** What a behaviour sends for one parsed ClientHello; `end` closes the connection after it. */
export type Behaviour = (hello: ParsedClientHello, certificate: Uint8Array) => { bytes: Buffer; end?: boolean } | null;

const protocolVersionAlert = () => ({ bytes: record(21, 0x0303, [2, 70]), end: true });

export const BEHAVIOURS = {
  /** Every ClientHello, the retried one included, gets an HRR naming an offered group it sent no share for. */
  hrrLoop: (hello) => {
    const group = hello.groups.find((g) => !hello.keyShareGroups.includes(g)) ?? hello.groups[0] ?? 0x0017;
    const suite = hello.cipherSuites.find((c) => suiteByCode(c)?.tls13) ?? hello.cipherSuites[0]!;
    const extensions = [...ext(43, u16(0x0304)), ...ext(51, u16(group))];
    return { bytes: record(22, 0x0303, serverHello({ random: [...HRR_RANDOM], sessionId: [...hello.sessionId], suite, extensions })) };
  },
  /**
   * A TLS 1.3 server behind a box that rewrote the hello: TLS 1.2 offers (and TLS 1.3 ones, rewritten) get a full TLS 1.2
   * flight whose random ends in DOWNGRD\x01, as RFC 8446 §4.1.3 makes the TLS 1.3 server set it; older offers the
   * matching older answer with DOWNGRD\x00.
   */
  downgradeTls12: (hello, certificate) => {
    const version = Math.min(hello.version, 0x0303);
    const suite = legacySuite(hello, (c) => version === 0x0303 || !suiteByCode(c)!.tls12Only);
    if (suite === undefined || version < 0x0301) return protocolVersionAlert();
    const random = [...randomBytes(24), ...(version === 0x0303 ? DOWNGRD.tls12 : DOWNGRD.tls11)];
    return { bytes: record(22, version, [...serverHello({ version, random, suite, extensions: ext(0xff01, [0]) }), ...certificateMessage(certificate), ...serverHelloDone()]) };
  },
  /** A TLS 1.2 server pushed down to TLS 1.1: every offer of TLS 1.1 or more gets TLS 1.1 and DOWNGRD\x00. */
  downgradeTls11: (hello, certificate) => {
    const suite = legacySuite(hello, (c) => !suiteByCode(c)!.tls12Only);
    if (suite === undefined || hello.version < 0x0302) return protocolVersionAlert();
    const random = [...randomBytes(24), ...DOWNGRD.tls11];
    return { bytes: record(22, 0x0302, [...serverHello({ version: 0x0302, random, suite, extensions: ext(0xff01, [0]) }), ...certificateMessage(certificate), ...serverHelloDone()]) };
  },
  /** A ServerHello choosing TLS_NULL_WITH_NULL_NULL (0x0000), which no client offers (RFC 5246 §7.4.1.3 forbids it). */
  suiteNotOffered: () => ({ bytes: record(22, 0x0303, serverHello({ suite: 0x0000 })) }),
  /** legacy_version 0x0305: a version that does not exist. */
  serverVersion0305: (hello) => ({ bytes: record(22, 0x0303, serverHello({ version: 0x0305, suite: legacySuite(hello) ?? hello.cipherSuites[0]! })) }),
  /** supported_versions selecting 0x0305. */
  supportedVersions0305: (hello) => {
    const suite = hello.cipherSuites.find((c) => suiteByCode(c)?.tls13) ?? legacySuite(hello)!;
    return { bytes: record(22, 0x0303, serverHello({ suite, sessionId: [...hello.sessionId], extensions: [...ext(43, u16(0x0305)), ...ext(51, [...u16(0x001d), ...u16(32), ...randomBytes(32)])] })) };
  },
  /** A 33-byte legacy_session_id (RFC 5246 §7.4.1.3 allows 32 at most). */
  sessionId33: (hello) => ({ bytes: record(22, 0x0303, serverHello({ sessionId: [...randomBytes(33)], suite: legacySuite(hello) ?? hello.cipherSuites[0]! })) }),
  /** An ECDHE ServerKeyExchange for secp256r1 whose point claims 200 bytes inside a message that holds 65. */
  lyingPointLength: (hello, certificate) => {
    const suite = legacySuite(hello, (c) => suiteByCode(c)!.kx === 'ECDHE' && suiteByCode(c)!.au === 'RSA');
    if (suite === undefined || hello.version < 0x0301 || hello.supportedVersions.length) return protocolVersionAlert();
    const version = Math.min(hello.version, 0x0303);
    const ske = handshake(12, [3, ...u16(0x0017), 200, 4, ...randomBytes(64), ...u16(0x0401), ...u16(4), 1, 2, 3, 4]);
    return { bytes: record(22, version, [...serverHello({ version, suite, extensions: ext(0xff01, [0]) }), ...certificateMessage(certificate), ...ske]) };
  },
  /** The echo server: a ServerHello with the first suite offered (TLS ≤ 1.2 answer), then a close. Nothing else. */
  echoSuite: (hello) => {
    if (hello.supportedVersions.length || hello.version < 0x0300) return protocolVersionAlert();
    const suite = legacySuite(hello);
    if (suite === undefined) return protocolVersionAlert();
    return { bytes: record(22, hello.version, serverHello({ version: hello.version, suite, extensions: ext(0xff01, [0]) })), end: true };
  },
  /**
   * TLS 1.3 that answers a hello carrying an X25519 share with a ServerHello, asks a share-less hello (the group probe)
   * for secp256r1 by HRR, and answers the retried hello with internal_error: a group list that ends for a reason other
   * than "nothing more in common".
   */
  failOnRetry: (hello) => {
    const suite = hello.cipherSuites.find((c) => suiteByCode(c)?.tls13);
    if (!hello.supportedVersions.includes(0x0304) || suite === undefined) return protocolVersionAlert();
    const session = [...hello.sessionId];
    if (hello.keyShareGroups.includes(0x001d)) {
      return { bytes: record(22, 0x0303, serverHello({ sessionId: session, suite, extensions: [...ext(43, u16(0x0304)), ...ext(51, [...u16(0x001d), ...u16(32), ...randomBytes(32)])] })), end: true };
    }
    if (hello.keyShareGroups.length === 0 && hello.groups.includes(0x0017)) {
      return { bytes: record(22, 0x0303, serverHello({ random: [...HRR_RANDOM], sessionId: session, suite, extensions: [...ext(43, u16(0x0304)), ...ext(51, u16(0x0017))] })) };
    }
    return { bytes: record(21, 0x0303, [2, 80]), end: true };
  },
} satisfies Record<string, Behaviour>;

export type BehaviourName = keyof typeof BEHAVIOURS;

export interface HostileTlsServer {
  target: string;
  port: number;
  /** ClientHellos received, over all connections. */
  hellos: number;
  close(): Promise<void>;
}

/** Serve `behaviour` on 127.0.0.1, port 0. Each connection reads ClientHellos (several, for the retry) and answers each. */
export async function startHostileTlsServer(behaviour: Behaviour, certificate: Uint8Array): Promise<HostileTlsServer> {
  const sockets = new Set<Socket>();
  const state = { hellos: 0 };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 64 * 1024) return socket.destroy();
      // Bounded: at most 8 ClientHellos per connection.
      for (let n = 0; n < 8 && buf.length >= 5; n++) {
        const len = (buf[3]! << 8) | buf[4]!;
        if (buf.length < 5 + len) return;
        const fragment = buf.subarray(5, 5 + len);
        buf = buf.subarray(5 + len);
        if (fragment[0] !== 1) return socket.destroy();
        let hello: ParsedClientHello;
        try {
          hello = parseClientHello(fragment);
        } catch {
          return socket.end(record(21, 0x0303, [2, 50]));
        }
        state.hellos++;
        const out = behaviour(hello, certificate);
        if (!out) return socket.destroy();
        if (out.end) return socket.end(out.bytes);
        socket.write(out.bytes);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    target: `127.0.0.1:${port}`,
    port,
    get hellos() {
      return state.hellos;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
