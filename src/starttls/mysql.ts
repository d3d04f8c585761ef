import { MitmError, type MitmErrorCode } from '../errors.js';
import { ByteReader } from '../bytes.js';
import { BoundedBuffer } from './buffer.js';
import { emptyObservation, type DialogueOutput, type StartTlsDialogue, type StartTlsObservation } from './types.js';

/** The initial handshake is ~80 bytes; a packet header may declare up to 16 MiB, which we never buffer. */
export const MAX_MYSQL_HANDSHAKE = 4096;

/** Capability flags (MySQL client/server protocol, "Capabilities Flags"; MariaDB uses the same low 32 bits). */
export const MYSQL_CAPABILITIES: ReadonlyArray<readonly [number, string]> = [
  [0x00000001, 'LONG_PASSWORD'],
  [0x00000008, 'CONNECT_WITH_DB'],
  [0x00000020, 'COMPRESS'],
  [0x00000080, 'LOCAL_FILES'],
  [0x00000200, 'PROTOCOL_41'],
  [0x00000800, 'SSL'],
  [0x00002000, 'TRANSACTIONS'],
  [0x00008000, 'SECURE_CONNECTION'],
  [0x00010000, 'MULTI_STATEMENTS'],
  [0x00020000, 'MULTI_RESULTS'],
  [0x00080000, 'PLUGIN_AUTH'],
  [0x00100000, 'CONNECT_ATTRS'],
  [0x00200000, 'PLUGIN_AUTH_LENENC_CLIENT_DATA'],
  [0x01000000, 'SESSION_TRACK'],
  [0x40000000, 'SSL_VERIFY_SERVER_CERT'],
];
const CLIENT_SSL = 0x0800;
/** What the SSLRequest claims: enough for any server since 4.1 to accept a TLS handshake next. */
const CLIENT_FLAGS = 0x00000001 | 0x00000200 | CLIENT_SSL | 0x00002000 | 0x00008000 | 0x00080000;
const MAX_PACKET = 16 * 1024 * 1024;
/** utf8mb4_general_ci; the collation only matters for the login that never happens here. */
const CHARSET = 45;

export interface MysqlGreeting {
  protocolVersion: number;
  serverVersion: string;
  connectionId: number;
  capabilities: number;
  charset: number | null;
}

/** Parse the initial handshake payload (protocol 10) or an ERR packet (0xff) sent instead of it. */
export function parseMysqlGreeting(payload: Uint8Array): MysqlGreeting {
  const r = new ByteReader(payload, 'mysql/handshake');
  const version = r.u8('protocol version');
  if (version === 0xff) {
    const code = r.remaining >= 2 ? r.u8() | (r.u8() << 8) : 0;
    const message = Buffer.from(r.rest()).toString('utf8').replace(/^#\w{5}/, '').slice(0, 200);
    throw new MitmError('MG_ERR_STARTTLS', `mysql: server refused the connection: ${code} ${message}`, { details: { errorCode: code } });
  }
  if (version !== 10 && version !== 9) throw new MitmError('MG_ERR_PROTOCOL', `mysql: protocol version ${version} is not MySQL`);
  const rest = r.bytes.subarray(r.position);
  const nul = rest.indexOf(0);
  if (nul < 0 || nul > 128) throw new MitmError('MG_ERR_PROTOCOL', 'mysql: server version is not a short NUL-terminated string');
  const serverVersion = Buffer.from(rest.subarray(0, nul)).toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(serverVersion)) throw new MitmError('MG_ERR_PROTOCOL', 'mysql: server version is not printable');
  r.skip(nul + 1);
  if (version === 9) return { protocolVersion: 9, serverVersion, connectionId: r.u32(), capabilities: 0, charset: null };
  const idBytes = r.take(4, 'connection id');
  const connectionId = (idBytes[0]! | (idBytes[1]! << 8) | (idBytes[2]! << 16)) + idBytes[3]! * 0x1000000;
  r.skip(8, 'auth-plugin-data-part-1');
  r.skip(1, 'filler');
  let capabilities = r.u8() | (r.u8() << 8);
  let charset: number | null = null;
  if (r.remaining >= 5) {
    charset = r.u8('charset');
    r.skip(2, 'status flags');
    capabilities |= (r.u8() | (r.u8() << 8)) << 16;
    capabilities >>>= 0;
  }
  return { protocolVersion: 10, serverVersion, connectionId, capabilities, charset };
}

