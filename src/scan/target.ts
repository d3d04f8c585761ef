/**
 * Target parsing: `host`, `host:port`, `[v6]:port`, `scheme://host[:port][/path]`. A table of schemes gives the default
 * port and whether TLS starts at once (implicit) or after a STARTTLS dialogue (the protocol name for src/starttls).
 */
import { isIP } from 'node:net';
import { MitmError } from '../errors.js';
import { isStartTlsProtocol, type StartTlsProtocol } from '../starttls/index.js';

interface SchemeInfo {
  port: number;
  /** null: TLS from the first byte; otherwise the STARTTLS protocol to run first. */
  starttls: StartTlsProtocol | null;
  /** A plain-text service (http://, redis://) and the protocol it speaks: no TLS scan, only what it accepts in the clear. */
  plaintext?: 'http' | 'redis';
}

/** Schemes by name (IANA service names and URI schemes). */
export const SCHEMES: Readonly<Record<string, SchemeInfo>> = {
  https: { port: 443, starttls: null },
  tls: { port: 443, starttls: null },
  wss: { port: 443, starttls: null },
  smtps: { port: 465, starttls: null },
  submissions: { port: 465, starttls: null },
  imaps: { port: 993, starttls: null },
  pop3s: { port: 995, starttls: null },
  ldaps: { port: 636, starttls: null },
  ftps: { port: 990, starttls: null },
  xmpps: { port: 5223, starttls: null },
  smtp: { port: 25, starttls: 'smtp' },
  submission: { port: 587, starttls: 'smtp' },
  imap: { port: 143, starttls: 'imap' },
  pop3: { port: 110, starttls: 'pop3' },
  ftp: { port: 21, starttls: 'ftp' },
  ldap: { port: 389, starttls: 'ldap' },
  xmpp: { port: 5222, starttls: 'xmpp' },
  'xmpp-server': { port: 5269, starttls: 'xmpp-server' },
  postgres: { port: 5432, starttls: 'postgres' },
  postgresql: { port: 5432, starttls: 'postgres' },
  mysql: { port: 3306, starttls: 'mysql' },
  rediss: { port: 6380, starttls: null },
  http: { port: 80, starttls: null, plaintext: 'http' },
  redis: { port: 6379, starttls: null, plaintext: 'redis' },
};

export const DEFAULT_PORT = 443;

export interface ParsedTarget {
  /** The target as the user wrote it; findings name it. */
  input: string;
  scheme: string | null;
  host: string;
  port: number;
  starttls: StartTlsProtocol | null;
  /** The name for SNI: the host unless it is an IP address (RFC 6066 §3 forbids literal addresses). */
  sni: string | null;
  /** Set for plain-text schemes (SchemeInfo.plaintext): the protocol spoken in the clear. */
  plaintext?: 'http' | 'redis';
  /**
   * Connect to this IP address instead of resolving `host` (curl's `--resolve`, testssl.sh's `--ip`): SNI, the
   * host-name check and the DNS checks still use `host`. Absent: connect to `host`.
   */
  address?: string;
}

/** One `--resolve NAME:PORT:ADDR` entry (curl syntax): connections to NAME on PORT go to ADDR. */
export interface ResolveEntry {
  host: string;
  port: number;
  address: string;
}

const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})?$/;

function validHost(host: string): boolean {
  if (isIP(host)) return true;
  if (host.length === 0 || host.length > 253) return false;
  return host.replace(/\.$/, '').split('.').every((l) => HOST_LABEL.test(l));
}

function fail(input: string, why: string): never {
  throw new MitmError('MG_ERR_TARGET', `target ${JSON.stringify(input)}: ${why}`);
}

/**
 * Parse one target. `starttls` forces a STARTTLS protocol (the `--starttls` option) over what the scheme implies.
 *
 * @example parseTarget('smtp://mail.example') // { host: 'mail.example', port: 25, starttls: 'smtp', ... }
 */
