import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { CheckRegistry } from '../checks/registry.js';
import { vpnChecks } from '../checks/vpn.js';
import { auditVpnText } from './read.js';
import { parseOpenVpn } from './openvpn.js';
import { parseWireGuard } from './wireguard.js';
import { MAX_VPN_CONFIG_BYTES } from './text.js';
import type { VpnRoutingObservation } from './routing.js';

const DIR = new URL('./testdata/', import.meta.url).pathname;
const ids = (name: string, readable: boolean | null = false) => auditVpnText(readFileSync(DIR + name, 'utf8'), name, readable).findings.map((f) => f.id).sort();
const registry = new CheckRegistry(vpnChecks);

describe('VPN configuration audit', () => {
  it('the careful OpenVPN client and server and the full WireGuard tunnel raise nothing', () => {
    assert.deepEqual(ids('good-client.ovpn'), []);
    assert.deepEqual(ids('good-server.conf'), []);
    assert.deepEqual(ids('wg-full.conf'), []);
  });
  it('the careless OpenVPN client: no server check, no tls-crypt, VORACLE compression, TLS 1.0, split tunnel', () => {
    assert.deepEqual(ids('careless-client.ovpn'), [
      'vpn.openvpn.compression', 'vpn.openvpn.no-server-verification', 'vpn.openvpn.no-tls-crypt', 'vpn.openvpn.split-tunnel', 'vpn.openvpn.tls-below-1.2',
    ]);
    const f = auditVpnText(readFileSync(DIR + 'careless-client.ovpn', 'utf8'), 'c.ovpn').findings.find((x) => x.id === 'vpn.openvpn.no-server-verification')!;
    assert.match(f.evidence, /password go to whoever answers/);
  });
  it('the careless OpenVPN server: optional client certificates, compression, IPv4-only redirect without DNS', () => {
    assert.deepEqual(ids('careless-server.conf'), [
      'vpn.openvpn.client-cert-optional', 'vpn.openvpn.compression', 'vpn.openvpn.dns-leak', 'vpn.openvpn.ipv6-leak', 'vpn.openvpn.no-tls-crypt', 'vpn.openvpn.tls-below-1.2',
    ]);
  });
  it('static-key mode with BF-CBC and auth none', () => {
    assert.deepEqual(ids('static-key.conf'), ['vpn.openvpn.auth-none', 'vpn.openvpn.static-key', 'vpn.openvpn.weak-cipher']);
    assert.equal(parseOpenVpn('client\nremote 192.0.2.1\ncipher none\nremote-cert-tls server\n', 'x').ciphers.includes('NONE'), true);
  });
  it('WireGuard: IPv4-only full tunnel leaks IPv6 and has no DNS; a split tunnel is named; a readable key is a finding', () => {
    assert.deepEqual(ids('wg-ipv4-only.conf'), ['vpn.wireguard.ipv6-leak', 'vpn.wireguard.no-dns', 'vpn.wireguard.no-kill-switch', 'vpn.wireguard.no-preshared-key']);
    assert.deepEqual(ids('wg-split.conf'), ['vpn.wireguard.split-tunnel']);
    assert.deepEqual(ids('wg-full.conf', true), ['vpn.wireguard.key-readable']);
    assert.ok(!JSON.stringify(auditVpnText(readFileSync(DIR + 'wg-full.conf', 'utf8'), 'wg').config).includes(readFileSync(DIR + 'wg-full.conf', 'utf8').match(/PrivateKey = (\S+)/)![1]!));
  });
  it('bad input is refused with a MitmError: binary, oversize, broken keys, unclosed inline blocks, unknown keys', () => {
    const bad: [string, string][] = [
      ['\x7fELF\x00\x00\x01', 'x.conf'],
      ['remote a\n'.repeat(MAX_VPN_CONFIG_BYTES / 8), 'x.conf'],
      ['[Interface]\nPrivateKey = short\n', 'wg.conf'],
      ['[Interface]\nBogus = 1\n', 'wg.conf'],
      ['[Peer]\nPublicKey = x\n', 'wg.conf'],
      ['client\n<ca>\n-----BEGIN CERTIFICATE-----\n', 'x.ovpn'],
      ['client\nremote "192.0.2.1\n', 'x.ovpn'],
      ['client\n<bogus>\n</bogus>\n', 'x.ovpn'],
    ];
    for (const [text, file] of bad) assert.throws(() => auditVpnText(text, file), (e) => isMitmError(e), JSON.stringify(text.slice(0, 40)));
    assert.throws(() => parseWireGuard('[Interface]\n[Interface]\n', 'w'), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
  });
  it('seeded mutants of every sample parse or are refused with a MitmError', () => {
    let s = 42;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const name of ['good-client.ovpn', 'careless-server.conf', 'static-key.conf', 'wg-full.conf', 'wg-split.conf']) {
      const text = readFileSync(DIR + name, 'utf8');
      for (let i = 0; i < 1500; i++) {
        const chars = [...text];
        for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
          const at = Math.floor(rnd() * chars.length);
          const op = Math.floor(rnd() * 3);
          if (op === 0) chars[at] = String.fromCharCode(Math.floor(rnd() * 128));
          else if (op === 1) chars.splice(at, Math.floor(rnd() * 20));
          else chars.splice(at, 0, ...['"', '<', '>', '[', ']', '=', '\n', '#', '\\'][Math.floor(rnd() * 9)]!);
        }
        try {
          auditVpnText(chars.join(''), name);
        } catch (err) {
          if (!isMitmError(err)) assert.fail(`${name} mutant threw ${String(err)}`);
        }
      }
    }
  });
});

