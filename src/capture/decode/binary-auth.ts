/**
 * Binary login dialogues: LDAP simple bind (RFC 4511 §4.2, BER per X.690) and the PostgreSQL password message
 * (PostgreSQL frontend/backend protocol 3.0: StartupMessage, AuthenticationCleartextPassword / MD5Password,
 * PasswordMessage). Client bytes are buffered up to MAX_BINARY_DIALOGUE_BYTES; secrets are redacted where they are read.
 */
import { redact } from '../redact.js';
import type { CredentialKind, PlaintextCallbacks } from './plaintext.js';

/** Client bytes of one flow these decoders look at before giving up. */
export const MAX_BINARY_DIALOGUE_BYTES = 64 * 1024;

/** What a flow's plain-text reader offers the analyser (the line reader and these share it). */
export interface PlainDialogue {
  protocolName: string;
  upgradeRequested: boolean;
  client(bytes: Uint8Array, frame: number, ts: number): void;
  server(bytes: Uint8Array): void;
}

const latin1 = new TextDecoder('latin1');

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** X.690 §8.1: tag, length (short or long form, at most 4 length bytes); null when incomplete or not BER. */
function tlv(b: Uint8Array, off: number): { tag: number; start: number; end: number } | null {
  if (off + 2 > b.length) return null;
  const tag = b[off]!;
  let len = b[off + 1]!;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  return { tag, start, end: start + len };
}

/** RFC 4511 §4.14.1: the StartTLS extended request's OID. */
const STARTTLS_OID = '1.3.6.1.4.1.1466.20037';

export class LdapBindDecoder implements PlainDialogue {
  protocolName = 'ldap';
  upgradeRequested = false;
  private buf: Uint8Array = new Uint8Array(0);
  private seen = 0;
  private done = false;

  constructor(
    private readonly salt: string,
    private readonly on: PlaintextCallbacks,
  ) {}

  server(): void {}

  client(bytes: Uint8Array, frame: number, ts: number): void {
    if (this.done) return;
    this.seen += bytes.length;
    if (this.seen > MAX_BINARY_DIALOGUE_BYTES) {
      this.done = true;
      return;
    }
    this.buf = join(this.buf, bytes);
    for (;;) {
      const msg = tlv(this.buf, 0);
      if (!msg || msg.end > this.buf.length) return;
      if (msg.tag !== 0x30) {
        this.done = true;
        return;
      }
      this.message(this.buf.subarray(msg.start, msg.end), frame, ts);
      this.buf = this.buf.slice(msg.end);
    }
  }

  /** LDAPMessage body: messageID INTEGER, then the protocol op. */
  private message(body: Uint8Array, frame: number, ts: number): void {
    const id = tlv(body, 0);
    if (!id || id.tag !== 0x02) return;
    const op = tlv(body, id.end);
    if (!op || op.end > body.length) return;
    if (op.tag === 0x77) {
      // ExtendedRequest [APPLICATION 23]: requestName [0] LDAPOID.
      const name = tlv(body, op.start);
      if (name && name.tag === 0x80 && latin1.decode(body.subarray(name.start, name.end)) === STARTTLS_OID) this.upgradeRequested = true;
      return;
    }
    if (op.tag !== 0x60) return;
    // BindRequest [APPLICATION 0]: version INTEGER, name OCTET STRING, authentication CHOICE { simple [0], sasl [3] }.
    const version = tlv(body, op.start);
    if (!version || version.tag !== 0x02) return;
    const name = tlv(body, version.end);
    if (!name || name.tag !== 0x04 || name.end > op.end) return;
    const auth = tlv(body, name.end);
    if (!auth || auth.end > op.end) return;
    const user = latin1.decode(body.subarray(name.start, name.end));
    if (auth.tag === 0x80 && auth.end > auth.start) {
      this.on.credential({ protocol: 'ldap', kind: 'password', user, secret: redact(body.subarray(auth.start, auth.end), this.salt) }, frame, ts);
    }
  }
}

export class PostgresPasswordDecoder implements PlainDialogue {
  protocolName = 'postgresql';
  upgradeRequested = false;
  private buf: Uint8Array = new Uint8Array(0);
  private seen = 0;
  private startupRead = false;
  private user: string | null = null;
  /** What the server asked for: 3 cleartext, 5 MD5 (AuthenticationRequest codes). */
  private asked: number | null = null;
  private done = false;

  constructor(
    private readonly salt: string,
    private readonly on: PlaintextCallbacks,
  ) {}

  server(bytes: Uint8Array): void {
    // Authentication request: 'R', int32 length, int32 code.
    if (this.asked === null && bytes.length >= 9 && bytes[0] === 0x52) this.asked = (bytes[5]! << 24) | (bytes[6]! << 16) | (bytes[7]! << 8) | bytes[8]!;
  }

