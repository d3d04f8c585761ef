/**
 * The Wi-Fi configuration samples are real configurations: wpa_supplicant 2.10 (`-D none`, no radio needed) and hostapd
 * 2.10 (`driver=none`) parse every one of them, inside a network namespace the test creates. Then `mitmguard wifi config`
 * reports each sample's flaws, and a world-readable copy of a file with a secret is a finding.
 * NetworkManager and iwd are not installed here; their samples follow nm-settings-keyfile(5) and iwd.network(5).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/wifi.js';

const DATA = new URL('../../src/wifi/config/testdata/', import.meta.url).pathname;
const NS = `mg-wifi-${process.pid}`;

/** Run a daemon in the namespace until `ready` appears in its output (accepted) or it exits (refused); bounded at 15 s. */
function runUntil(cmd: string[], ready: RegExp): Promise<{ accepted: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', NS, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let done = false;
    const finish = (accepted: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolve({ accepted, output });
    };
    const timer = setTimeout(() => finish(false), 15_000);
    const on = (d: Buffer) => {
      output += d;
      if (ready.test(output)) finish(true);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', () => finish(false));
  });
}

describe('Wi-Fi configuration samples against wpa_supplicant and hostapd', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-wifi-config-'));
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
  });
  after(() => {
    try {
      execFileSync('ip', ['netns', 'delete', NS]);
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const name of ['good-wpa_supplicant.conf', 'bad-wpa_supplicant.conf']) {
    it(`wpa_supplicant accepts ${name}`, async () => {
      const r = await runUntil(['wpa_supplicant', '-D', 'none', '-i', 'lo', '-c', join(DATA, name)], /lo: CTRL-EVENT/);
      assert.ok(r.accepted, r.output);
    });
  }
  it('wpa_supplicant refuses a network block with an unknown key_mgmt (the check is real)', async () => {
    const f = join(dir, 'broken.conf');
    writeFileSync(f, 'network={\n\tssid="x"\n\tkey_mgmt=WPA-BOGUS\n}\n', { mode: 0o600 });
    const r = await runUntil(['wpa_supplicant', '-D', 'none', '-i', 'lo', '-c', f], /lo: CTRL-EVENT/);
    assert.equal(r.accepted, false);
    assert.match(r.output, /failed to parse/i);
  });
  for (const name of ['good-hostapd.conf', 'bad-hostapd.conf']) {
    it(`hostapd accepts ${name} (driver=none)`, async () => {
      const f = join(dir, name);
      writeFileSync(f, readFileSync(join(DATA, name), 'utf8').replace(/^driver=.*$/m, 'driver=none').replace(/^interface=.*$/m, `interface=mgw${process.pid % 100000}`), { mode: 0o600 });
      const r = await runUntil(['hostapd', f], /AP-ENABLED/);
      assert.ok(r.accepted, r.output);
    });
  }

  it('mitmguard wifi config reports every sample and exits 1; JSON carries no secret', async () => {
    const r = await cli(['wifi', 'config', DATA, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.errors.length, 0);
    assert.equal(doc.profiles.length, 15);
    const ids = new Set(doc.findings.map((f: { id: string }) => f.id));
    for (const id of ['wifi.config.eap-no-ca', 'wifi.config.eap-no-server-name', 'wifi.config.open-autoconnect', 'wifi.config.wep', 'wifi.config.tkip', 'wifi.config.psk-without-pmf', 'wifi.config.ap-pmf-not-required', 'wifi.config.wpa3-transition', 'wifi.config.sae-hunting-and-pecking', 'wifi.config.short-psk', 'wifi.config.ap-wps']) {
      assert.ok(ids.has(id), id);
    }
    for (const secret of ['abc12345', 'short123', 'not-a-real-password', 'long random office passphrase']) assert.ok(!r.stdout.includes(secret), secret);
  });

  it('a careful configuration exits 0; the same file world-readable is a secret-readable finding', async () => {
    const f = join(dir, 'wpa_supplicant.conf');
    copyFileSync(join(DATA, 'good-wpa_supplicant.conf'), f);
    chmodSync(f, 0o600);
    const ok = await cli(['wifi', 'config', f]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    chmodSync(f, 0o644);
    const bad = await cli(['wifi', 'config', f, '--format', 'json']);
    assert.equal(bad.code, 1);
    assert.deepEqual([...new Set(JSON.parse(bad.stdout).findings.map((x: { id: string }) => x.id))], ['wifi.config.secret-readable']);
  });

  it('binary garbage and a missing file are errors (exit 2), the other files are still audited', async () => {
    const junk = join(dir, 'junk.conf');
    writeFileSync(junk, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0, 0xff]));
    const r = await cli(['wifi', 'config', junk, join(dir, 'missing.conf'), join(DATA, 'bad-hostapd.conf'), '--format', 'json']);
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.errors.map((e: { code: string }) => e.code).sort(), ['MG_ERR_CONFIG', 'MG_ERR_IO']);
    assert.ok(doc.findings.some((f: { id: string }) => f.id === 'wifi.config.ap-wps'));
  });
});

describe('oversized configuration files', () => {
  it('a 100 MB wpa_supplicant.conf or OpenVPN file is refused by size before it is read (exit 2, MG_ERR_TOO_LARGE)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-big-'));
    try {
      const big = join(dir, 'wpa_supplicant.conf');
      writeFileSync(big, '');
      execFileSync('truncate', ['-s', '100M', big]);
      const w = await cli(['wifi', 'config', big, '--format', 'json']);
      assert.equal(w.code, 2);
      assert.deepEqual(JSON.parse(w.stdout).errors.map((e: { code: string }) => e.code), ['MG_ERR_TOO_LARGE']);
      const v = await cli(['vpn', 'config', big, '--format', 'json']);
      assert.equal(v.code, 2);
      assert.deepEqual(JSON.parse(v.stdout).errors.map((e: { code: string }) => e.code), ['MG_ERR_TOO_LARGE']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile names in text output', () => {
  it('an SSID with terminal escapes is printed as visible escapes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-esc-'));
    try {
      const f = join(dir, 'wpa_supplicant.conf');
      writeFileSync(f, 'network={\n\tssid="Free\x1b[2J\x1b]0;pwned\x07Wifi"\n\tkey_mgmt=NONE\n}\n', { mode: 0o600 });
      const r = await cli(['wifi', 'config', f]);
      assert.equal(r.code, 0, r.stderr); // open auto-connect is medium, below --fail-on high
      assert.ok(!r.stdout.includes('\x1b'), 'no raw ESC reaches the terminal');
      assert.match(r.stdout, /Free\\(x1b|u001b)\[2J/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
