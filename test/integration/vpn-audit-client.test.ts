/**
 * `mitmguard vpn audit-client` end to end: real openvpn servers with forged certificates against the sample client
 * configurations, in namespaces the command creates and deletes. The careless client (no remote-cert-tls, no
 * verify-x509-name) completes tunnels with a fellow client's EKU-less certificate and with another name's certificate,
 * and answers pings through them; the careful client refuses every forgery; a client whose genuine baseline cannot
 * connect is reported as inconclusive (exit 2), never as safe.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from '../helpers/wifi.js';

const DATA = new URL('../../src/vpn/testdata/', import.meta.url).pathname;
const namespaces = () => execFileSync('ip', ['netns', 'list']).toString().split('\n').filter((l) => l.startsWith('mg-ovpn-')).length;

describe('mitmguard vpn audit-client', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-ovpn-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the careless client accepts a fellow client (no EKU) and another name, and sends data through both', async () => {
    const before = namespaces();
    const r = await cli(['vpn', 'audit-client', join(DATA, 'careless-client.ovpn'), '--format', 'json'], 240_000);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    const verdict = Object.fromEntries(doc.audit.scenarios.map((s: { id: string; tunnelCompleted: boolean; dataThroughTunnel: boolean }) => [s.id, [s.tunnelCompleted, s.dataThroughTunnel]]));
    assert.deepEqual(verdict, {
      baseline: [true, true],
      'fellow-client': [false, false], // OpenSSL's purpose check refuses a clientAuth-only certificate from a server
      'fellow-client-no-eku': [true, true],
      'wrong-name': [true, true],
      untrusted: [false, false],
    });
    assert.deepEqual(doc.findings.map((f: { id: string }) => f.id).sort(), ['vpn.client-audit.accepts-fellow-client', 'vpn.client-audit.accepts-wrong-name']);
    assert.equal(namespaces(), before, 'the namespaces of the run are deleted');
  });

  it('the careful client refuses every forgery and exits 0', async () => {
    const r = await cli(['vpn', 'audit-client', join(DATA, 'good-client.ovpn'), '--format', 'json'], 240_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.audit.scenarios.filter((s: { tunnelCompleted: boolean }) => s.tunnelCompleted).map((s: { id: string }) => s.id), ['baseline']);
    assert.deepEqual(doc.findings, []);
  });

  it('a client that cannot connect even to the genuine server is inconclusive (exit 2)', async () => {
    const f = join(dir, 'subject.ovpn');
    writeFileSync(f, readFileSync(join(DATA, 'good-client.ovpn'), 'utf8').replace(/^verify-x509-name .*$/m, 'verify-x509-name "C=XX, O=Elsewhere, CN=vpn.example.test" subject'), { mode: 0o600 });
    const r = await cli(['vpn', 'audit-client', f, '--format', 'json'], 240_000);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout).findings.map((x: { id: string }) => x.id), ['vpn.client-audit.inconclusive']);
  });

  it('a server configuration is refused as a usage of the wrong file', async () => {
    const r = await cli(['vpn', 'audit-client', join(DATA, 'good-server.conf')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MG_ERR_CONFIG: .*not an OpenVPN client/);
  });
});
