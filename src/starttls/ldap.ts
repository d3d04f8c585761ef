import { MitmError, type MitmErrorCode } from '../errors.js';
import { ByteReader } from '../bytes.js';
import { BoundedBuffer } from './buffer.js';
import { emptyObservation, type DialogueOutput, type StartTlsDialogue, type StartTlsObservation } from './types.js';

/** RFC 4511 §4.14.1: the StartTLS extended request OID. */
export const LDAP_STARTTLS_OID = '1.3.6.1.4.1.1466.20037';
/** RFC 4511 §4.4.1: the Notice of Disconnection a server sends unsolicited with messageID 0. */
const NOTICE_OF_DISCONNECTION = '1.3.6.1.4.1.1466.20036';
/** An ExtendedResponse to StartTLS is a few dozen bytes; allow for a long diagnostic message. */
export const MAX_LDAP_MESSAGE = 16 * 1024;
const MESSAGE_ID = 1;

/** RFC 4511 §4.1.9 result codes, by name for reports. */
const RESULT_NAMES: Record<number, string> = {
  0: 'success',
  1: 'operationsError',
  2: 'protocolError',
  3: 'timeLimitExceeded',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  80: 'other',
};

/** BER length (X.690 §8.1.3): short form, or long form with up to 4 length octets. */
function berLength(r: ByteReader): number {
  const first = r.u8('length');
  if (first < 0x80) return first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new MitmError('MG_ERR_MALFORMED', `ldap: unsupported BER length form 0x${first.toString(16)}`);
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + r.u8('length');
  return len;
}

function tlv(r: ByteReader, expectTag: number, what: string): ByteReader {
  const tag = r.u8(what);
  if (tag !== expectTag) throw new MitmError('MG_ERR_MALFORMED', `ldap: ${what} has tag 0x${tag.toString(16)}, expected 0x${expectTag.toString(16)}`);
  const len = berLength(r);
  return new ByteReader(r.take(len, what), `ldap/${what}`);
}

function berInteger(r: ByteReader, tag: number, what: string): number {
  const v = tlv(r, tag, what).rest();
  if (v.length === 0 || v.length > 4) throw new MitmError('MG_ERR_MALFORMED', `ldap: ${what} has ${v.length} bytes`);
  let n = v[0]! & 0x80 ? -1 : 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** The StartTLS ExtendedRequest (RFC 4511 §4.12, §4.14.1) as BER: messageID 1, [APPLICATION 23] { [0] OID }. */
export function encodeStartTlsRequest(): Uint8Array {
  const oid = Buffer.from(LDAP_STARTTLS_OID, 'ascii');
  const name = Buffer.concat([Buffer.from([0x80, oid.length]), oid]);
  const op = Buffer.concat([Buffer.from([0x77, name.length]), name]);
  const id = Buffer.from([0x02, 0x01, MESSAGE_ID]);
  return Uint8Array.from(Buffer.concat([Buffer.from([0x30, id.length + op.length]), id, op]));
}

export interface LdapExtendedResponse {
  messageId: number;
  resultCode: number;
  diagnosticMessage: string;
  responseName: string | null;
}

/**
 * Parse one LDAPMessage holding an ExtendedResponse (RFC 4511 §4.12). Returns null when the buffer does not yet hold
 * the whole message; throws MG_ERR_PROTOCOL when the bytes are not LDAP at all.
 */
export function parseExtendedResponse(bytes: Uint8Array): { response: LdapExtendedResponse; length: number } | null {
  if (bytes.length === 0) return null;
  if (bytes[0] !== 0x30) throw new MitmError('MG_ERR_PROTOCOL', `ldap: first byte 0x${bytes[0]!.toString(16)} is not an LDAPMessage SEQUENCE`);
  const head = new ByteReader(bytes, 'ldap');
  head.u8();
  let len: number;
  try {
    len = berLength(head);
  } catch (err) {
    if ((err as MitmError).code === 'MG_ERR_TRUNCATED') return null;
    throw err;
  }
  if (len > MAX_LDAP_MESSAGE) throw new MitmError('MG_ERR_TOO_LARGE', `ldap: message of ${len} bytes exceeds ${MAX_LDAP_MESSAGE}`);
  if (head.remaining < len) return null;
  const msg = new ByteReader(head.take(len), 'ldap/message');
  const messageId = berInteger(msg, 0x02, 'messageID');
  const op = tlv(msg, 0x78, 'extendedResp');
  const resultCode = berInteger(op, 0x0a, 'resultCode');
  tlv(op, 0x04, 'matchedDN');
  const diagnosticMessage = Buffer.from(tlv(op, 0x04, 'diagnosticMessage').rest()).toString('utf8');
  let responseName: string | null = null;
  while (!op.done) {
    const tag = op.bytes[op.position]!;
    const field = tlv(op, tag, 'field');
    if (tag === 0x8a) responseName = Buffer.from(field.rest()).toString('ascii');
  }
  return { response: { messageId, resultCode, diagnosticMessage, responseName }, length: head.position };
}

/** LDAP StartTLS (RFC 4511 §4.14, RFC 4513 §3): the client speaks first; success is resultCode 0. */
export class LdapDialogue implements StartTlsDialogue {
  readonly protocol = 'ldap' as const;
  private readonly obs = emptyObservation('ldap');
  private readonly buf = new BoundedBuffer('ldap');
  private ready = false;

  start(): DialogueOutput {
    return { send: [encodeStartTlsRequest()], ready: false, trailing: 0 };
  }

  receive(bytes: Uint8Array): DialogueOutput {
    if (this.ready) return { send: [], ready: true, trailing: bytes.length };
    this.buf.push(bytes);
    let parsed: ReturnType<typeof parseExtendedResponse>;
    try {
      parsed = parseExtendedResponse(this.buf.bytes);
    } catch (err) {
      throw this.fail(err instanceof MitmError && err.code !== 'MG_ERR_TOO_LARGE' ? 'MG_ERR_PROTOCOL' : 'MG_ERR_TOO_LARGE', (err as Error).message);
    }
    if (!parsed) return { send: [], ready: false, trailing: 0 };
    const { response } = parsed;
    const name = RESULT_NAMES[response.resultCode] ?? `result ${response.resultCode}`;
    this.obs.upgradeReply = `${response.resultCode} ${name}${response.diagnosticMessage ? `: ${response.diagnosticMessage.slice(0, 200)}` : ''}`;
    if (response.messageId === 0 && response.responseName === NOTICE_OF_DISCONNECTION) {
      throw this.fail('MG_ERR_STARTTLS', `server disconnected: ${this.obs.upgradeReply}`);
    }
    if (response.messageId !== MESSAGE_ID) throw this.fail('MG_ERR_PROTOCOL', `answer to message ${response.messageId}, expected ${MESSAGE_ID}`);
    // RFC 4511 §4.14.2: a server that does not support TLS, by design or configuration, answers protocolError.
    if (response.resultCode === 2) this.obs.startTlsAdvertised = false;
    if (response.resultCode !== 0) throw this.fail('MG_ERR_STARTTLS', `StartTLS refused: ${this.obs.upgradeReply}`);
    this.ready = true;
    this.obs.upgraded = true;
    return { send: [], ready: true, trailing: this.buf.bytes.length - parsed.length };
  }

  observation(): StartTlsObservation {
    return structuredClone(this.obs);
  }

  private fail(code: MitmErrorCode, message: string): MitmError {
    return new MitmError(code, message.startsWith('ldap') ? message : `ldap: ${message}`, { details: { observation: this.observation() } });
  }
}
