/**
 * The strongSwan samples are real configurations: charon 5.9 (started by the test in its own network namespace, with a
 * strongswan.conf pointing its vici socket into a temporary directory) loads every connection of them through
 * `swanctl --load-all --file`, and refuses a proposal it does not know. Then `mitmguard vpn config` reports their flaws.
 * The ipsec.conf samples follow ipsec.conf(5); the `ipsec` starter is not installed here to load them.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAuthority, EKU, issueLeaf } from '../../src/pki/index.js';
import { cli } from '../helpers/wifi.js';

const DATA = new URL('../../src/vpn/testdata/', import.meta.url).pathname;
const NS = `mg-swan-${process.pid}`;

describe('strongSwan samples against charon and swanctl', { timeout: 120_000 }, () => {
  let dir: string;
  let charon: ChildProcess;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-swan-'));
    const conf = join(dir, 'strongswan.conf');
    // The Debian defaults (modular plugin loading) first, then our vici socket, so nothing here touches /var/run.
    writeFileSync(conf, [
      'include /etc/strongswan.d/*.conf',
      'charon {', '  load_modular = yes', '  install_routes = no', '  plugins {', '    include /etc/strongswan.d/charon/*.conf',
      `    vici {`, `      socket = unix://${dir}/charon.vici`, '    }', '  }', '}',
      'swanctl {', `  socket = unix://${dir}/charon.vici`, '}',
    ].join('\n') + '\n');
    env = { ...process.env, STRONGSWAN_CONF: conf };
    // swanctl loads the certificates a connection names from x509/ and x509ca/ beside the file.
    const ca = createAuthority('mitmguard strongSwan test CA');
    const client = issueLeaf(ca, { names: ['alice@example.com'], eku: [EKU.clientAuth] });
    mkdirSync(join(dir, 'x509'));
    mkdirSync(join(dir, 'x509ca'));
    writeFileSync(join(dir, 'x509/client.crt'), client.pem);
    writeFileSync(join(dir, 'x509ca/ca.crt'), ca.cert.pem);
    for (const f of ['good-swanctl.conf', 'bad-swanctl.conf']) copyFileSync(join(DATA, f), join(dir, f));
    execFileSync('ip', ['netns', 'add', NS]);
    charon = spawn('ip', ['netns', 'exec', NS, '/usr/lib/ipsec/charon'], { env, stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(join(dir, 'charon.vici')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(join(dir, 'charon.vici')), 'charon did not open its vici socket');
  });

  after(async () => {
    if (charon && charon.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => charon.kill('SIGKILL'), 5000);
        charon.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        charon.kill('SIGTERM');
      });
    }
    try {
      execFileSync('ip', ['netns', 'delete', NS]);
    } catch {
      /* gone */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const load = (file: string) => spawnSync('swanctl', ['--load-all', '--noprompt', '--file', file], { env, encoding: 'utf8', timeout: 30_000 });

  for (const [name, count] of [['good-swanctl.conf', 1], ['bad-swanctl.conf', 2]] as const) {
    it(`swanctl loads every connection of ${name}`, () => {
      const r = load(join(dir, name));
      assert.match(r.stdout + r.stderr, new RegExp(`successfully loaded ${count} connections`), r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /loading connection .* failed/);
    });
  }
  it('swanctl refuses a proposal it does not know (the check is real)', () => {
    const f = join(dir, 'broken.conf');
    writeFileSync(f, 'connections {\n  x {\n    proposals = bogus-algorithm\n  }\n}\n');
    const r = load(f);
    assert.match(r.stdout + r.stderr, /loaded 0 of 1 connections, 1 failed/, r.stdout + r.stderr);
  });

  it('mitmguard vpn config reports aggressive-mode PSK, IKEv1, weak proposals and an unconstrained peer; the good files pass', async () => {
    const r = await cli(['vpn', 'config', ...['good-swanctl.conf', 'bad-swanctl.conf', 'good-ipsec.conf', 'bad-ipsec.conf'].map((f) => join(DATA, f)), '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    const got = doc.findings.map((f: { id: string; target: string }) => `${f.target.split('/').pop()} ${f.id}`).sort();
    assert.deepEqual(got, [
      'bad-ipsec.conf branch vpn.ipsec.ikev1',
      'bad-ipsec.conf branch vpn.ipsec.ikev1-aggressive-psk',
      'bad-ipsec.conf branch vpn.ipsec.weak-proposal',
      'bad-swanctl.conf anycert vpn.ipsec.no-peer-identity',
      'bad-swanctl.conf legacy vpn.ipsec.ikev1',
      'bad-swanctl.conf legacy vpn.ipsec.ikev1-aggressive-psk',
      'bad-swanctl.conf legacy vpn.ipsec.weak-proposal',
    ]);
    assert.ok(!r.stdout.includes('not-a-real-psk'), 'the PSK of the secrets section is never printed');
  });
});
