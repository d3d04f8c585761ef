/**
 * Plain-text dialogues and the credentials they carry: HTTP authorisation headers, session cookies and password form
 * fields (RFC 9110 §11, RFC 7617), FTP USER/PASS (RFC 959 §4.1.1), POP3 USER/PASS/APOP (RFC 1939 §7), IMAP LOGIN and
 * AUTHENTICATE PLAIN (RFC 9051 §6.2), SMTP AUTH PLAIN/LOGIN (RFC 4954, RFC 4616), Redis AUTH (RESP), SNMPv1/v2c
 * community strings (RFC 1157 §4) — and STARTTLS upgrades, after which the flow is encrypted.
 *
 * Secrets are redacted where they are decoded (./redact.ts): only the protocol, the user name and a salted hash
 * prefix leave this module.
 */
import { CAPTURE_LIMITS } from '../limits.js';
import { redact, type RedactedSecret } from '../redact.js';

export type CredentialKind = 'password' | 'password-md5' | 'http-basic' | 'http-bearer' | 'http-digest' | 'session-cookie' | 'form-password' | 'sasl-plain' | 'sasl-login' | 'apop' | 'community';

export interface Credential {
  protocol: string;
  kind: CredentialKind;
  /** The user name where the protocol shows one (never redacted: it is what the owner needs to rotate). */
  user: string | null;
  /** The secret, redacted; null for kinds that show none (a digest response). */
  secret: RedactedSecret | null;
}

/** Plain-text protocols by server port; the dialogue decides where a banner says otherwise. */
export const PLAINTEXT_PORTS: Readonly<Record<number, string>> = {
  21: 'ftp', 23: 'telnet', 25: 'smtp', 80: 'http', 110: 'pop3', 143: 'imap', 389: 'ldap', 587: 'smtp', 1883: 'mqtt',
  3306: 'mysql', 5432: 'postgresql', 6379: 'redis', 8000: 'http', 8080: 'http', 11211: 'memcached', 2375: 'docker', 5900: 'vnc', 512: 'rexec', 513: 'rlogin', 514: 'rsh',
};

/** Ports of encrypted protocols, for flows whose first bytes we did not see. */
export const ENCRYPTED_PORTS: Readonly<Record<number, string>> = {
  22: 'ssh', 443: 'tls', 465: 'tls', 636: 'tls', 853: 'tls', 989: 'tls', 990: 'tls', 993: 'tls', 995: 'tls', 8443: 'tls', 5061: 'tls', 6697: 'tls',
  500: 'ipsec', 4500: 'ipsec', 51820: 'wireguard', 1194: 'openvpn',
};

const HTTP_METHOD = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE|PROPFIND) \S+ HTTP\/1\.[01]$/;
const STARTTLS = /^(?:[A-Za-z0-9.]+ )?(STARTTLS|STLS|AUTH TLS|AUTH SSL)$/i;
const PASSWORD_FIELD = /(?:^|&)(?:pass|password|passwd|pwd|secret|pin)=([^&]*)/i;
const USER_FIELD = /(?:^|&)(?:user|username|login|email|name)=([^&]*)/i;

const latin1 = new TextDecoder('latin1');

function b64(text: string): string {
  return Buffer.from(text.trim(), 'base64').toString('latin1');
}

function urlDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** IMAP atoms or quoted strings (RFC 9051 §4.3), enough for `LOGIN user pass`. */
function imapArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

export interface PlaintextCallbacks {
  credential(c: Credential, frameNumber: number, timestampUs: number): void;
  /** The client asked for STARTTLS and the next bytes are TLS: the caller switches decoders. */
  protocol(name: string): void;
}

/**
 * A line-oriented reader of one flow's client bytes (server bytes only name the protocol by their banner). Bounded by
 * `maxLinesPerFlow` and `maxLineBytes`.
 */
export class PlaintextDecoder {
  private partial = '';
  private lines = 0;
  private pending: { kind: 'imap-plain' | 'smtp-plain' | 'smtp-login-user' | 'smtp-login-pass'; user?: string } | null = null;
  private user: string | null = null;
  private http: { inHead: boolean; headers: Map<string, string>; bodyLeft: number; body: string } = { inHead: false, headers: new Map(), bodyLeft: 0, body: '' };
  private resp: { want: number; items: string[] } | null = null;
  private bannerSeen = false;
  /** STARTTLS was asked for: the caller watches for TLS bytes next. */
  upgradeRequested = false;
  protocolName: string;

  constructor(
    protocol: string,
    private readonly salt: string,
    private readonly on: PlaintextCallbacks,
  ) {
    this.protocolName = protocol;
  }