describe('VPN leak checks (vpn-routing observations)', () => {
  const base: VpnRoutingObservation = {
    namespace: null, tunnels: ['tun0'], expectTunnel: true,
    ipv4: { destination: '192.0.2.1', dev: 'tun0', gateway: null },
    ipv6: { destination: '2001:db8::1', dev: 'tun0', gateway: null },
    dns: [{ destination: '198.19.8.1', dev: 'tun0', gateway: null }],
  };
  const run = (o: Partial<VpnRoutingObservation>) => registry.run('vpn-routing', { ...base, ...o }, 'host').map((f) => f.id);
  it('everything through the tunnel: no finding; no IPv6 route at all is not a leak', () => {
    assert.deepEqual(run({}), []);
    assert.deepEqual(run({ ipv6: { destination: '2001:db8::1', dev: null, gateway: null } }), []);
  });
  it('each leak is told apart', () => {
    assert.deepEqual(run({ ipv4: { destination: '192.0.2.1', dev: 'eth0', gateway: '198.18.0.1' } }), ['vpn.leak.ipv4']);
    assert.deepEqual(run({ ipv6: { destination: '2001:db8::1', dev: 'eth0', gateway: null } }), ['vpn.leak.ipv6']);
    assert.deepEqual(run({ dns: [{ destination: '198.18.0.53', dev: 'eth0', gateway: null }] }), ['vpn.leak.dns']);
    assert.deepEqual(run({ tunnels: [], ipv4: { destination: '192.0.2.1', dev: 'eth0', gateway: null } }), ['vpn.leak.tunnel-down']);
    assert.deepEqual(run({ tunnels: [], expectTunnel: false, ipv4: { destination: '192.0.2.1', dev: 'eth0', gateway: null } }), []);
  });
});

describe('OpenVPN client audit: the client configuration under test', () => {
  it('keeps every verification directive and drops where and with what it connects', async () => {
    const { strippedClientConfig } = await import('./client-audit.js');
    const out = strippedClientConfig(readFileSync(DIR + 'good-client.ovpn', 'utf8') + '<tls-crypt>\nsecret\n</tls-crypt>\n<connection>\nremote 192.0.2.9\n</connection>\n');
    for (const kept of ['remote-cert-tls server', 'verify-x509-name vpn.example.test name', 'data-ciphers', 'redirect-gateway def1 ipv6']) assert.ok(out.includes(kept), kept);
    for (const dropped of ['remote 198.18.0.1', 'ca ca.crt', 'cert client.crt', 'key client.key', 'tls-crypt ta.key', '<tls-crypt>', 'secret', '192.0.2.9']) assert.ok(!out.includes(dropped), dropped);
  });
});