/** The SSLRequest packet (HandshakeResponse41 cut after the filler), sequence id 1. */
export function encodeSslRequest(): Uint8Array {
  const p = Buffer.alloc(4 + 32);
  p.writeUIntLE(32, 0, 3);
  p[3] = 1;
  p.writeUInt32LE(CLIENT_FLAGS, 4);
  p.writeUInt32LE(MAX_PACKET, 8);
  p[12] = CHARSET;
  return Uint8Array.from(p);
}

/**
 * MySQL/MariaDB: the server speaks first with its handshake; if it advertises CLIENT_SSL the client answers with an
 * SSLRequest and the TLS ClientHello follows at once, with no answer from the server in between.
 */
export class MysqlDialogue implements StartTlsDialogue {
  readonly protocol = 'mysql' as const;
  private readonly obs = emptyObservation('mysql');
  private readonly buf = new BoundedBuffer('mysql', MAX_MYSQL_HANDSHAKE);
  private ready = false;

  start(): DialogueOutput {
    return { send: [], ready: false, trailing: 0 };
  }

  receive(bytes: Uint8Array): DialogueOutput {
    if (this.ready) return { send: [], ready: true, trailing: bytes.length };
    try {
      this.buf.push(bytes);
    } catch (err) {
      throw this.wrap(err);
    }
    const b = this.buf.bytes;
    if (b.length < 4) return { send: [], ready: false, trailing: 0 };
    const len = b.readUIntLE(0, 3);
    if (b[3] !== 0) throw this.fail('MG_ERR_PROTOCOL', `first packet has sequence id ${b[3]}, expected 0`);
    if (len === 0 || len > MAX_MYSQL_HANDSHAKE) throw this.fail('MG_ERR_PROTOCOL', `first packet declares ${len} bytes: not a MySQL handshake`);
    if (b.length < 4 + len) return { send: [], ready: false, trailing: 0 };
    let greeting: MysqlGreeting;
    try {
      greeting = parseMysqlGreeting(b.subarray(4, 4 + len));
    } catch (err) {
      throw this.wrap(err);
    }
    this.obs.banner = greeting.serverVersion;
    this.obs.serverVersion = greeting.serverVersion;
    this.obs.capabilities = MYSQL_CAPABILITIES.filter(([bit]) => (greeting.capabilities & bit) !== 0).map(([, name]) => name);
    this.obs.startTlsAdvertised = (greeting.capabilities & CLIENT_SSL) !== 0;
    // The password exchange happens after this point, encrypted only if the client upgrades first.
    this.obs.authBeforeTls = [];
    if (!this.obs.startTlsAdvertised) throw this.fail('MG_ERR_STARTTLS', 'server does not advertise CLIENT_SSL');
    this.ready = true;
    this.obs.upgraded = true;
    this.obs.upgradeReply = 'SSLRequest sent';
    return { send: [encodeSslRequest()], ready: true, trailing: b.length - 4 - len };
  }

  observation(): StartTlsObservation {
    return structuredClone(this.obs);
  }

  private wrap(err: unknown): MitmError {
    const e = err instanceof MitmError ? err : new MitmError('MG_ERR_PROTOCOL', String(err));
    const code = e.code === 'MG_ERR_TRUNCATED' || e.code === 'MG_ERR_MALFORMED' ? 'MG_ERR_PROTOCOL' : e.code;
    return new MitmError(code, e.message, { cause: e, details: { ...e.details, observation: this.observation() } });
  }

  private fail(code: MitmErrorCode, message: string): MitmError {
    return new MitmError(code, `mysql: ${message}`, { details: { observation: this.observation() } });
  }
}
