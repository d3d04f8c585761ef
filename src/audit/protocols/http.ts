/**
 * HTTP/1.x as a hostile server plays it (RFC 9112): read one request head, record the request line and any
 * credentials, answer. A request without credentials gets a 401 with a Basic challenge (RFC 7617), as an attacker
 * would send to make a client (git, a package manager) hand over the stored password.
 */
import { MitmError } from '../../errors.js';
import { redactRequestTarget } from '../redact.js';
import { out, text, type ProtocolSession, type SessionEvent, type SessionFactory, type SessionPolicy } from './types.js';

/** RFC 9112 leaves the limit to servers; 16 KiB is what most servers allow for a request head. */
export const MAX_HTTP_HEAD_BYTES = 16 * 1024;

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);
/** RFC 9112 §3: method SP request-target SP HTTP-version; the target is visible ASCII only (no ESC, no BEL). */
const REQUEST_LINE = /^([A-Z]{1,20}) ([\x21-\x7e]{1,8192}) (HTTP\/\d\.\d)$/;
/** RFC 9110 §5.5: a field value holds no control character but HTAB. */
// eslint-disable-next-line no-control-regex
const FIELD_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

export interface HttpRequestHead {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
}

/** Parse a request head (without the final blank line). */
export function parseRequestHead(head: string): HttpRequestHead {
  const [requestLine = '', ...headerLines] = head.split(/\r?\n/);
  const m = REQUEST_LINE.exec(requestLine);
  if (!m) throw new MitmError('MG_ERR_MALFORMED', 'not an HTTP/1.x request line');
  const headers: Array<[string, string]> = [];
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MitmError('MG_ERR_MALFORMED', 'HTTP header line without a name');
    if (FIELD_CONTROL.test(line)) throw new MitmError('MG_ERR_MALFORMED', 'HTTP header line with a control character');
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { method: m[1]!, target: m[2]!, version: m[3]!, headers };
}

/** The events a request shows an attacker: the request itself, then each credential, decoded where it is Basic. */
export function requestEvents(req: HttpRequestHead): SessionEvent[] {
  const events: SessionEvent[] = [
    { kind: 'request', summary: `${req.method} ${redactRequestTarget(req.target)} ${req.version}`, significant: true, secret: text(req.target) },
  ];
  for (const [name, value] of req.headers) {
    if (!CREDENTIAL_HEADERS.has(name)) continue;
    const basic = /^Basic\s+(\S+)$/i.exec(value);
    const secret = basic ? new Uint8Array(Buffer.from(basic[1]!, 'base64')) : text(value);
    const scheme = name.endsWith('authorization') ? ` ${value.split(' ')[0]}` : '';
    events.push({ kind: 'credential', summary: `${name} header${scheme}`, significant: true, secret });
  }
  return events;
}

function response(status: string, policy: SessionPolicy, extra: string[] = []): Uint8Array {
  const body = 'mitmguard client audit endpoint\n';
  const lines = [
    `HTTP/1.1 ${status}`,
    'Content-Type: text/plain',
    `Content-Length: ${body.length}`,
    'Connection: close',
    // RFC 6797 §7.2: HSTS is only honoured over TLS; the hsts-downgrade scenario relies on clients remembering it.
    ...(policy.tls ? ['Strict-Transport-Security: max-age=31536000'] : []),
    ...extra,
  ];
  return text(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

export const httpSession: SessionFactory = (policy): ProtocolSession => {
  let head = Buffer.alloc(0);
  let done = false;
  const state = { ...policy };
  return {
    greet: () => out(),
    receive(chunk) {
      if (done) return out();
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HTTP_HEAD_BYTES) return out({ error: new MitmError('MG_ERR_TOO_LARGE', `HTTP request head over ${MAX_HTTP_HEAD_BYTES} bytes`), close: true });
        return out();
      }
      done = true;
      let req;
      try {
        req = parseRequestHead(head.subarray(0, end).toString('latin1'));
      } catch (err) {
        return out({ error: err as MitmError, send: [text('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')], close: true });
      }
      const hasCredentials = req.headers.some(([n]) => n === 'authorization');
      const reply = hasCredentials
        ? response('200 OK', state)
        : response('401 Unauthorized', state, ['WWW-Authenticate: Basic realm="mitmguard audit"']);
      return out({ events: requestEvents(req), send: [reply], close: true });
    },
    secured() {
      state.tls = true;
      return out();
    },
  };
};
