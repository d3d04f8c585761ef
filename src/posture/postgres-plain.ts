/**
 * Does PostgreSQL accept a session without TLS? Send a StartupMessage (protocol 3.0) for a user that does not exist,
 * in plain text, and read the first answer. pg_hba `hostssl` rejects it in ClientAuthentication with "no encryption";
 * `host` lets it through to authentication (an AuthenticationRequest) or to the role lookup. No password is sent.
 */
import { MitmError } from '../errors.js';

/** Protocol 3.0 (PostgreSQL protocol §55.7 StartupMessage). */
const PROTOCOL_3_0 = 196608;
/** The first answer is a short message; an ErrorResponse with all fields fits well within this. */
export const MAX_POSTGRES_ANSWER = 8192;
export const PROBE_USER = 'mitmguard_probe';

export function encodeStartupMessage(user = PROBE_USER, database = user): Uint8Array {
  const params = Buffer.from(`user\0${user}\0database\0${database}\0application_name\0mitmguard\0\0`, 'utf8');
  const msg = Buffer.alloc(8 + params.length);
  msg.writeUInt32BE(msg.length, 0);
  msg.writeUInt32BE(PROTOCOL_3_0, 4);
  params.copy(msg, 8);
  return Uint8Array.from(msg);
}

export interface PostgresAnswer {
  type: string;
  /** ErrorResponse fields by code (S, V, C, M, R, …); the authentication code for 'R'. */
  fields: Record<string, string>;
}

/** Parse the first backend message; null when incomplete. MG_ERR_PROTOCOL for bytes that are not PostgreSQL. */
export function parseFirstAnswer(bytes: Uint8Array): PostgresAnswer | null {
  if (bytes.length < 5) return null;
  const type = String.fromCharCode(bytes[0]!);
  const len = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(1);
  if (!'REvN'.includes(type) || len < 4) throw new MitmError('MG_ERR_PROTOCOL', `postgres: answer type 0x${bytes[0]!.toString(16)} is not a backend message`);
  if (len > MAX_POSTGRES_ANSWER) throw new MitmError('MG_ERR_TOO_LARGE', `postgres: answer of ${len} bytes exceeds ${MAX_POSTGRES_ANSWER}`);
  if (bytes.length < 1 + len) return null;
  const body = Buffer.from(bytes.subarray(5, 1 + len));
  const fields: Record<string, string> = {};
  if (type === 'R') {
    if (body.length < 4) throw new MitmError('MG_ERR_MALFORMED', 'postgres: short AuthenticationRequest');
    fields.auth = String(body.readUInt32BE(0));
  } else if (type === 'E' || type === 'N') {
    // §55.8: a list of (code byte, NUL-terminated string), ended by a zero byte.
    let off = 0;
    while (off < body.length && body[off] !== 0) {
      const code = String.fromCharCode(body[off]!);
      const end = body.indexOf(0, off + 1);
      if (end < 0) throw new MitmError('MG_ERR_MALFORMED', 'postgres: unterminated error field');
      fields[code] = body.subarray(off + 1, end).toString('utf8').slice(0, 300);
      off = end + 1;
    }
  }
  return { type, fields };
}

/** Judge the answer: refused only when pg_hba's ClientAuthentication rejected the connection for lack of TLS. */
export function judgePlainStartup(answer: PostgresAnswer): { plaintextStartup: 'accepted' | 'refused' | 'unknown'; answer: string } {
  if (answer.type === 'R') return { plaintextStartup: 'accepted', answer: `R${answer.fields.auth ?? ''}` };
  if (answer.type === 'E') {
    const f = answer.fields;
    const text = `E ${f.C ?? ''} ${f.R ?? ''}: ${f.M ?? ''}`.trim();
    // The routine name (R) is not translated, unlike the message; "no encryption" is the hostssl rejection.
    if (f.R === 'ClientAuthentication' && /no encryption|pg_hba/i.test(f.M ?? '')) return { plaintextStartup: 'refused', answer: text };
    if (f.R === 'ClientAuthentication') return { plaintextStartup: 'unknown', answer: text };
    return { plaintextStartup: 'accepted', answer: text };
  }
  return { plaintextStartup: 'unknown', answer: answer.type };
}
