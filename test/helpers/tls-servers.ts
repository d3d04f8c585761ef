/**
 * TLS servers on loopback for integration tests and benchmarks: node:tls, `openssl s_server` and nginx, each with a
 * freshly issued certificate (src/pki) in its own temp dir, plus hostile plain-TCP servers. Every `start*` returns a
 * handle whose `close()` stops the process or server and removes the dir; register it with `t.after()`.
 *
 * Private keys are written 0600 and never printed.
 *
 * @example
 * const server = await startNodeTlsServer({ minVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
 * t.after(() => server.close());
 * const report = await scanTarget(server.target);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getDiffieHellman } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, connect, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { createAuthority, issueLeaf, privateKeyPem, type KeySpec, EKU } from '../../src/pki/index.js';

/** How long a server may take to accept connections on a busy 2-core machine. */
export const SERVER_START_TIMEOUT_MS = 30_000;

export interface TestServer {
  host: string;
  port: number;
  /** `host:port`, ready to scan. */
  target: string;
  /** The served chain as PEM, leaf first. */
  chainPem: string[];
  /** Output of the server process so far (openssl, nginx), for failure messages. */
  log(): string;
  close(): Promise<void>;
}

export interface Credentials {
  dir: string;
  certFile: string;
  keyFile: string;
  /** Leaf first, then the CA. */
  chainPem: string[];
  keyPem: string;
  caPem: string;
}

/** Issue a CA and a leaf for localhost/127.0.0.1 and write them (key 0600) to a new temp dir. */
export function writeCredentials(options: { key?: KeySpec; names?: string[]; clientCa?: boolean } = {}): Credentials {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-tls-'));
  const ca = createAuthority('mitmguard test CA');
  const key = options.key ?? { type: 'rsa', bits: 2048 };
  const leaf = issueLeaf(ca, { names: options.names ?? ['localhost', '127.0.0.1'], key });
  const keyPem = privateKeyPem(leaf.keyPair);
  const certFile = join(dir, 'chain.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, leaf.pem + ca.cert.pem);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.pem'), ca.cert.pem);
  return { dir, certFile, keyFile, chainPem: [leaf.pem, ca.cert.pem], keyPem, caPem: ca.cert.pem };
}

/** A client certificate issued by a fresh CA, for mTLS servers. */
export function clientCa(): { caPem: string; certPem: string; keyPem: string } {
  const ca = createAuthority('mitmguard client CA');
  const leaf = issueLeaf(ca, { names: ['client'], eku: [EKU.clientAuth] });
  return { caPem: ca.cert.pem, certPem: leaf.pem, keyPem: privateKeyPem(leaf.keyPair) };
}

/**
 * DH parameters of `bits` bits as PKCS#3 PEM (`BEGIN DH PARAMETERS`, RFC 2631's p and g) for node:tls `dhparam`: the
 * well-known MODP groups node:crypto carries (RFC 2409 §6.2 Oakley group 2 for 1024 bits, RFC 3526 §3–5 for 2048–4096),
 * so nothing is generated. Not `openssl dhparam -dsaparam`: Debian's OpenSSL 3.0 writes those as X9.42 parameters, which
 * Node 24's OpenSSL 3.5 refuses to serve (the server answers "no shared cipher" at any security level).
 * (OpenSSL 3.0's s_server keeps its automatic 2048-bit group even with -dhparam, so weak-DH servers are node:tls.)
 */
export async function dhParamsPem(bits: number): Promise<string> {
  const group = ({ 1024: 'modp2', 2048: 'modp14', 3072: 'modp15', 4096: 'modp16' } as Record<number, string>)[bits];
  if (!group) throw new Error(`dhParamsPem: no well-known ${bits}-bit MODP group`);
  const dh = getDiffieHellman(group);
  const derLength = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
  const integer = (b: Buffer) => {
    const v = b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
    return Buffer.concat([Buffer.from([0x02, ...derLength(v.length)]), v]);
  };
  const body = Buffer.concat([integer(dh.getPrime()), integer(dh.getGenerator())]);
  const der = Buffer.concat([Buffer.from([0x30, ...derLength(body.length)]), body]);
  return `-----BEGIN DH PARAMETERS-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END DH PARAMETERS-----\n`;
}

