/**
 * Differential test: mitmguard and sslscan scan the same local servers; protocol sets and suite sets per version must
 * be identical. (testssl.sh: ./scan-differential-testssl.test.ts.) No difference needed explaining on these servers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { scanTarget } from '../../src/scan/index.js';
import type { TargetReport } from '../../src/model/index.js';
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

function normalise(s: SuiteSets): SuiteSets {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v.length).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

function ours(r: TargetReport): { protocols: string[]; suites: SuiteSets } {
  assert.equal(r.ok, true, JSON.stringify(r.error));
  const protocols = Object.entries(r.tls!.protocols).filter(([, v]) => v).map(([k]) => k).sort();
  return { protocols, suites: normalise(r.tls!.cipherSuites as SuiteSets) };
}

describe('differential scan against sslscan', () => {
  it('agrees with sslscan on a legacy openssl s_server (TLS 1.0–1.3, NULL and anonymous suites)', async (t) => {
    const server = await startOpenSslServer({ args: ['-cipher', 'ALL:eNULL:@SECLEVEL=0'] });
    t.after(() => server.close());
    const mine = ours(await scanTarget(server.target, { timeoutMs: 15_000 }));
    const theirs = await sslscan(server.target);
    assert.deepEqual(mine.protocols, theirs.protocols);
    assert.deepEqual(mine.suites, theirs.suites);
  });

  it('agrees with sslscan on nginx (TLS 1.2 + 1.3, server preference)', async (t) => {
    const server = await startNginx({
      protocols: 'TLSv1.2 TLSv1.3',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA',
      preferServerCiphers: true,
    });
    t.after(() => server.close());
    const mine = ours(await scanTarget(server.target, { timeoutMs: 15_000 }));
    const bySslscan = await sslscan(server.target);
    assert.deepEqual(mine.protocols, bySslscan.protocols);
    assert.deepEqual(mine.suites, bySslscan.suites);
  });
});
