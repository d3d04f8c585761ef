/**
 * `mitmguard tunnel server|client`: an mTLS tunnel in front of (or behind) a service that cannot speak mutual TLS
 * itself (docs/tunnel.md). Thin: parse, start src/tunnel, print one JSON line with the addresses, write access-log
 * lines (JSON) to stderr or --access-log, reload on SIGHUP, drain on SIGINT/SIGTERM.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MitmError } from '../../errors.js';
import { collect, parsePositiveInt } from '../output.js';

interface TunnelCliOptions {
  listen: string;
  target: string;
  cert: string;
  key: string;
  ca: string;
  crl?: string;
  allowSpiffe?: string[];
  allowDns?: string[];
  allowUri?: string[];
  allowCn?: string[];
  allowOu?: string[];
  allowIssuer?: string[];
  pin?: string[];
  tls12?: boolean;
  targetTls?: boolean;
  targetCa?: string;
  targetName?: string;
  serverName?: string;
  proxyProtocol?: boolean;
  ocsp?: boolean;
  ocspUrl?: string;
  ocspSoftFail?: boolean;
  status?: string;
  renewCa?: string;
  passphraseFile?: string;
  passphraseEnv?: string;
  accessLog?: string;
  watch: boolean;
  drainMs: string;
}

/** `host:port`, `[v6]:port` or a bare port (bound to 127.0.0.1). */
function endpoint(name: string, text: string): { host: string; port: number } {
  if (/^\d{1,5}$/.test(text)) return { host: '127.0.0.1', port: Number(text) };
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:]+):(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new MitmError('MG_ERR_USAGE', `${name} must be host:port (got ${JSON.stringify(text)})`);
  return { host: m[1]!, port: Number(m[2]) };
}

function common(c: Command): Command {
  return c
    .requiredOption('--listen <host:port>', 'address to accept connections on (a bare port binds 127.0.0.1)')
    .requiredOption('--target <host:port>', 'where to forward connections')
    .requiredOption('--cert <file>', 'our certificate chain (PEM), reloaded on change')
    .requiredOption('--key <file>', 'our private key (PEM), reloaded on change')
    .requiredOption('--ca <file>', 'CA bundle the peer must chain to (PEM), reloaded on change')
    .option('--crl <file>', 'CRL (PEM) the peer certificate is checked against, reloaded on change (ca crl writes one)')
    .option('--allow-spiffe <pattern>', 'allowed peer SPIFFE ID (spiffe://td/ns/*, trailing /** for any rest); repeatable', collect)
    .option('--allow-dns <pattern>', 'allowed peer DNS SAN (*.svc one label, **.svc any depth); repeatable', collect)
    .option('--allow-uri <uri>', 'allowed peer URI SAN; repeatable', collect)
    .option('--allow-cn <cn>', 'allowed peer subject CN; repeatable', collect)
    .option('--allow-ou <ou>', 'allowed peer subject OU; repeatable', collect)
    .option('--allow-issuer <subject>', 'the peer must be issued by this CA subject (as cert show prints it); repeatable', collect)
    .option('--pin <sha256//base64>', 'the peer key must be one of these SPKI pins; repeatable', collect)
    .option('--ocsp', 'also check the peer certificate with OCSP (its AIA responder, or --ocsp-url); fail closed')
    .option('--ocsp-url <url>', 'OCSP responder to ask instead of the certificate\'s AIA URL (implies --ocsp)')
    .option('--ocsp-soft-fail', 'let a peer through when the OCSP responder cannot be asked (revoked is still refused)')
    .option('--tls12', 'also allow TLS 1.2 (ECDHE + AEAD suites only); default TLS 1.3 only')
    .option('--status <host:port>', 'serve /status (JSON) and /metrics (Prometheus) here, e.g. 127.0.0.1:9901')
    .option('--access-log <file>', 'append access-log JSON lines here instead of stderr')
    .option('--renew-ca <dir>', 'renew our certificate from this mitmguard CA (fresh key) when a third of its lifetime is left')
    .option('--passphrase-file <file>', 'passphrase of the --renew-ca keys (first line)')
    .option('--passphrase-env <name>', 'environment variable holding the --renew-ca passphrase')
    .option('--no-watch', 'do not reload on file changes (SIGHUP still reloads)')
    .option('--drain-ms <ms>', 'on SIGINT/SIGTERM, wait this long for open connections', '10000');
}