  /** Server bytes: the first line names FTP/SMTP/POP3/IMAP when the port did not. */
  server(bytes: Uint8Array): void {
    if (this.bannerSeen) return;
    this.bannerSeen = true;
    const first = latin1.decode(bytes.subarray(0, 256)).split(/\r?\n/)[0] ?? '';
    const named = /^\+OK/.test(first) ? 'pop3' : /^\* (OK|PREAUTH)/.test(first) ? 'imap' : /^220[ -].*\b(E?SMTP|Postfix|Exim|Sendmail)\b/i.test(first) ? 'smtp' : /^220[ -].*\bFTP\b/i.test(first) ? 'ftp' : /^SSH-/.test(first) ? 'ssh' : null;
    if (named && named !== this.protocolName) {
      this.protocolName = named;
      this.on.protocol(named);
    }
  }

  client(bytes: Uint8Array, frame: number, ts: number): void {
    if (this.lines >= CAPTURE_LIMITS.maxLinesPerFlow) return;
    if (this.http.bodyLeft > 0) {
      const take = Math.min(this.http.bodyLeft, bytes.length);
      if (this.http.body.length < 4096) this.http.body += latin1.decode(bytes.subarray(0, Math.min(take, 4096 - this.http.body.length)));
      this.http.bodyLeft -= take;
      bytes = bytes.subarray(take);
      if (this.http.bodyLeft === 0) this.httpBody(frame, ts);
      if (bytes.length === 0) return;
    }
    const text = this.partial + latin1.decode(bytes);
    const parts = text.split('\n');
    this.partial = parts.pop()!;
    if (this.partial.length > CAPTURE_LIMITS.maxLineBytes) this.partial = '';
    for (let i = 0; i < parts.length; i++) {
      if (++this.lines > CAPTURE_LIMITS.maxLinesPerFlow) return;
      this.line(parts[i]!.replace(/\r$/, ''), frame, ts);
      if (this.http.bodyLeft > 0) {
        // The rest of this chunk (after the blank line) is the body.
        const rest = parts.slice(i + 1).join('\n') + (i + 1 < parts.length ? '\n' : '') + this.partial;
        this.partial = '';
        this.client(Uint8Array.from(Buffer.from(rest, 'latin1')), frame, ts);
        return;
      }
    }
  }

  private found(kind: CredentialKind, user: string | null, secret: string | null, frame: number, ts: number): void {
    this.on.credential({ protocol: this.protocolName, kind, user, secret: secret === null ? null : redact(secret, this.salt) }, frame, ts);
  }

