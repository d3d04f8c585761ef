/**
 * The OpenVPN client audit (`mitmguard vpn audit-client <client.ovpn>`), in the client audit's style: real `openvpn`
 * servers started by us play the man in the middle, each presenting one forged certificate, and the user's client
 * configuration — every directive kept except where it connects and which CA, certificate and keys it uses, which are
 * replaced by ours — is run against each. The verdict per scenario is whether the client completed the tunnel and
 * answered a ping through it. Both ends run in network namespaces created for the run (198.18.0.0/24 underlay,
 * 198.19.30.0/24 tunnel) and deleted after it. Needs root (ip netns) and /dev/net/tun.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MitmError } from '../errors.js';
import { createAuthority, EKU, issueLeaf, privateKeyPem } from '../pki/index.js';
import { parseOpenVpn } from './openvpn.js';

const run = promisify(execFile);

/** How long one scenario may take to complete (or refuse) the tunnel. */
export const SCENARIO_TIMEOUT_MS = 30_000;

export const OPENVPN_CLIENT_SCENARIOS = [
  { id: 'baseline', title: 'a server certificate from the trusted CA with the expected name', forged: false },
  { id: 'fellow-client', title: "a fellow client's certificate from the trusted CA (clientAuth EKU)", forged: true },
  { id: 'fellow-client-no-eku', title: "a fellow client's certificate from the trusted CA without extendedKeyUsage", forged: true },
  { id: 'wrong-name', title: 'a server certificate from the trusted CA for another name', forged: true },
  { id: 'untrusted', title: 'a server certificate for the expected name from an untrusted CA', forged: true },
] as const;
export type OpenVpnScenarioId = (typeof OPENVPN_CLIENT_SCENARIOS)[number]['id'];

export interface OpenVpnScenarioResult {
  id: OpenVpnScenarioId;
  title: string;
  forged: boolean;
  /** The client reached "Initialization Sequence Completed". */
  tunnelCompleted: boolean;
  /** The client answered a ping sent through the tunnel. */
  dataThroughTunnel: boolean;
  /** The client's verification messages (VERIFY …, TLS Error), for the evidence. */
  clientLog: string[];
}

export interface OpenVpnClientAuditObservation {
  config: string;
  /** The name a baseline server certificate carries (verify-x509-name, else vpn.example.test). */
  expectedName: string;
  scenarios: OpenVpnScenarioResult[];
}

/** Directives that say where and with what credentials the client connects: replaced by the audit's own. */
const REPLACED = new Set([
  'remote', 'proto', 'port', 'rport', 'ca', 'capath', 'cert', 'key', 'pkcs12', 'tls-crypt', 'tls-crypt-v2', 'tls-auth', 'key-direction', 'auth-user-pass',
  'cd', 'daemon', 'log', 'log-append', 'writepid', 'management', 'up', 'down', 'route-up', 'ipchange', 'script-security', 'dev-node', 'connection',
  'http-proxy', 'socks-proxy', 'remote-random', 'crl-verify', 'extra-certs', 'askpass', 'peer-fingerprint', 'tls-verify', 'status', 'mlock', 'user', 'group', 'chroot',
]);

/** The client configuration with the replaced directives and their inline blocks removed. */
export function strippedClientConfig(text: string): string {
  const out: string[] = [];
  let skipping: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (skipping) {
      if (line === `</${skipping}>`) skipping = null;
      continue;
    }
    const inline = /^<([a-z0-9-]+)>$/.exec(line);
    if (inline) {
      if (REPLACED.has(inline[1]!)) skipping = inline[1]!;
      else out.push(raw);
      continue;
    }
    const word = /^(?:--)?([a-z][a-z0-9-]*)/.exec(line)?.[1];
    if (word && REPLACED.has(word)) continue;
    out.push(raw);
  }
  return out.join('\n');
}

interface Lab {
  dir: string;
  serverNs: string;
  clientNs: string;
}

