/**
 * OpenVPN for real, between two network namespaces the test creates (veth 198.18.0.1 ↔ 198.18.0.2, tunnels in
 * 198.19.8.0/24 and 198.19.9.0/24): the sample configurations bring up tunnels over /dev/net/tun with certificates
 * minted by src/pki; `mitmguard vpn check` tells the full tunnel, the IPv6 leak beside an IPv4-only redirect, the DNS leak
 * and the dropped tunnel apart; and a hostile server that presents a *client* certificate from the right CA is refused by
 * the careful client (remote-cert-tls server) and accepted by the careless one — as `vpn config` predicted.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAuthority, EKU, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { cli } from '../helpers/wifi.js';

const DATA = new URL('../../src/vpn/testdata/', import.meta.url).pathname;
const SERVER_NS = `mg-vpn-s-${process.pid}`;
const CLIENT_NS = `mg-vpn-c-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

interface Daemon {
  child: ChildProcess;
  output: () => string;
}

function openvpn(ns: string, dir: string, config: string): Daemon {
  const child = spawn('ip', ['netns', 'exec', ns, 'openvpn', '--cd', dir, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

/** Wait until the output matches `ok` (true) or `fail` or the process exits (false); bounded at 40 s. */
function outcome(d: Daemon, ok: RegExp, fail: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = setInterval(() => {
      const out = d.output();
      if (ok.test(out)) return done(true);
      if (fail.test(out) || d.child.exitCode !== null || Date.now() - started > 40_000) return done(false);
    }, 100);
    const done = (v: boolean) => {
      clearInterval(tick);
      resolve(v);
    };
  });
}

async function stop(d: Daemon | undefined): Promise<void> {
  if (!d || d.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => d.child.kill('SIGKILL'), 5000);
    d.child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    d.child.kill('SIGTERM');
  });
}