async function run(mode: 'server' | 'client', opts: TunnelCliOptions): Promise<void> {
  const { startTunnel } = await import('../../tunnel/tunnel.js');
  const policy = {
    ...(opts.allowSpiffe ? { spiffe: opts.allowSpiffe } : {}), ...(opts.allowDns ? { dns: opts.allowDns } : {}),
    ...(opts.allowUri ? { uri: opts.allowUri } : {}), ...(opts.allowCn ? { cn: opts.allowCn } : {}), ...(opts.allowOu ? { ou: opts.allowOu } : {}),
    ...(opts.allowIssuer ? { issuers: opts.allowIssuer } : {}), ...(opts.pin ? { spkiPins: opts.pin } : {}),
  };
  for (const p of opts.pin ?? []) if (!/^sha256\/\/[A-Za-z0-9+/]{43}=$/.test(p)) throw new MitmError('MG_ERR_USAGE', `--pin ${JSON.stringify(p)} is not sha256//<base64 of 32 bytes>`);
  let renew;
  if (opts.renewCa) {
    const { openCa } = await import('../../ca/store.js');
    let pass: string | undefined;
    if (opts.passphraseFile) pass = readFileSync(opts.passphraseFile, 'utf8').split(/\r?\n/)[0]!;
    else if (opts.passphraseEnv) pass = process.env[opts.passphraseEnv];
    renew = { ca: openCa(opts.renewCa, pass) };
  }
  const write = opts.accessLog ? (line: string) => appendFileSync(opts.accessLog!, line) : (line: string) => process.stderr.write(line);
  const tunnel = await startTunnel({
    mode,
    listen: endpoint('--listen', opts.listen),
    target: endpoint('--target', opts.target),
    files: { cert: opts.cert, key: opts.key, ca: opts.ca, ...(opts.crl ? { crl: opts.crl } : {}) },
    preset: opts.tls12 ? 'tls12' : 'tls13',
    policy,
    ...(mode === 'server' && (opts.targetTls || opts.targetCa) ? { targetTls: { ...(opts.targetCa ? { ca: opts.targetCa } : {}), ...(opts.targetName ? { servername: opts.targetName } : {}) } } : {}),
    ...(opts.serverName ? { serverName: opts.serverName } : {}),
    ...(opts.proxyProtocol ? { proxyProtocol: true } : {}),
    ...(renew ? { renew } : {}),
    ...(opts.ocsp || opts.ocspUrl ? { ocsp: { ...(opts.ocspUrl ? { url: opts.ocspUrl } : {}), ...(opts.ocspSoftFail ? { softFail: true } : {}) } } : {}),
    ...(opts.status ? { status: endpoint('--status', opts.status) } : {}),
    watch: opts.watch,
    drainMs: parsePositiveInt('--drain-ms', opts.drainMs, 3_600_000),
    onLog: (e) => write(JSON.stringify(e) + '\n'),
  });
  process.stdout.write(JSON.stringify({ listening: `${tunnel.address.host}:${tunnel.address.port}`, ...(tunnel.statusUrl ? { status: tunnel.statusUrl } : {}) }) + '\n');
  process.on('SIGHUP', () => void tunnel.reload());
  await new Promise<void>((resolve) => {
    const stop = () => void tunnel.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  forceExitLater();
}

export function register(program: Command): void {
  const tunnel = program.command('tunnel').description('An mTLS tunnel with identity policy, hot reload, status and metrics (docs/tunnel.md)');
  common(tunnel.command('server').description('Mutual TLS in (client certificate required, identity policy), plain or TLS to the backend'))
    .option('--target-tls', 'speak TLS to the backend (trusting --target-ca, or the system store)')
    .option('--target-ca <file>', 'CA bundle for the backend\'s certificate (implies --target-tls)')
    .option('--target-name <name>', 'server name to send to and check on the backend')
    .option('--proxy-protocol', 'send a PROXY protocol v2 header with the client address and verified identity to the backend')
    .action((opts: TunnelCliOptions) => run('server', opts));
  common(tunnel.command('client').description('Plain TCP in, mutual TLS out with our certificate; the server identity checked by the policy or host name'))
    .option('--server-name <name>', 'server name to send (SNI) and check when no --allow-* is given; default the target host')
    .action((opts: TunnelCliOptions) => run('client', opts));
}

/** After a graceful stop, a socket still open elsewhere (an outbound validation, a slow peer) must not keep the
 * process alive: exit after 5 s. Unref'd, so a clean stop exits at once. */
function forceExitLater(): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), 5000).unref();
}