async function ip(args: string[], signal?: AbortSignal): Promise<void> {
  try {
    await run('ip', args, { timeout: 10_000, ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new MitmError('MG_ERR_IO', `ip ${args.join(' ')}: ${String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim()}`, { cause: err });
  }
}

function start(ns: string, dir: string, config: string): { child: ChildProcess; log: () => string } {
  const child = spawn('ip', ['netns', 'exec', ns, 'openvpn', '--cd', dir, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-65_536)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-65_536)));
  child.on('error', () => undefined);
  return { child, log: () => log };
}

function waitFor(p: { child: ChildProcess; log: () => string }, ok: RegExp, fail: RegExp, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const tick = setInterval(() => {
      const log = p.log();
      if (ok.test(log)) return done(true);
      if (fail.test(log) || p.child.exitCode !== null || Date.now() - t0 > timeoutMs || signal?.aborted) return done(false);
    }, 100);
    const done = (v: boolean) => {
      clearInterval(tick);
      resolve(v);
    };
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const READY = /Initialization Sequence Completed/;
const REFUSED = /VERIFY (KU |EKU |X509NAME )?ERROR|TLS Error: TLS handshake failed|certificate verify failed|Exiting due to fatal error|AUTH_FAILED/;

/**
 * Run the client configuration against every scenario.
 *
 * @example await auditOpenVpnClient(readFileSync('client.ovpn', 'utf8'), 'client.ovpn')
 */
export async function auditOpenVpnClient(text: string, file: string, options: { signal?: AbortSignal } = {}): Promise<OpenVpnClientAuditObservation> {
  const parsed = parseOpenVpn(text, file);
  if (parsed.role !== 'client') throw new MitmError('MG_ERR_CONFIG', `${file}: not an OpenVPN client configuration (no client/tls-client/pull)`);
  const x509 = parsed.verifyX509Name?.split(' ') ?? [];
  const expectedName = x509[0] && (x509[1] ?? 'subject') !== 'subject' ? x509[0].replace(/^CN=/, '') : x509[0]?.match(/CN=([^,/]+)/)?.[1] ?? 'vpn.example.test';
  const tag = `${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const lab: Lab = { dir: mkdtempSync(join(tmpdir(), 'mg-ovpn-audit-')), serverNs: `mg-ovpn-s-${tag}`, clientNs: `mg-ovpn-c-${tag}` };
  const w = (name: string, content: string) => writeFileSync(join(lab.dir, name), content, { mode: 0o600 });
  const results: OpenVpnScenarioResult[] = [];
  try {
    // The audit's PKI: the CA the client is told to trust, its client certificate, and one server certificate per scenario.
    const ca = createAuthority(`mitmguard OpenVPN audit CA ${tag}`);
    const other = createAuthority(`mitmguard untrusted CA ${tag}`);
    const client = issueLeaf(ca, { names: ['mitmguard-audit-client'], eku: [EKU.clientAuth] });
    const certs: Record<OpenVpnScenarioId, ReturnType<typeof issueLeaf>> = {
      baseline: issueLeaf(ca, { names: [expectedName], eku: [EKU.serverAuth] }),
      'fellow-client': issueLeaf(ca, { names: ['mitmguard-fellow-client'], eku: [EKU.clientAuth] }),
      'fellow-client-no-eku': issueLeaf(ca, { names: ['mitmguard-fellow-client'], extensions: { extKeyUsage: undefined } }),
      'wrong-name': issueLeaf(ca, { names: ['attacker.invalid'], eku: [EKU.serverAuth] }),
      untrusted: issueLeaf(other, { names: [expectedName], eku: [EKU.serverAuth] }),
    };
    w('ca.crt', ca.cert.pem);
    w('client.crt', client.pem);
    w('client.key', privateKeyPem(client.keyPair));
    w('creds.txt', 'mitmguard-audit\nnot-a-real-password\n');
    await run('openvpn', ['--genkey', 'secret', join(lab.dir, 'ta.key')], { timeout: 10_000 });
    const hmac = parsed.tlsCrypt ? 'tls-crypt ta.key' : parsed.tlsAuth ? null : '';
    const clientConfig = [
      strippedClientConfig(text),
      'remote 198.18.0.1 1194 udp', 'ca ca.crt', 'cert client.crt', 'key client.key',
      ...(parsed.authUserPass ? ['auth-user-pass creds.txt'] : []),
      ...(hmac === null ? ['tls-auth ta.key 1'] : hmac ? [hmac] : []),
    ].join('\n') + '\n';
    w('client.ovpn', clientConfig);

    await ip(['netns', 'add', lab.serverNs], options.signal);
    await ip(['netns', 'add', lab.clientNs], options.signal);
    const s = `mgas${tag}`.slice(0, 15);
    const c = `mgac${tag}`.slice(0, 15);
    await ip(['link', 'add', s, 'netns', lab.serverNs, 'type', 'veth', 'peer', 'name', c, 'netns', lab.clientNs]);
    await ip(['-n', lab.serverNs, 'addr', 'add', '198.18.0.1/24', 'dev', s]);
    await ip(['-n', lab.clientNs, 'addr', 'add', '198.18.0.2/24', 'dev', c]);
    for (const [ns, dev] of [[lab.serverNs, s], [lab.clientNs, c]] as const) {
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      await ip(['-n', ns, 'link', 'set', dev, 'up']);
    }

    for (const scenario of OPENVPN_CLIENT_SCENARIOS) {
      if (options.signal?.aborted) throw new MitmError('MG_ERR_ABORTED', 'OpenVPN client audit cancelled');
      const cert = certs[scenario.id];
      w(`${scenario.id}.crt`, cert.pem);
      w(`${scenario.id}.key`, privateKeyPem(cert.keyPair));
      w(`${scenario.id}.conf`, [
        'port 1194', 'proto udp', 'dev tun', 'ca ca.crt', `cert ${scenario.id}.crt`, `key ${scenario.id}.key`, 'dh none', 'topology subnet',
        'server 198.19.30.0 255.255.255.0', 'verb 3',
        ...(hmac === null ? ['tls-auth ta.key 0'] : hmac ? [hmac] : []),
        ...(parsed.compression ? ['comp-lzo', 'allow-compression yes'] : []),
      ].join('\n') + '\n');
      const server = start(lab.serverNs, lab.dir, `${scenario.id}.conf`);
      let clientProcess: ChildProcess | null = null;
      try {
        if (!(await waitFor(server, READY, /Exiting/, SCENARIO_TIMEOUT_MS, options.signal))) {
          throw new MitmError('MG_ERR_IO', `hostile OpenVPN server for ${scenario.id} did not start: ${server.log().split('\n').slice(-3).join(' | ')}`);
        }
        const cl = start(lab.clientNs, lab.dir, 'client.ovpn');
        clientProcess = cl.child;
        const tunnelCompleted = await waitFor(cl, READY, REFUSED, SCENARIO_TIMEOUT_MS, options.signal);
        let dataThroughTunnel = false;
        if (tunnelCompleted) {
          try {
            await run('ip', ['netns', 'exec', lab.serverNs, 'ping', '-c', '1', '-W', '5', '198.19.30.2'], { timeout: 10_000 });
            dataThroughTunnel = true;
          } catch {
            dataThroughTunnel = false;
          }
        }
        results.push({
          id: scenario.id, title: scenario.title, forged: scenario.forged, tunnelCompleted, dataThroughTunnel,
          clientLog: cl.log().split('\n').filter((l) => /VERIFY|TLS Error|Initialization Sequence|AUTH_FAILED|Options error/.test(l)).map((l) => l.replace(/^\S+ \S+ /, '')).slice(0, 8),
        });
      } finally {
        if (clientProcess) await stop(clientProcess);
        await stop(server.child);
      }
    }
  } finally {
    for (const ns of [lab.clientNs, lab.serverNs]) await ip(['netns', 'delete', ns]).catch(() => undefined);
    rmSync(lab.dir, { recursive: true, force: true });
  }
  return { config: file, expectedName, scenarios: results };
}
