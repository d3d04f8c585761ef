/**
 * The PostgreSQL frontend/backend startup as a hostile server plays it (protocol 3.0, PostgreSQL docs "Message Flow"
 * §55.2 and "Message Formats" §55.7): answer the SSLRequest with 'S' (upgrade) or 'N' (refuse), ask for a cleartext
 * password — which any client with a password then sends — accept it, and read queries.
 */
import { MitmError } from '../../errors.js';
import { ByteReader, ByteWriter } from '../../bytes.js';
import { merge, out, text, type ProtocolSession, type SessionEvent, type SessionFactory, type SessionOutput } from './types.js';
import { POSTGRES_REQUEST_CODES } from '../../starttls/postgres.js';

/** Startup packets are small; libpq caps them at 10000 bytes (MAX_STARTUP_PACKET_LENGTH in the server). */
export const MAX_STARTUP_BYTES = 10_000;
/** Regular messages: a query or password larger than this is not worth reading further. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const { ssl: SSL_REQUEST, gssenc: GSSENC_REQUEST, cancel: CANCEL_REQUEST, protocol30: PROTOCOL_3_0 } = POSTGRES_REQUEST_CODES;

function typed(type: string, body: Uint8Array = new Uint8Array()): Uint8Array {
  const w = new ByteWriter();
  w.u8(type.charCodeAt(0));
  w.u32(body.length + 4);
  w.bytes(body);
  return w.finish();
}
const int32 = (n: number): Uint8Array => { const w = new ByteWriter(); w.u32(n); return w.finish(); };
const cstrings = (...parts: string[]): Uint8Array => text(parts.map((p) => `${p}\0`).join(''));

/** ErrorResponse fields (§55.8): severity, code, message, terminated by a zero byte. */
const errorResponse = (severity: string, code: string, message: string): Uint8Array =>
  typed('E', cstrings(`S${severity}`, `V${severity}`, `C${code}`, `M${message}`, ''));

const AUTH_CLEARTEXT = typed('R', int32(3));
const AFTER_LOGIN = [
  typed('R', int32(0)), // AuthenticationOk
  typed('S', cstrings('server_version', '15.0')),
  typed('S', cstrings('client_encoding', 'UTF8')),
  typed('K', new Uint8Array(8)), // BackendKeyData
  typed('Z', text('I')), // ReadyForQuery, idle
];

/** Parameter names of a StartupMessage (the values — user, database — are not shown). */
function startupParameters(body: Uint8Array): string[] {
  const parts = Buffer.from(body).toString('utf8').split('\0');
  const names: string[] = [];
  for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) names.push(parts[i]!);
  return names;
}

export const postgresSession: SessionFactory = (initial): ProtocolSession => {
  const policy = { ...initial };
  let buffer = Buffer.alloc(0);
  let phase: 'startup' | 'password' | 'ready' = 'startup';

  /** One startup-phase packet: int32 length (including itself), int32 code, body. */
  function startupPacket(len: number, code: number, body: Uint8Array): SessionOutput {
    if (code === SSL_REQUEST) {
      const event: SessionEvent = { kind: 'negotiation', summary: 'SSLRequest', significant: false };
      if (!policy.tls && policy.startTls === 'offer') return out({ send: [text('S')], events: [event], upgrade: true });
      return out({ send: [text('N')], events: [event] });
    }
    if (code === GSSENC_REQUEST) return out({ send: [text('N')], events: [{ kind: 'negotiation', summary: 'GSSENCRequest', significant: false }] });
    if (code === CANCEL_REQUEST) return out({ close: true });
    if (code !== PROTOCOL_3_0) throw new MitmError('MG_ERR_PROTOCOL', `unknown startup code ${code} (length ${len})`);
    phase = 'password';
    const params = startupParameters(body);
    return out({
      send: [AUTH_CLEARTEXT],
      events: [{ kind: 'request', summary: `StartupMessage (${params.join(', ')})`, significant: true, secret: body }],
    });
  }

  function message(type: string, body: Uint8Array): SessionOutput {
    if (type === 'X') return out({ close: true });
    if (phase === 'password' && type === 'p') {
      phase = 'ready';
      const nul = body.indexOf(0);
      const secret = nul < 0 ? body : body.subarray(0, nul);
      return out({ send: AFTER_LOGIN, events: [{ kind: 'credential', summary: 'PasswordMessage', significant: true, secret }] });
    }
    if (type === 'Q') {
      return out({
        send: [errorResponse('ERROR', '42501', 'mitmguard audit endpoint: query not executed'), typed('Z', text('I'))],
        events: [{ kind: 'command', summary: `Query (${body.length} bytes)`, significant: true, secret: body }],
      });
    }
    return out({
      send: [errorResponse('ERROR', '0A000', `message ${JSON.stringify(type)} not supported by the audit endpoint`), typed('Z', text('I'))],
      events: [{ kind: 'command', summary: `message ${JSON.stringify(type)}`, significant: true }],
    });
  }

  function drain(): SessionOutput {
    const outputs: SessionOutput[] = [];
    for (;;) {
      if (phase === 'startup') {
        if (buffer.length < 8) break;
        const r = new ByteReader(buffer);
        const len = r.u32();
        if (len < 8 || len > MAX_STARTUP_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `startup packet length ${len} outside 8..${MAX_STARTUP_BYTES}`);
        if (buffer.length < len) break;
        const code = r.u32();
        const body = new Uint8Array(buffer.subarray(8, len));
        buffer = buffer.subarray(len);
        const o = startupPacket(len, code, body);
        outputs.push(o);
        if (o.upgrade) {
          buffer = Buffer.alloc(0); // nothing sent before the handshake may be honoured after it
          break;
        }
        if (o.close) break;
      } else {
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0]!);
        const len = buffer.readUInt32BE(1);
        if (len < 4 || len > MAX_MESSAGE_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `message length ${len} outside 4..${MAX_MESSAGE_BYTES}`);
        if (buffer.length < len + 1) break;
        const body = new Uint8Array(buffer.subarray(5, len + 1));
        buffer = buffer.subarray(len + 1);
        const o = message(type, body);
        outputs.push(o);
        if (o.close) break;
      }
    }
    return merge(outputs);
  }

  return {
    greet: () => out(),
    receive(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        return drain();
      } catch (err) {
        return out({ error: err instanceof MitmError ? err : new MitmError('MG_ERR_MALFORMED', String(err)), close: true });
      }
    },
    secured() {
      policy.tls = true;
      return out();
    },
  };
};