export function parseTarget(input: string, options: { starttls?: string } = {}): ParsedTarget {
  const text = input.trim();
  if (!text) fail(input, 'empty');
  let scheme: string | null = null;
  let rest = text;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = text.slice(m[0].length);
    if (!SCHEMES[scheme]) fail(input, `unknown scheme ${scheme}:// (known: ${Object.keys(SCHEMES).join(', ')})`);
  }
  rest = rest.replace(/[/?#].*$/, '');
  if (rest.includes('@')) fail(input, 'user information is not allowed in a target');
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) fail(input, 'unterminated [IPv6] literal');
    host = rest.slice(1, end);
    const after = rest.slice(end + 1);
    if (after && !after.startsWith(':')) fail(input, 'unexpected text after ]');
    portText = after ? after.slice(1) : undefined;
    if (isIP(host) !== 6) fail(input, 'not an IPv6 address inside [ ]');
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    host = rest; // a bare IPv6 address without a port
    if (isIP(host) !== 6) fail(input, 'bad IPv6 address (use [addr]:port)');
  } else {
    const i = rest.indexOf(':');
    host = i < 0 ? rest : rest.slice(0, i);
    portText = i < 0 ? undefined : rest.slice(i + 1);
  }
  if (!validHost(host)) fail(input, `invalid host ${JSON.stringify(host)}`);
  const info = scheme ? SCHEMES[scheme]! : null;
  let port = info?.port ?? DEFAULT_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) fail(input, `invalid port ${JSON.stringify(portText)}`);
    port = Number(portText);
  }
  let starttls = info?.starttls ?? null;
  if (options.starttls) {
    if (!isStartTlsProtocol(options.starttls)) fail(input, `unknown STARTTLS protocol ${options.starttls}`);
    starttls = options.starttls;
  }
  return {
    input: text, scheme, host, port, starttls, sni: isIP(host) ? null : host.replace(/\.$/, ''),
    ...(info?.plaintext ? { plaintext: info.plaintext } : {}),
  };
}

/** The address a scan connects to for this target: the `--resolve`/`address:` override, else the host itself. */
export function connectHost(target: Pick<ParsedTarget, 'host' | 'address'>): string {
  return target.address ?? target.host;
}

function usage(why: string): never {
  throw new MitmError('MG_ERR_USAGE', why);
}

/**
 * Parse `NAME:PORT:ADDR` as curl's `--resolve` takes it: NAME a host name, PORT 1–65535, ADDR an IPv4 address or an
 * IPv6 address with or without brackets. Anything else is MG_ERR_USAGE.
 *
 * @example parseResolve('www.example:443:127.0.0.1') // { host: 'www.example', port: 443, address: '127.0.0.1' }
 */
export function parseResolve(spec: string): ResolveEntry {
  const m = /^([^:\s]+):(\d{1,5}):(.+)$/.exec(spec.trim());
  if (!m) usage(`--resolve must be NAME:PORT:ADDR, got ${JSON.stringify(spec)}`);
  const [, host, portText, addrText] = m;
  if (isIP(host!) || !validHost(host!)) usage(`--resolve ${JSON.stringify(spec)}: ${JSON.stringify(host)} is not a host name`);
  const port = Number(portText);
  if (port < 1 || port > 65535) usage(`--resolve ${JSON.stringify(spec)}: invalid port ${portText}`);
  const address = addrText!.startsWith('[') && addrText!.endsWith(']') ? addrText!.slice(1, -1) : addrText!;
  if (!isIP(address)) usage(`--resolve ${JSON.stringify(spec)}: ${JSON.stringify(addrText)} is not an IP address`);
  return { host: host!.replace(/\.$/, '').toLowerCase(), port, address };
}

/** The target with `address` set when a `--resolve` entry names its host and port (host compared without case). */
export function applyResolve(target: ParsedTarget, entries: readonly ResolveEntry[]): ParsedTarget {
  const host = target.host.replace(/\.$/, '').toLowerCase();
  const hit = entries.find((e) => e.host === host && e.port === target.port);
  return hit ? { ...target, address: hit.address } : target;
}
