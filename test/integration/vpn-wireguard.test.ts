/**
 * WireGuard for real with wireguard-go (userspace; no kernel module here) between two namespaces the test creates: the
 * wg-quick samples' [Peer] sections are loaded with `wg setconf` (after `wg-quick strip`), with fresh keys, and their
 * AllowedIPs routed as wg-quick routes them (a /0 as its two halves). `mitmguard vpn check` must tell the full tunnel,
 * the IPv4-only tunnel (IPv6 leak), the split tunnel (IPv4 leak) and the dropped tunnel apart, and each must agree with
 * what `mitmguard vpn config` predicted from the file.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/wifi.js';

const DATA = new URL('../../src/vpn/testdata/', import.meta.url).pathname;
const S = `mg-wg-s-${process.pid}`;
const C = `mg-wg-c-${process.pid}`;
const SIF = `mgws${process.pid % 1_000_000}`;
const CIF = `mgwc${process.pid % 1_000_000}`;
const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 }).toString();
const ip = (...args: string[]) => run('ip', ...args);
const inNs = (ns: string, cmd: string, ...args: string[]) => run('ip', 'netns', 'exec', ns, cmd, ...args);
const key = () => run('wg', 'genkey').trim();
const pub = (k: string) => execFileSync('wg', ['pubkey'], { input: k + '\n' }).toString().trim();

describe('WireGuard (wireguard-go) tunnels between test namespaces', { timeout: 240_000 }, () => {
  let dir: string;
  const daemons: ChildProcess[] = [];
  const serverKey = key();
  const clientKey = key();

  /** wireguard-go in the foreground, our own child; the interface exists once `wg show` answers. */
  async function wireguardGo(ns: string, ifname: string): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, 'wireguard-go', '-f', ifname], { stdio: 'ignore' });
    daemons.push(child);
    for (let i = 0; i < 100; i++) {
      try {
        inNs(ns, 'wg', 'show', ifname);
        return child;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`wireguard-go ${ifname} did not come up`);
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

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-wg-'));
    ip('netns', 'add', S);
    ip('netns', 'add', C);
    const s = `mgvs${process.pid}`.slice(0, 15);
    const c = `mgvc${process.pid}`.slice(0, 15);
    ip('link', 'add', s, 'netns', S, 'type', 'veth', 'peer', 'name', c, 'netns', C);
    ip('-n', S, 'addr', 'add', '198.18.0.1/24', 'dev', s);
    ip('-n', C, 'addr', 'add', '198.18.0.2/24', 'dev', c);
    ip('-n', S, 'addr', 'add', '2001:db8:1::1/64', 'dev', s, 'nodad');
    ip('-n', C, 'addr', 'add', '2001:db8:1::2/64', 'dev', c, 'nodad');
    for (const [ns, dev] of [[S, s], [C, c]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    ip('-n', C, 'route', 'add', 'default', 'via', '198.18.0.1');
    ip('-n', C, '-6', 'route', 'add', 'default', 'via', '2001:db8:1::1');
    mkdirSync(`/etc/netns/${C}`, { recursive: true });

    // The server: one peer (the client), tunnel address 198.19.20.1 and 2001:db8:20::1.
    await wireguardGo(S, SIF);
    writeFileSync(join(dir, 'server.key'), serverKey + '\n', { mode: 0o600 });
    inNs(S, 'wg', 'set', SIF, 'listen-port', '51820', 'private-key', join(dir, 'server.key'), 'peer', pub(clientKey), 'allowed-ips', '198.19.20.2/32,2001:db8:20::2/128');
    ip('-n', S, 'addr', 'add', '198.19.20.1/24', 'dev', SIF);
    ip('-n', S, 'addr', 'add', '2001:db8:20::1/64', 'dev', SIF, 'nodad');
    ip('-n', S, 'link', 'set', SIF, 'up');
  });

  after(async () => {
    for (const d of daemons) await stop(d);
    for (const ns of [C, S]) {
      try {
        ip('netns', 'delete', ns);
      } catch {
        /* gone */
      }
    }
    rmSync(`/etc/netns/${C}`, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** Bring the client up from a sample: keys replaced, [Interface] applied as wg-quick would (addresses, routes, DNS). */
  async function clientFrom(sample: string): Promise<ChildProcess> {
    const text = readFileSync(join(DATA, sample), 'utf8')
      .replace(/^PrivateKey = .*$/m, `PrivateKey = ${clientKey}`)
      .replace(/^PublicKey = .*$/m, `PublicKey = ${pub(serverKey)}`)
      .replace(/^PresharedKey = .*$/m, '');
    const conf = join(dir, `${CIF}.conf`);
    writeFileSync(conf, text, { mode: 0o600 });
    const daemon = await wireguardGo(C, CIF);
    const stripped = join(dir, 'stripped.conf');
    writeFileSync(stripped, run('wg-quick', 'strip', conf), { mode: 0o600 });
    inNs(C, 'wg', 'setconf', CIF, stripped);
    for (const a of /^Address = (.*)$/m.exec(text)![1]!.split(',').map((x) => x.trim())) ip('-n', C, 'addr', 'add', a, 'dev', CIF, ...(a.includes(':') ? ['nodad'] : []));
    ip('-n', C, 'link', 'set', CIF, 'up');
    for (const allowed of /^AllowedIPs = (.*)$/m.exec(text)![1]!.split(',').map((x) => x.trim())) {
      const halves = allowed === '0.0.0.0/0' ? ['0.0.0.0/1', '128.0.0.0/1'] : allowed === '::/0' ? ['::/1', '8000::/1'] : [allowed];
      for (const h of halves) ip('-n', C, ...(h.includes(':') ? ['-6'] : []), 'route', 'replace', h, 'dev', CIF);
    }
    const dns = /^DNS = (.*)$/m.exec(text)?.[1];
    writeFileSync(`/etc/netns/${C}/resolv.conf`, dns ? `nameserver ${dns}\n` : 'nameserver 198.18.0.53\n');
    inNs(C, 'ping', '-c', '1', '-W', '5', '198.19.20.1'); // a handshake and data through the tunnel
    return daemon;
  }

  const check = async (...extra: string[]) => {
    const r = await cli(['vpn', 'check', '--netns', C, '--format', 'json', ...extra]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return JSON.parse(r.stdout).findings.map((f: { id: string }) => f.id).sort() as string[];
  };
  const predicted = async (sample: string) =>
    JSON.parse((await cli(['vpn', 'config', join(DATA, sample), '--format', 'json'])).stdout).findings.map((f: { id: string }) => f.id) as string[];

  it('full tunnel (wg-full.conf): no leak; dropping it without a kill switch in force is tunnel-down', async () => {
    const d = await clientFrom('wg-full.conf');
    assert.deepEqual(await check('--expect-tunnel'), []);
    await stop(d);
    assert.deepEqual(await check('--expect-tunnel'), ['vpn.leak.tunnel-down']);
  });

  it('IPv4-only tunnel (wg-ipv4-only.conf): the IPv6 leak and the DNS leak vpn config predicted', async () => {
    const d = await clientFrom('wg-ipv4-only.conf');
    assert.deepEqual(await check(), ['vpn.leak.dns', 'vpn.leak.ipv6']);
    const p = await predicted('wg-ipv4-only.conf');
    assert.ok(p.includes('vpn.wireguard.ipv6-leak') && p.includes('vpn.wireguard.no-dns'), p.join());
    await stop(d);
  });

  it('split tunnel (wg-split.conf): Internet traffic leaves outside the tunnel', async () => {
    const d = await clientFrom('wg-split.conf');
    assert.deepEqual(await check(), ['vpn.leak.ipv4', 'vpn.leak.ipv6']);
    assert.ok((await predicted('wg-split.conf')).includes('vpn.wireguard.split-tunnel'));
    await stop(d);
  });
});
