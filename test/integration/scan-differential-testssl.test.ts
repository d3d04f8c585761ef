/**
 * Differential test against testssl.sh on one nginx server. testssl.sh is a bash script that opens a connection per
 * suite and protocol: `-E` (suites per protocol) took over 200 s on this 2-core machine under a shared load, so the
 * run is narrowed with `-x ECDHE-RSA` (every suite whose OpenSSL name matches, across all protocols), which still
 * exercises its own ClientHellos against the server. testssl.sh -x reports suites without their protocol, so the
 * comparison is on the union of suites over all versions, restricted to the same pattern.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanTarget } from '../../src/scan/index.js';
import { suiteByCode, suiteByName } from '../../src/tls/wire/suites.js';
import { startNginx } from '../helpers/tls-servers.js';

const PATTERN = 'ECDHE-RSA';

function run(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === null) reject(new Error(`${cmd} timed out after ${timeoutMs} ms`));
      else resolve();
    });
  });
}

describe('differential scan against testssl.sh', () => {
  it('finds the same ECDHE-RSA suites as testssl.sh on nginx', { timeout: 420_000 }, async (t) => {
    const server = await startNginx({
      protocols: 'TLSv1.2 TLSv1.3',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES256-SHA',
      preferServerCiphers: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'mitmguard-testssl-'));
    t.after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const report = await scanTarget(server.target, { timeoutMs: 15_000 });
    assert.equal(report.ok, true, JSON.stringify(report.error));
    const mine = [...new Set(Object.values(report.tls!.cipherSuites).flat())].filter((n) => suiteByName(n)?.openssl?.includes(PATTERN)).sort();

    const file = join(dir, 'testssl.json');
    await run('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', '--mapping', 'iana', '--jsonfile', file, '-x', PATTERN, server.target], 400_000);
    const entries = JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string }>;
    const theirs = entries
      .map((e) => /^cipher_x([0-9a-f]+)$/.exec(e.id))
      .filter((m) => m !== null)
      .map((m) => suiteByCode(parseInt(m![1]!, 16))?.name ?? `0x${m![1]}`)
      .sort();
    assert.ok(theirs.length > 0, 'testssl.sh reported no suites');
    assert.deepEqual(mine, theirs);
    // The static-RSA suite outside the pattern is seen by mitmguard, so the filter is not hiding a gap.
    assert.ok(report.tls!.cipherSuites['TLSv1.2']!.includes('TLS_RSA_WITH_AES_256_CBC_SHA'));
  });
});
