/**
 * Differential test: mitmguard, sslscan and testssl.sh scan the same local servers; protocol sets and suite sets must
 * agree, or the difference is explained here.
 *
 * testssl.sh is slow (a bash script that tries its ~370 suites per protocol: minutes on this 2-core machine), so it
 * runs with `-E` (suites per protocol; a protocol counts as offered when it has a suite) on one small server only.
 * No difference needed explaining on these servers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanTarget } from '../../src/scan/index.js';
import type { TargetReport } from '../../src/scan/types.js';
import { suiteByCode } from '../../src/tls/wire/suites.js';
import { startNginx, startOpenSslServer } from '../helpers/tls-servers.js';

type SuiteSets = Record<string, string[]>;

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === null) reject(new Error(`${cmd} timed out after ${timeoutMs} ms`));
      else resolve(out);
    });
  });
}

const SSLSCAN_VERSIONS: Record<string, string> = { 'ssl/2': 'SSLv2', 'ssl/3': 'SSLv3', 'tls/1.0': 'TLSv1.0', 'tls/1.1': 'TLSv1.1', 'tls/1.2': 'TLSv1.2', 'tls/1.3': 'TLSv1.3' };

/** sslscan --xml=-: enabled protocols and accepted suites (by code, mapped to IANA names). */
async function sslscan(target: string): Promise<{ protocols: string[]; suites: SuiteSets }> {
  const xml = await run('sslscan', ['--no-colour', '--xml=-', target], 120_000);
  const protocols = [...xml.matchAll(/<protocol type="(\w+)" version="([\d.]+)" enabled="1"/g)].map((m) => SSLSCAN_VERSIONS[`${m[1]}/${m[2]}`]!);
  const suites: SuiteSets = {};
  for (const m of xml.matchAll(/<cipher status="(?:accepted|preferred)" sslversion="([^"]+)"[^>]* id="0x([0-9A-Fa-f]+)"/g)) {
    (suites[m[1]!] ??= []).push(suiteByCode(parseInt(m[2]!, 16))?.name ?? `0x${m[2]}`);
  }
  return { protocols: protocols.sort(), suites: normalise(suites) };
}

const TESTSSL_CIPHER_PROTO: Record<string, string> = { ssl2: 'SSLv2', ssl3: 'SSLv3', tls1: 'TLSv1.0', tls1_1: 'TLSv1.1', tls1_2: 'TLSv1.2', tls1_3: 'TLSv1.3' };

/** testssl.sh -E --jsonfile: suites per protocol, and the protocols that have any. */
async function testssl(target: string): Promise<{ protocols: string[]; suites: SuiteSets }> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-testssl-'));
  try {
    const file = join(dir, 'out.json');
    await run('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--mapping', 'iana', '--jsonfile', file, '-E', target], 420_000);
    const entries = JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string; finding: string }>;
    const suites: SuiteSets = {};
    for (const e of entries) {
      const m = /^cipher-(\w+?)_x([0-9a-f]+)$/.exec(e.id);
      if (!m || !TESTSSL_CIPHER_PROTO[m[1]!]) continue;
      (suites[TESTSSL_CIPHER_PROTO[m[1]!]!] ??= []).push(suiteByCode(parseInt(m[2]!, 16))?.name ?? `0x${m[2]}`);
    }
    const normalised = normalise(suites);
    return { protocols: Object.keys(normalised).sort(), suites: normalised };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function normalise(s: SuiteSets): SuiteSets {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v.length).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

function ours(r: TargetReport): { protocols: string[]; suites: SuiteSets } {
  assert.equal(r.ok, true, JSON.stringify(r.error));
  const protocols = Object.entries(r.tls!.protocols).filter(([, v]) => v).map(([k]) => k).sort();
  return { protocols, suites: normalise(r.tls!.cipherSuites as SuiteSets) };
}

describe('differential scan against sslscan and testssl.sh', () => {
  it('agrees with sslscan on a legacy openssl s_server (TLS 1.0–1.3, NULL and anonymous suites)', async (t) => {
    const server = await startOpenSslServer({ args: ['-cipher', 'ALL:eNULL:@SECLEVEL=0'] });
    t.after(() => server.close());
    const mine = ours(await scanTarget(server.target, { timeoutMs: 15_000 }));
    const theirs = await sslscan(server.target);
    assert.deepEqual(mine.protocols, theirs.protocols);
    assert.deepEqual(mine.suites, theirs.suites);
  });

  it('agrees with sslscan and testssl.sh on nginx (TLS 1.2 + 1.3, server preference)', { timeout: 480_000 }, async (t) => {
    const server = await startNginx({
      protocols: 'TLSv1.2 TLSv1.3',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA',
      preferServerCiphers: true,
    });
    t.after(() => server.close());
    const mine = ours(await scanTarget(server.target, { timeoutMs: 15_000 }));
    const [bySslscan, byTestssl] = await Promise.all([sslscan(server.target), testssl(server.target)]);
    assert.deepEqual(mine.protocols, bySslscan.protocols);
    assert.deepEqual(mine.suites, bySslscan.suites);
    assert.deepEqual(mine.protocols, byTestssl.protocols);
    assert.deepEqual(mine.suites, byTestssl.suites);
  });
});
