/**
 * OpenVPN configuration files (openvpn(8) "--config": one option per line without the leading `--`, `#`/`;` comments,
 * double-quoted arguments, inline files as `<ca>…</ca>`). Pure: text in, the facts the `vpn.openvpn.*` checks read out.
 * Defaults follow OpenVPN 2.6 (data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305, tls-version-min 1.2).
 */
import { MitmError } from '../errors.js';
import { checkVpnText, MAX_DIRECTIVES } from './text.js';

export interface OpenVpnConfig {
  file: string;
  role: 'client' | 'server' | 'static-key' | 'unknown';
  remotes: string[];
  /** `remote-cert-tls server|client`. */
  remoteCertTls: string | null;
  verifyX509Name: string | null;
  /** `peer-fingerprint` (2.6), `tls-verify` script: other ways to check the peer. */
  otherPeerCheck: string | null;
  tlsAuth: boolean;
  tlsCrypt: boolean;
  /** `secret`: static-key mode, no TLS, no forward secrecy. */
  staticKey: boolean;
  ca: boolean;
  cert: boolean;
  authUserPass: boolean;
  /** Every cipher the data channel may use: `cipher`, `data-ciphers`, `data-ciphers-fallback`. */
  ciphers: string[];
  auth: string | null;
  tlsVersionMin: string | null;
  /** `comp-lzo`, `compress` with an algorithm, or `allow-compression yes`. */
  compression: string | null;
  /** Server: `verify-client-cert none|optional` or `client-cert-not-required`. */
  clientCertOptional: string | null;
  /** Client: `redirect-gateway` (and its flags); server: a pushed `redirect-gateway`. */
  redirectGateway: string | null;
  /** `block-outside-dns` (Windows) or pushed. */
  blockOutsideDns: boolean;
  /** DNS servers set locally (`dhcp-option DNS`, `dns server`) or pushed by a server. */
  dns: string[];
  /** Files referenced (ca, cert, key, tls-auth …) relative to the config, for the reader's mode checks. */
  keyFiles: string[];
  /** An inline private key or static key is embedded in the file. */
  inlineSecret: boolean;
  readableByOthers: boolean | null;
}

/** Split one line into words, honouring double quotes and backslash escapes (openvpn(8) "CONFIGURATION FILES"). */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (c === '"') {
      inQuote = !inQuote;
      has = true;
    } else if (!inQuote && /\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else if (!inQuote && (c === '#' || c === ';') && !has) {
      break;
    } else {
      cur += c;
      has = true;
    }
  }
  if (inQuote) throw new MitmError('MG_ERR_CONFIG', 'unterminated quote');
  if (has) out.push(cur);
  return out;
}

const INLINE = new Set(['ca', 'cert', 'key', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'secret', 'dh', 'extra-certs', 'crl-verify', 'pkcs12', 'auth-user-pass', 'http-proxy-user-pass', 'peer-fingerprint', 'connection']);
const SECRET_INLINE = new Set(['key', 'secret', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'pkcs12', 'auth-user-pass']);