  private line(line: string, frame: number, ts: number): void {
    if (STARTTLS.test(line.trim())) {
      this.upgradeRequested = true;
      return;
    }
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      if (p.kind === 'smtp-login-user') {
        this.pending = { kind: 'smtp-login-pass', user: b64(line) };
        return;
      }
      if (p.kind === 'smtp-login-pass') return this.found('sasl-login', p.user ?? null, b64(line), frame, ts);
      return this.saslPlain(line, frame, ts);
    }
    if (this.http.inHead) return this.httpHeader(line, frame, ts);
    if (HTTP_METHOD.test(line)) {
      this.protocolName = 'http';
      this.http = { inHead: true, headers: new Map(), bodyLeft: 0, body: '' };
      const q = line.split(' ')[1]!.split('?')[1];
      if (q && PASSWORD_FIELD.test(q)) this.formPassword(q, frame, ts);
      return;
    }
    // RESP (Redis): *N, then N bulk strings ($len, value); AUTH [user] password.
    const array = /^\*(\d{1,2})$/.exec(line);
    if (array) {
      this.resp = { want: Number(array[1]), items: [] };
      return;
    }
    if (this.resp) {
      if (/^\$\d+$/.test(line)) return;
      this.resp.items.push(line);
      if (this.resp.items.length < this.resp.want) return;
      const items = this.resp.items;
      this.resp = null;
      if (items[0]!.toUpperCase() === 'AUTH' && items.length >= 2) {
        this.protocolName = this.protocolName.startsWith('tcp/') ? 'redis' : this.protocolName;
        return this.found('password', items.length > 2 ? items[1]! : null, items[items.length - 1]!, frame, ts);
      }
      return;
    }
    const words = line.split(' ');
    const verb = (words[0] ?? '').toUpperCase();
    if (this.protocolName === 'redis' && verb === 'AUTH' && words.length > 1) {
      return this.found('password', words.length > 2 ? words[1]! : null, words[words.length - 1]!, frame, ts);
    }
    if (verb === 'USER' && words.length >= 2) {
      this.user = words.slice(1).join(' ');
      return;
    }
    if (verb === 'PASS' && words.length >= 1) return this.found('password', this.user, words.slice(1).join(' '), frame, ts);
    if (verb === 'APOP' && words.length >= 3) return this.found('apop', words[1]!, null, frame, ts);
    if (verb === 'AUTH' && words.length >= 2) {
      const mech = words[1]!.toUpperCase();
      if (mech === 'PLAIN') return words[2] ? this.saslPlain(words[2], frame, ts) : void (this.pending = { kind: 'smtp-plain' });
      if (mech === 'LOGIN') {
        this.pending = words[2] ? { kind: 'smtp-login-pass', user: b64(words[2]) } : { kind: 'smtp-login-user' };
        return;
      }
    }
    // IMAP: tag LOGIN user pass | tag AUTHENTICATE PLAIN [initial]
    const second = (words[1] ?? '').toUpperCase();
    if (words.length >= 3 && second === 'LOGIN') {
      const args = imapArgs(words.slice(2).join(' '));
      this.protocolName = 'imap';
      return this.found('password', args[0] ?? null, args[1] ?? '', frame, ts);
    }
    if (words.length >= 3 && second === 'AUTHENTICATE' && words[2]!.toUpperCase() === 'PLAIN') {
      this.protocolName = 'imap';
      if (words[3]) return this.saslPlain(words[3], frame, ts);
      this.pending = { kind: 'imap-plain' };
    }
  }

  /** RFC 4616 §2: [authzid] NUL authcid NUL passwd. */
  private saslPlain(b64text: string, frame: number, ts: number): void {
    const parts = b64(b64text).split('\0');
    if (parts.length !== 3) return;
    this.found('sasl-plain', parts[1]!, parts[2]!, frame, ts);
  }

  private httpHeader(line: string, frame: number, ts: number): void {
    if (line === '') {
      this.http.inHead = false;
      const len = Number(this.http.headers.get('content-length') ?? '0');
      if (Number.isInteger(len) && len > 0) this.http.bodyLeft = len;
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (this.http.headers.size < 64) this.http.headers.set(name, value);
    if (name === 'authorization' || name === 'proxy-authorization') {
      const [scheme, ...rest] = value.split(' ');
      const token = rest.join(' ');
      const s = (scheme ?? '').toLowerCase();
      if (s === 'basic') {
        const decoded = b64(token);
        const c = decoded.indexOf(':');
        return this.found('http-basic', c >= 0 ? decoded.slice(0, c) : decoded, c >= 0 ? decoded.slice(c + 1) : '', frame, ts);
      }
      if (s === 'bearer') return this.found('http-bearer', null, token, frame, ts);
      if (s === 'digest') return this.found('http-digest', /username="([^"]*)"/.exec(token)?.[1] ?? null, null, frame, ts);
      return this.found('password', null, token, frame, ts);
    }
    if (name === 'cookie' && /(?:^|;\s*)(?:session|sess|sid|jsessionid|phpsessid|connect\.sid|auth|token)[^=]*=/i.test(value)) {
      return this.found('session-cookie', null, value, frame, ts);
    }
  }

  private httpBody(frame: number, ts: number): void {
    const type = this.http.headers.get('content-type') ?? '';
    if (/application\/x-www-form-urlencoded/i.test(type) && PASSWORD_FIELD.test(this.http.body)) this.formPassword(this.http.body, frame, ts);
    this.http.body = '';
  }

  private formPassword(form: string, frame: number, ts: number): void {
    const pw = PASSWORD_FIELD.exec(form);
    const user = USER_FIELD.exec(form);
    this.found('form-password', user ? urlDecode(user[1]!) : null, urlDecode(pw![1]!), frame, ts);
  }
}

/** An HTTP request line, a plain-text greeting or command: the client side of a dialogue we read as text. */
export function looksLikeHttpRequest(first: Uint8Array): boolean {
  const line = latin1.decode(first.subarray(0, 64));
  return /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE|PROPFIND) /.test(line);
}

/**
 * SNMPv1/v2c (RFC 1157 §4, RFC 3416): SEQUENCE { INTEGER version, OCTET STRING community, PDU }. Returns the
 * community, or null when the datagram is not that shape (SNMPv3 carries none).
 */
export function snmpCommunity(d: Uint8Array): { version: number; community: string } | null {
  let off = 0;
  const len = (): number => {
    const first = d[off++];
    if (first === undefined) return -1;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n > 3) return -1;
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 8) | (d[off++] ?? 0);
    return v;
  };
  if (d[off++] !== 0x30 || len() < 0) return null;
  if (d[off++] !== 0x02) return null;
  const vl = len();
  if (vl < 1 || vl > 4 || off + vl > d.length) return null;
  let version = 0;
  for (let i = 0; i < vl; i++) version = (version << 8) | d[off + i]!;
  off += vl;
  if (version > 1 || d[off++] !== 0x04) return null;
  const cl = len();
  if (cl < 0 || off + cl > d.length) return null;
  return { version: version + 1, community: latin1.decode(d.subarray(off, off + cl)) };
}