describe('OpenVPN tunnels between test namespaces', { timeout: 240_000 }, () => {
  let dir: string;
  const daemons: Daemon[] = [];
  const start = (ns: string, config: string) => {
    const d = openvpn(ns, dir, config);
    daemons.push(d);
    return d;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-vpn-'));
    const ca = createAuthority('mitmguard VPN test CA');
    const server = issueLeaf(ca, { names: ['vpn.example.test'], eku: [EKU.serverAuth] });
    const client = issueLeaf(ca, { names: ['alice'], eku: [EKU.clientAuth] });
    // A fellow client's certificate as many PKIs issue them (no extendedKeyUsage): OpenSSL's purpose check alone rejects a
    // clientAuth-only certificate presented by a server, but not this one; only remote-cert-tls server does.
    const fellow = issueLeaf(ca, { names: ['bob'], extensions: { extKeyUsage: undefined } });
    const other = createAuthority('someone else CA');
    const untrusted = issueLeaf(other, { names: ['vpn.example.test'], eku: [EKU.serverAuth] });
    const w = (name: string, text: string) => writeFileSync(join(dir, name), text, { mode: 0o600 });
    w('ca.crt', ca.cert.pem);
    w('server.crt', server.pem);
    w('server.key', privateKeyPem(server.keyPair));
    w('client.crt', client.pem);
    w('client.key', privateKeyPem(client.keyPair));
    // The hostile servers: a fellow client's certificate (right CA, clientAuth), and a certificate from another CA.
    w('fellow.crt', fellow.pem);
    w('fellow.key', privateKeyPem(fellow.keyPair));
    w('untrusted.crt', untrusted.pem);
    w('untrusted.key', privateKeyPem(untrusted.keyPair));
    w('creds.txt', 'alice\nnot-a-real-password\n');
    execFileSync('openvpn', ['--genkey', 'secret', join(dir, 'ta.key')]);
    for (const f of ['good-client.ovpn', 'good-server.conf', 'careless-client.ovpn', 'careless-server.conf']) copyFileSync(join(DATA, f), join(dir, f));
    for (const [name, cert] of [['fellow', 'fellow'], ['untrusted', 'untrusted']] as const) {
      w(`hostile-${name}.conf`, [
        'port 1194', 'proto udp', 'dev tun', 'ca ca.crt', `cert ${cert}.crt`, `key ${cert}.key`, 'dh none', 'topology subnet',
        'server 198.19.9.0 255.255.255.0', 'verify-client-cert none', 'script-security 2', 'auth-user-pass-verify /bin/true via-env', 'verb 3',
      ].join('\n') + '\n');
    }

    ip('netns', 'add', SERVER_NS);
    ip('netns', 'add', CLIENT_NS);
    const s = `mgs${process.pid}`.slice(0, 15);
    const c = `mgc${process.pid}`.slice(0, 15);
    ip('link', 'add', s, 'netns', SERVER_NS, 'type', 'veth', 'peer', 'name', c, 'netns', CLIENT_NS);
    ip('-n', SERVER_NS, 'addr', 'add', '198.18.0.1/24', 'dev', s);
    ip('-n', CLIENT_NS, 'addr', 'add', '198.18.0.2/24', 'dev', c);
    ip('-n', SERVER_NS, 'addr', 'add', '2001:db8:1::1/64', 'dev', s, 'nodad');
    ip('-n', CLIENT_NS, 'addr', 'add', '2001:db8:1::2/64', 'dev', c, 'nodad');
    for (const [ns, dev] of [[SERVER_NS, s], [CLIENT_NS, c]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    // The client's underlay: a default route (IPv4 and IPv6) through the "local network", as a laptop on café Wi-Fi has.
    ip('-n', CLIENT_NS, 'route', 'add', 'default', 'via', '198.18.0.1');
    ip('-n', CLIENT_NS, '-6', 'route', 'add', 'default', 'via', '2001:db8:1::1');
    mkdirSync(`/etc/netns/${CLIENT_NS}`, { recursive: true });
  });

  after(async () => {
    for (const d of daemons) await stop(d);
    for (const ns of [CLIENT_NS, SERVER_NS]) {
      try {
        ip('netns', 'delete', ns);
      } catch {
        /* already gone */
      }
    }
    rmSync(`/etc/netns/${CLIENT_NS}`, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const resolver = (addr: string) => writeFileSync(`/etc/netns/${CLIENT_NS}/resolv.conf`, `nameserver ${addr}\n`);
  const check = async (...extra: string[]) => {
    const r = await cli(['vpn', 'check', '--netns', CLIENT_NS, '--format', 'json', ...extra]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    return { code: r.code, doc, ids: doc.findings.map((f: { id: string }) => f.id).sort() as string[] };
  };
  const ready = /Initialization Sequence Completed/;
  const refused = /VERIFY ERROR|VERIFY KU ERROR|VERIFY EKU ERROR|VERIFY X509NAME ERROR|TLS Error|certificate verify failed|Exiting due to fatal error/;

  /** Every test stops what it started, also when an assertion fails, so the next one finds port 1194 free. */
  const withDaemons = (fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } finally {
      for (const d of daemons) await stop(d);
    }
  };

  it('the careful pair brings up a full tunnel: IPv4, IPv6 and the pushed resolver all route into tun; no leak', withDaemons(async () => {
    const server = start(SERVER_NS, 'good-server.conf');
    assert.ok(await outcome(server, /Initialization Sequence Completed/, /Exiting/), server.output());
    const client = start(CLIENT_NS, 'good-client.ovpn');
    assert.ok(await outcome(client, ready, refused), client.output());
    execFileSync('ip', ['netns', 'exec', CLIENT_NS, 'ping', '-c', '1', '-W', '5', '198.19.8.1']); // data through the tunnel
    resolver('198.19.8.1');
    const r = await check('--expect-tunnel');
    assert.deepEqual(r.ids, []);
    assert.equal(r.code, 0);
    assert.ok(r.doc.routing.tunnels.includes(r.doc.routing.ipv4.dev));
    // A resolver on the local network beside the tunnel is a DNS leak.
    resolver('198.18.0.53');
    assert.deepEqual((await check()).ids, ['vpn.leak.dns']);
    // The tunnel drops: without a kill switch, traffic has a route out in clear.
    await stop(client);
    const down = await check('--expect-tunnel');
    assert.deepEqual(down.ids, ['vpn.leak.tunnel-down']);
    assert.equal(down.code, 1);
  }));

  it('the careless pair tunnels IPv4 only: vpn check finds the IPv6 leak that vpn config predicted', withDaemons(async () => {
    const server = start(SERVER_NS, 'careless-server.conf');
    assert.ok(await outcome(server, /Initialization Sequence Completed/, /Exiting/), server.output());
    const client = start(CLIENT_NS, 'careless-client.ovpn');
    assert.ok(await outcome(client, ready, refused), client.output());
    resolver('198.19.9.1');
    const r = await check();
    assert.deepEqual(r.ids, ['vpn.leak.ipv6']);
    const predicted = await cli(['vpn', 'config', join(dir, 'careless-server.conf'), '--format', 'json']);
    assert.ok(JSON.parse(predicted.stdout).findings.some((f: { id: string }) => f.id === 'vpn.openvpn.ipv6-leak'));
  }));

  for (const [hostile, careful, careless] of [
    ['fellow', false, true], // a fellow client's certificate without EKU
    ['untrusted', false, false],
  ] as const) {
    it(`a hostile server with a ${hostile === 'fellow' ? "fellow client's certificate (right CA)" : 'certificate from another CA'}: careful client ${careful ? 'connects' : 'refuses'}, careless client ${careless ? 'connects' : 'refuses'}`, withDaemons(async () => {
      const server = start(SERVER_NS, `hostile-${hostile}.conf`);
      assert.ok(await outcome(server, /Initialization Sequence Completed/, /Exiting/), server.output());
      for (const [config, expected] of [['good-client.ovpn', careful], ['careless-client.ovpn', careless]] as const) {
        // The careful client insists on tls-crypt, which the hostile server lacks; drop it so only the certificate checks decide.
        const name = `probe-${config}`;
        writeFileSync(join(dir, name), readFileSync(join(dir, config), 'utf8').replace(/^tls-crypt .*$/m, ''), { mode: 0o600 });
        const client = start(CLIENT_NS, name);
        const connected = await outcome(client, ready, refused);
        assert.equal(connected, expected, `${config}: ${client.output().split('\n').filter((l) => /VERIFY|Initialization|TLS Error/.test(l)).join(' | ')}`);
        await stop(client);
      }
    }));
  }
});