export function parseOpenVpn(text: string, file: string): OpenVpnConfig {
  checkVpnText(text, file);
  const c: OpenVpnConfig = {
    file, role: 'unknown', remotes: [], remoteCertTls: null, verifyX509Name: null, otherPeerCheck: null, tlsAuth: false, tlsCrypt: false, staticKey: false,
    ca: false, cert: false, authUserPass: false, ciphers: [], auth: null, tlsVersionMin: null, compression: null, clientCertOptional: null,
    redirectGateway: null, blockOutsideDns: false, dns: [], keyFiles: [], inlineSecret: false, readableByOthers: null,
  };
  let client = false;
  let server = false;
  let inline: string | null = null;
  let count = 0;
  let dataCiphersSet = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (inline) {
      if (raw === `</${inline}>`) inline = null;
      continue;
    }
    const open = /^<([a-z0-9-]+)>$/.exec(raw);
    if (open) {
      inline = open[1]!;
      if (!INLINE.has(inline)) throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: <${inline}> is not an inline file option`, { details: { file, line: i + 1 } });
      apply([inline, '[inline]'], i + 1);
      if (SECRET_INLINE.has(inline)) c.inlineSecret = true;
      continue;
    }
    let w: string[];
    try {
      w = words(raw);
    } catch (err) {
      throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: ${(err as Error).message}`, { cause: err, details: { file, line: i + 1 } });
    }
    if (w.length === 0) continue;
    if (++count > MAX_DIRECTIVES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${MAX_DIRECTIVES} directives`);
    if (w[0]!.startsWith('--')) w[0] = w[0]!.slice(2);
    if (!/^[a-z][a-z0-9-]*$/.test(w[0]!)) throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: ${JSON.stringify(w[0]!.slice(0, 40))} is not an OpenVPN option`, { details: { file, line: i + 1 } });
    apply(w, i + 1);
  }
  if (inline) throw new MitmError('MG_ERR_CONFIG', `${file}: <${inline}> is not closed`);
  if (!dataCiphersSet && !c.staticKey) c.ciphers.unshift('AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305');
  c.role = c.staticKey ? 'static-key' : server ? 'server' : client ? 'client' : 'unknown';
  c.ciphers = [...new Set(c.ciphers.map((x) => x.toUpperCase()))];
  return c;

  function apply(w: string[], line: number): void {
    const [opt, a1, a2] = w as [string, string | undefined, string | undefined];
    switch (opt) {
      case 'client':
      case 'tls-client':
      case 'pull':
        client = true;
        break;
      case 'server':
      case 'server-ipv6':
      case 'tls-server':
      case 'server-bridge':
        server = true;
        break;
      case 'mode':
        if (a1 === 'server') server = true;
        break;
      case 'remote':
        if (a1) c.remotes.push(a2 ? `${a1}:${a2}` : a1);
        break;
      case 'remote-cert-tls':
        c.remoteCertTls = a1 ?? null;
        break;
      case 'verify-x509-name':
        c.verifyX509Name = a1 ? `${a1}${a2 ? ` ${a2}` : ''}` : null;
        break;
      case 'peer-fingerprint':
      case 'tls-verify':
        c.otherPeerCheck = opt;
        break;
      case 'tls-auth':
        c.tlsAuth = true;
        if (a1 && a1 !== '[inline]') c.keyFiles.push(a1);
        break;
      case 'tls-crypt':
      case 'tls-crypt-v2':
        c.tlsCrypt = true;
        if (a1 && a1 !== '[inline]') c.keyFiles.push(a1);
        break;
      case 'secret':
        c.staticKey = true;
        if (a1 && a1 !== '[inline]') c.keyFiles.push(a1);
        break;
      case 'ca':
        c.ca = true;
        break;
      case 'cert':
      case 'pkcs12':
        c.cert = true;
        if (opt === 'pkcs12' && a1 && a1 !== '[inline]') c.keyFiles.push(a1);
        break;
      case 'key':
        if (a1 && a1 !== '[inline]') c.keyFiles.push(a1);
        break;
      case 'auth-user-pass':
        c.authUserPass = true;
        if (a1 && a1 !== '[inline]') c.keyFiles.push(a1);
        break;
      case 'cipher':
      case 'data-ciphers-fallback':
        if (a1) c.ciphers.push(a1);
        break;
      case 'data-ciphers':
      case 'ncp-ciphers':
        dataCiphersSet = true;
        if (a1) c.ciphers.push(...a1.split(':'));
        break;
      case 'auth':
        c.auth = a1 ?? null;
        break;
      case 'tls-version-min':
        c.tlsVersionMin = a1 ?? null;
        break;
      case 'comp-lzo':
        if (a1 !== 'no') c.compression = `comp-lzo${a1 ? ` ${a1}` : ''}`;
        break;
      case 'compress':
        if (a1 && a1 !== 'stub' && a1 !== 'stub-v2' && a1 !== 'migrate') c.compression = `compress ${a1}`;
        else if (!a1) c.compression ??= null;
        break;
      case 'allow-compression':
        if (a1 === 'yes') c.compression ??= 'allow-compression yes';
        break;
      case 'verify-client-cert':
        if (a1 === 'none' || a1 === 'optional') c.clientCertOptional = `verify-client-cert ${a1}`;
        break;
      case 'client-cert-not-required':
        c.clientCertOptional = 'client-cert-not-required';
        break;
      case 'redirect-gateway':
        c.redirectGateway = w.slice(1).join(' ') || 'redirect-gateway';
        break;
      case 'block-outside-dns':
        c.blockOutsideDns = true;
        break;
      case 'dhcp-option':
        if (a1 === 'DNS' || a1 === 'DNS6') c.dns.push(a2 ?? '');
        break;
      case 'dns':
        if (a1 === 'server' && w[3] === 'address' && w[4]) c.dns.push(w[4]);
        break;
      case 'push': {
        // A server's pushed options are what its clients get: parse the quoted option as if it were local.
        if (!a1) break;
        const inner = words(a1);
        if (inner[0] === 'redirect-gateway') c.redirectGateway = inner.slice(1).join(' ') || 'redirect-gateway';
        else if (inner[0] === 'dhcp-option' && (inner[1] === 'DNS' || inner[1] === 'DNS6')) c.dns.push(inner[2] ?? '');
        else if (inner[0] === 'dns' && inner[1] === 'server' && inner[4]) c.dns.push(inner[4]);
        else if (inner[0] === 'block-outside-dns') c.blockOutsideDns = true;
        else if (inner[0] === 'comp-lzo' || inner[0] === 'compress') apply(inner, line);
        break;
      }
      default:
        break;
    }
  }
}