describe('strongSwan configurations', () => {
  it('swanctl.conf and ipsec.conf: aggressive-mode PSK, IKEv1, weak proposals, unconstrained certificate peer; the careful files pass', () => {
    assert.deepEqual(ids('good-swanctl.conf'), []);
    assert.deepEqual(ids('good-ipsec.conf'), []);
    assert.deepEqual(ids('bad-swanctl.conf'), ['vpn.ipsec.ikev1', 'vpn.ipsec.ikev1-aggressive-psk', 'vpn.ipsec.no-peer-identity', 'vpn.ipsec.weak-proposal']);
    assert.deepEqual(ids('bad-ipsec.conf'), ['vpn.ipsec.ikev1', 'vpn.ipsec.ikev1-aggressive-psk', 'vpn.ipsec.weak-proposal']);
    const { config } = auditVpnText(readFileSync(DIR + 'bad-swanctl.conf', 'utf8'), 'bad-swanctl.conf');
    assert.ok(!JSON.stringify(config).includes('not-a-real-psk'), 'the secrets section is never carried');
  });
  it('ipsec.conf inherits %default and also=; keyexchange=ike accepts IKEv1', () => {
    const text = 'conn %default\n    keyexchange=ike\n    ike=aes128-sha1-modp1024!\nconn base\n    rightid=gw.example.test\nconn c\n    also=base\n    right=192.0.2.1\n';
    const { config, findings } = auditVpnText(text, 'ipsec.conf');
    assert.equal(config.kind, 'strongswan');
    if (config.kind === 'strongswan') assert.equal(config.connections.find((c) => c.name === 'c')?.remoteId, 'gw.example.test');
    assert.deepEqual([...new Set(findings.map((f) => f.id))].sort(), ['vpn.ipsec.ikev1', 'vpn.ipsec.weak-proposal']);
  });
  it('broken nesting and stray lines are refused with a MitmError; mutants never crash', () => {
    for (const bad of ['connections {\n  a {\n', 'connections {\n}\n}\n', 'connections {\n  what is this\n}\n', 'conn a\nnot indented=1\n']) {
      assert.throws(() => auditVpnText(bad, 'x.conf'), (e) => isMitmError(e, 'MG_ERR_CONFIG'), bad);
    }
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const name of ['good-swanctl.conf', 'bad-ipsec.conf']) {
      const text = readFileSync(DIR + name, 'utf8');
      for (let i = 0; i < 1500; i++) {
        const chars = [...text];
        for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
          const at = Math.floor(rnd() * chars.length);
          if (rnd() < 0.5) chars.splice(at, Math.floor(rnd() * 20));
          else chars.splice(at, 0, ['{', '}', '=', '\n', '#', '"', ' '][Math.floor(rnd() * 7)]!);
        }
        try {
          auditVpnText(chars.join(''), name);
        } catch (err) {
          if (!isMitmError(err)) assert.fail(`${name} mutant threw ${String(err)}`);
        }
      }
    }
  });
});

describe('vpn config on the wrong file', () => {
  it('a file that is no VPN configuration at all is refused with MG_ERR_CONFIG, not audited as an empty OpenVPN file', () => {
    for (const text of ['not a capture\n', '{"json": true}\n', '']) {
      assert.throws(() => auditVpnText(text, 'x.conf'), (e: unknown) => isMitmError(e, 'MG_ERR_CONFIG') && /not an OpenVPN, WireGuard or strongSwan configuration/.test((e as Error).message));
    }
    assert.equal(auditVpnText('client\nremote vpn.example.test 1194\n', 'c.ovpn').config.kind, 'openvpn');
  });
});