/** A free loopback port (bound and released; fine on a test machine). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Resolve when `host:port` accepts a TCP connection, polling until the deadline. */
export async function waitForPort(host: string, port: number, timeoutMs = SERVER_START_TIMEOUT_MS, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline && i < 10_000; i++) {
    if (!isAlive()) throw new Error(`server on ${host}:${port} exited before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s: Socket = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

/** An in-process server listening on 127.0.0.1 and a free port; `close` runs `before`, closes the server, then `after`. */
async function listenOnLoopback(server: NetServer, chainPem: string[], hooks: { before?: () => void; after?: () => void } = {}): Promise<TestServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    host: '127.0.0.1',
    port,
    target: `127.0.0.1:${port}`,
    chainPem,
    log: () => '',
    close: async () => {
      hooks.before?.();
      await new Promise<void>((r) => server.close(() => r()));
      hooks.after?.();
    },
  };
}

export interface NodeTlsServerOptions extends Omit<TlsOptions, 'key' | 'cert'> {
  key?: KeySpec;
  /** Staple these bytes as the OCSP response (RFC 6066 §8) to every client that asks. */
  ocspResponse?: Buffer;
}

/** A node:tls server that completes the handshake and closes. Options go to tls.createServer. */
export async function startNodeTlsServer(options: NodeTlsServerOptions = {}): Promise<TestServer> {
  const { key, ocspResponse, ...tlsOptions } = options;
  const creds = writeCredentials(key ? { key } : {});
  const server = createTlsServer({ ...tlsOptions, key: creds.keyPem, cert: creds.chainPem.join('') }, (s) => s.end());
  // Scanners abort handshakes on purpose; those are not test failures.
  server.on('tlsClientError', () => {});
  if (ocspResponse) server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, done: (err: Error | null, resp?: Buffer) => void) => done(null, ocspResponse));
  return listenOnLoopback(server, creds.chainPem, { after: () => rmSync(creds.dir, { recursive: true, force: true }) });
}

function spawnServer(command: string, args: string[], dir: string, host: string, port: number, chainPem: string[]): Promise<TestServer> {
  const child: ChildProcess = spawn(command, args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', keep as never);
  let exited = false;
  child.once('exit', () => (exited = true));
  const handle: TestServer = {
    host,
    port,
    target: `${host}:${port}`,
    chainPem,
    log: () => output,
    close: async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return waitForPort(host, port, SERVER_START_TIMEOUT_MS, () => !exited).then(
    () => handle,
    async (err) => {
      await handle.close();
      throw new Error(`${command} did not start: ${(err as Error).message}\n${output}`);
    },
  );
}

export interface OpenSslServerOptions {
  /** Extra s_server arguments, e.g. ['-tls1', '-cipher', 'ALL:@SECLEVEL=0']. */
  args?: string[];
  key?: KeySpec;
}

/** `openssl s_server` on loopback with a fresh certificate. Serves one connection at a time, forever. */
export async function startOpenSslServer(options: OpenSslServerOptions = {}): Promise<TestServer> {
  const creds = writeCredentials(options.key ? { key: options.key } : {});
  const port = await freePort();
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', creds.certFile, '-key', creds.keyFile, '-quiet', '-naccept', '100000'];
  args.push(...(options.args ?? []));
  return spawnServer('openssl', args, creds.dir, '127.0.0.1', port, creds.chainPem);
}

export interface NginxServerOptions {
  /** `ssl_protocols`, e.g. 'TLSv1.2 TLSv1.3'. */
  protocols?: string;
  /** `ssl_ciphers` (OpenSSL syntax). */
  ciphers?: string;
  preferServerCiphers?: boolean;
  /** `ssl_ecdh_curve`, e.g. 'X25519:prime256v1'. */
  ecdhCurve?: string;
  /** Require client certificates issued by this CA (PEM). */
  clientCaPem?: string;
  /** `listen ... http2` */
  http2?: boolean;
  key?: KeySpec;
}

/** nginx (Debian nginx-light) serving HTTPS on loopback with its own prefix dir. */
export async function startNginx(options: NginxServerOptions = {}): Promise<TestServer> {
  const creds = writeCredentials(options.key ? { key: options.key } : {});
  const port = await freePort();
  const clientCa = options.clientCaPem ? join(creds.dir, 'client-ca.pem') : null;
  if (clientCa) writeFileSync(clientCa, options.clientCaPem!);
  const conf = [
    'worker_processes 1;',
    `pid ${join(creds.dir, 'nginx.pid')};`,
    `error_log ${join(creds.dir, 'error.log')} warn;`,
    'daemon off;',
    'events { worker_connections 256; }',
    'http {',
    `  access_log off;`,
    `  client_body_temp_path ${creds.dir}/body; proxy_temp_path ${creds.dir}/proxy; fastcgi_temp_path ${creds.dir}/fcgi;`,
    `  uwsgi_temp_path ${creds.dir}/uwsgi; scgi_temp_path ${creds.dir}/scgi;`,
    '  server {',
    `    listen 127.0.0.1:${port} ssl${options.http2 ? ' http2' : ''};`,
    `    ssl_certificate ${creds.certFile};`,
    `    ssl_certificate_key ${creds.keyFile};`,
    `    ssl_protocols ${options.protocols ?? 'TLSv1.2 TLSv1.3'};`,
    ...(options.ciphers ? [`    ssl_ciphers '${options.ciphers}';`] : []),
    `    ssl_prefer_server_ciphers ${options.preferServerCiphers ? 'on' : 'off'};`,
    ...(options.ecdhCurve ? [`    ssl_ecdh_curve ${options.ecdhCurve};`] : []),
    ...(clientCa ? [`    ssl_client_certificate ${clientCa};`, '    ssl_verify_client on;'] : []),
    '    location / { return 200 "ok\\n"; }',
    '  }',
    '}',
  ].join('\n');
  const confFile = join(creds.dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  return spawnServer('nginx', ['-p', creds.dir, '-c', confFile, '-e', join(creds.dir, 'error.log')], creds.dir, '127.0.0.1', port, creds.chainPem);
}

/** A plain TCP server that runs `behave` on every connection: the hostile peers of the bad-input tests. */
export async function startHostileServer(behave: (socket: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    behave(s);
  });
  return listenOnLoopback(server, [], {
    before: () => {
      for (const s of sockets) s.destroy();
    },
  });
}

/**
 * The test server's CA (the last certificate it serves) as a trust store, as a user passes a private CA with `--ca`:
 * without it the strict validator rightly reports `cert.chain.untrusted-root` for every test server.
 */
export async function serverAnchors(server: TestServer): Promise<{ extraAnchors: import('../../src/x509/trust-store.js').TrustStore }> {
  const { TrustStore } = await import('../../src/x509/trust-store.js');
  const store = new TrustStore();
  store.addPemOrDer(server.chainPem.at(-1)!, 'test CA');
  return { extraAnchors: store };
}

/** The test server's CA written to a file, for `mitmguard scan --ca FILE`. */
export function serverCaFile(server: TestServer): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-ca-'));
  const file = join(dir, 'ca.pem');
  writeFileSync(file, server.chainPem.at(-1)!);
  return file;
}