  client(bytes: Uint8Array, frame: number, ts: number): void {
    if (this.done) return;
    this.seen += bytes.length;
    if (this.seen > MAX_BINARY_DIALOGUE_BYTES) {
      this.done = true;
      return;
    }
    this.buf = join(this.buf, bytes);
    for (;;) {
      if (!this.startupRead) {
        // StartupMessage / SSLRequest: int32 length (itself included), int32 code, then key\0value\0… pairs.
        if (this.buf.length < 8) return;
        const len = ((this.buf[0]! << 24) | (this.buf[1]! << 16) | (this.buf[2]! << 8) | this.buf[3]!) >>> 0;
        if (len < 8 || len > 10_000) {
          this.done = true;
          return;
        }
        if (this.buf.length < len) return;
        const code = ((this.buf[4]! << 24) | (this.buf[5]! << 16) | (this.buf[6]! << 8) | this.buf[7]!) >>> 0;
        if (code === 80877103) this.upgradeRequested = true; // SSLRequest
        else if (code === 196608) {
          const params = latin1.decode(this.buf.subarray(8, len)).split('\0');
          const i = params.indexOf('user');
          this.user = i >= 0 ? (params[i + 1] ?? null) : null;
          this.startupRead = true;
        }
        this.buf = this.buf.slice(len);
        continue;
      }
      // Regular message: type byte, int32 length (itself included), body.
      if (this.buf.length < 5) return;
      const len = ((this.buf[1]! << 24) | (this.buf[2]! << 16) | (this.buf[3]! << 8) | this.buf[4]!) >>> 0;
      if (len < 4 || len > 65_536) {
        this.done = true;
        return;
      }
      if (this.buf.length < 1 + len) return;
      if (this.buf[0] === 0x70) {
        // PasswordMessage: the password (cleartext) or "md5" + hex digest, NUL-terminated.
        const value = latin1.decode(this.buf.subarray(5, 1 + len)).replace(/\0$/, '');
        const kind: CredentialKind = value.startsWith('md5') && value.length === 35 && this.asked !== 3 ? 'password-md5' : 'password';
        this.on.credential({ protocol: 'postgresql', kind, user: this.user, secret: redact(value, this.salt) }, frame, ts);
        this.done = true;
        return;
      }
      this.buf = this.buf.slice(1 + len);
    }
  }
}

/**
 * Telnet logins (RFC 854): the server prompts `login:` and `Password:`, the client types a line after each, often one
 * character per segment. Option negotiation (IAC commands, RFC 854 §"TELNET COMMAND STRUCTURE"; subnegotiation
 * RFC 855) is stripped from both directions before reading.
 */
export class TelnetLoginDecoder implements PlainDialogue {
  protocolName = 'telnet';
  upgradeRequested = false;
  private prompt: 'user' | 'password' | null = null;
  private line = '';
  private user: string | null = null;
  private seen = 0;
  private inSub = [false, false];
  private iac = [0, 0];

  constructor(
    private readonly salt: string,
    private readonly on: PlaintextCallbacks,
  ) {}

  /** Data bytes with IAC sequences removed; state kept per direction across segments. */
  private strip(dir: 0 | 1, bytes: Uint8Array): string {
    let out = '';
    for (const b of bytes) {
      if (this.iac[dir] === 1) {
        // After IAC: 255 is an escaped data byte; SB starts, SE ends a subnegotiation; WILL/WONT/DO/DONT take an option.
        if (b === 255 && !this.inSub[dir]) out += '\xff';
        if (b === 250) this.inSub[dir] = true;
        if (b === 240) this.inSub[dir] = false;
        this.iac[dir] = b >= 251 && b <= 254 ? 2 : 0;
        continue;
      }
      if (this.iac[dir] === 2) {
        this.iac[dir] = 0;
        continue;
      }
      if (b === 255) {
        this.iac[dir] = 1;
        continue;
      }
      if (!this.inSub[dir]) out += String.fromCharCode(b);
    }
    return out;
  }

  server(bytes: Uint8Array): void {
    const text = this.strip(1, bytes);
    if (/(login|username|user name)\s*:\s*$/i.test(text)) this.prompt = 'user';
    else if (/password\s*:\s*$/i.test(text)) this.prompt = 'password';
  }

  client(bytes: Uint8Array, frame: number, ts: number): void {
    this.seen += bytes.length;
    if (this.seen > MAX_BINARY_DIALOGUE_BYTES) return;
    for (const ch of this.strip(0, bytes)) {
      if (ch === '\r' || ch === '\n' || ch === '\0') {
        if (this.line.length) this.entered(this.line, frame, ts);
        this.line = '';
      } else if (ch === '\x7f' || ch === '\b') this.line = this.line.slice(0, -1);
      else if (this.line.length < 256) this.line += ch;
    }
  }

  private entered(line: string, frame: number, ts: number): void {
    if (this.prompt === 'user') this.user = line;
    else if (this.prompt === 'password') this.on.credential({ protocol: 'telnet', kind: 'password', user: this.user, secret: redact(line, this.salt) }, frame, ts);
    this.prompt = null;
  }
}
