/**
 * Redis RESP as a hostile server plays it (RESP2 specification, "Sending commands to a Redis server"): arrays of bulk
 * strings or inline commands; AUTH and HELLO … AUTH are credentials, every other command is application data — PING
 * and COMMAND included: a client that sends any command after the TLS handshake has accepted the connection.
 */
import { MitmError } from '../../errors.js';
import { out, text, type ProtocolSession, type SessionEvent, type SessionFactory, type SessionOutput } from './types.js';

/** Limits on one command: arguments and bulk length (the server's own proto-max-bulk-len is far larger; we need none of it). */
export const MAX_RESP_ARGS = 1024;
export const MAX_RESP_BULK_BYTES = 512 * 1024;
const MAX_RESP_LINE = 64 * 1024;

type Parse = { args: Buffer[]; used: number } | null;

function readLine(buf: Buffer, from: number): { line: string; next: number } | null {
  const cr = buf.indexOf('\r\n', from);
  if (cr < 0) {
    if (buf.length - from > MAX_RESP_LINE) throw new MitmError('MG_ERR_TOO_LARGE', `RESP line over ${MAX_RESP_LINE} bytes`);
    return null;
  }
  return { line: buf.subarray(from, cr).toString('latin1'), next: cr + 2 };
}

/** One command from the front of `buf`, or null when more bytes are needed. */
export function parseRespCommand(buf: Buffer): Parse {
  if (buf.length === 0) return null;
  if (buf[0] !== 0x2a /* '*' */) {
    const l = readLine(buf, 0);
    if (!l) return null;
    return { args: l.line.split(/\s+/).filter(Boolean).map((a) => Buffer.from(a, 'latin1')), used: l.next };
  }
  const head = readLine(buf, 0);
  if (!head) return null;
  const count = Number(head.line.slice(1));
  if (!Number.isInteger(count) || count < 0 || count > MAX_RESP_ARGS) throw new MitmError('MG_ERR_MALFORMED', `RESP array length ${head.line.slice(1, 20)}`);
  const args: Buffer[] = [];
  let at = head.next;
  for (let i = 0; i < count; i++) {
    const l = readLine(buf, at);
    if (!l) return null;
    if (!l.line.startsWith('$')) throw new MitmError('MG_ERR_MALFORMED', 'RESP array element is not a bulk string');
    const len = Number(l.line.slice(1));
    if (!Number.isInteger(len) || len < 0 || len > MAX_RESP_BULK_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `RESP bulk length ${l.line.slice(1, 20)}`);
    if (buf.length < l.next + len + 2) return null;
    args.push(buf.subarray(l.next, l.next + len));
    at = l.next + len + 2;
  }
  return { args, used: at };
}

function commandOutput(args: Buffer[]): SessionOutput {
  const name = (args[0]?.toString('latin1') ?? '').toUpperCase();
  const rest = Buffer.concat(args.slice(1).flatMap((a, i) => (i ? [Buffer.from(' '), a] : [a])));
  const events: SessionEvent[] = [];
  if (name === 'AUTH') {
    events.push({ kind: 'credential', summary: `AUTH (${args.length - 1} argument${args.length === 2 ? '' : 's'})`, significant: true, secret: rest });
    return out({ send: [text('+OK\r\n')], events });
  }
  if (name === 'HELLO') {
    const auth = args.findIndex((a) => a.toString('latin1').toUpperCase() === 'AUTH');
    if (auth > 0) events.push({ kind: 'credential', summary: 'HELLO AUTH', significant: true, secret: Buffer.concat(args.slice(auth + 1)) });
    else events.push({ kind: 'negotiation', summary: 'HELLO', significant: false });
    // Answer as a RESP2-only server: clients then fall back to RESP2 commands.
    return out({ send: [text('-NOPROTO unsupported protocol version\r\n')], events });
  }
  if (name === 'PING') return out({ send: [text('+PONG\r\n')], events: [{ kind: 'command', summary: 'PING', significant: true }] });
  if (name === 'QUIT') return out({ send: [text('+OK\r\n')], close: true });
  if (name === 'COMMAND') return out({ send: [text('*0\r\n')], events: [{ kind: 'command', summary: `COMMAND (${args.length - 1} arguments)`, significant: true }] });
  return out({
    send: [text('$-1\r\n')],
    events: [{ kind: 'command', summary: `${name.slice(0, 32) || '(empty)'} (${args.length - 1} arguments)`, significant: true, secret: rest }],
  });
}

export const redisSession: SessionFactory = (): ProtocolSession => {
  let buffer = Buffer.alloc(0);
  return {
    greet: () => out(),
    receive(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      const merged = out();
      try {
        for (;;) {
          const parsed = parseRespCommand(buffer);
          if (!parsed) break;
          buffer = buffer.subarray(parsed.used);
          if (parsed.args.length === 0) continue;
          const o = commandOutput(parsed.args);
          merged.send.push(...o.send);
          merged.events.push(...o.events);
          if (o.close) return { ...merged, close: true };
        }
      } catch (err) {
        return { ...merged, error: err instanceof MitmError ? err : new MitmError('MG_ERR_MALFORMED', String(err)), close: true };
      }
      return merged;
    },
    secured: () => out(),
  };
};
