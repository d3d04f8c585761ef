/**
 * `mitmguard dns check|watch` end to end: the CLI as a user runs it, against knotd and a spoofing relay on loopback.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { editAddress, passThrough, startKnot, startSpoofProxy, type KnotServer, type SpoofProxy } from '../helpers/knot.js';

const ROOT = new URL('../..', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI; `onStdout` sees output as it arrives (to act between watch rounds). */
function cli(args: string[], onStdout?: (text: string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('mitmguard dns (CLI)', () => {
  let knot: KnotServer;
  let relay: SpoofProxy;
  before(async () => {
    knot = await startKnot([
      { name: 'test.', signing: 'ecdsa' },
      { name: 'ec.test.', signing: 'ecdsa', records: ['www A 192.0.2.1', 'mail MX 10 mx.ec.test.', 'mx A 192.0.2.25'] },
      { name: 'plain.test.', signing: 'unsigned', records: ['www A 192.0.2.7'] },
    ]);
    relay = await startSpoofProxy(knot, passThrough);
  });
  after(async () => {
    await relay?.stop();
    await knot?.stop();
  });

  const at = () => [`--server`, `test.=${knot.host}:${knot.port}`, '--anchor', knot.anchorFile];
  const viaRelay = () => ['--resolver', `${relay.host}:${relay.port}`, '--anchor', knot.anchorFile];

  it('check prints one JSON document with the SECURE verdict and the chain, and exits 0', async () => {
    const r = await cli(['dns', 'check', 'www.ec.test', ...at(), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.verdict, 'SECURE');
    assert.equal(doc.reason, null);
    assert.deepEqual(doc.chain.map((l: { zone: string }) => l.zone), ['test.', 'ec.test.']);
    assert.deepEqual(doc.answers.map((a: { data: string }) => a.data), ['192.0.2.1']);
  });

  it('check reports a spoofed answer as BOGUS with the reason and exits 1', async () => {
    relay.mutate = editAddress('www.ec.test.', '203.0.113.66');
    try {
      const r = await cli(['dns', 'check', 'www.ec.test', ...viaRelay(), '--format', 'json']);
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.verdict, 'BOGUS');
      assert.match(doc.reason.text, /does not verify/);
      assert.ok(doc.findings.some((f: { id: string }) => f.id === 'dns.dnssec.bogus'));
    } finally {
      relay.mutate = passThrough;
    }
  });

  it('check prints INSECURE in text and exits by --fail-on', async () => {
    const lenient = await cli(['dns', 'check', 'www.plain.test', ...at()]);
    assert.equal(lenient.code, 0);
    assert.match(lenient.stdout, /www\.plain\.test\. A: INSECURE — plain\.test\. is delegated from test\. without a DS record/);
    const strict = await cli(['dns', 'check', 'www.plain.test', ...at(), '--fail-on', 'medium']);
    assert.equal(strict.code, 1);
  });

  it('check compares resolvers with --compare and shows the disagreement', async () => {
    relay.mutate = editAddress('www.ec.test.', '203.0.113.66');
    try {
      const r = await cli(['dns', 'check', 'www.ec.test', '--resolver', `${knot.host}:${knot.port}`, '--anchor', knot.anchorFile, '--compare', `${relay.host}:${relay.port}`, '--format', 'json']);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.verdict, 'SECURE');
      assert.equal(doc.comparison.agree, false);
      assert.equal(r.code, 1);
      assert.ok(doc.findings.some((f: { id: string }) => f.id === 'dns.spoof.resolver-disagreement'));
    } finally {
      relay.mutate = passThrough;
    }
  });

  it('check fails with exit 2 and an error code on a malformed anchor file', async () => {
    const bad = join(knot.dir, 'bad-anchor.zone');
    writeFileSync(bad, 'test. IN A 192.0.2.1\n');
    const r = await cli(['dns', 'check', 'www.ec.test', '--server', `test.=${knot.host}:${knot.port}`, '--anchor', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MG_ERR_CONFIG/);
  });

  it('watch alerts when an answer stops validating between rounds, and exits 1', async () => {
    let flipped = false;
    const r = await cli(['dns', 'watch', 'www.ec.test', ...viaRelay(), '--interval', '1', '--count', '2'], (out) => {
      if (!flipped && /round 1 www\.ec\.test\. A SECURE/.test(out)) {
        flipped = true;
        relay.mutate = editAddress('www.ec.test.', '203.0.113.66');
      }
    });
    relay.mutate = passThrough;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /ALERT round 2 www\.ec\.test\. A stopped-validating: SECURE .* → BOGUS/);
  });

  it('watch --once prints the state of each name as JSON and exits 0', async () => {
    const r = await cli(['dns', 'watch', 'www.ec.test', 'www.plain.test/A', ...at(), '--once', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.rounds.length, 1);
    assert.deepEqual(doc.rounds[0].states.map((s: { verdict: string }) => s.verdict), ['SECURE', 'INSECURE']);
    assert.deepEqual(doc.alerts, []);
  });

  it('caa reports a name without CAA as a low finding in JSON and exits 0 at the default --fail-on', async () => {
    const r = await cli(['dns', 'caa', 'www.ec.test', ...at(), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.observation.policy.owner, null);
    assert.equal(doc.observation.verdict, 'SECURE');
    assert.deepEqual(doc.findings.map((f: { id: string; severity: string }) => [f.id, f.severity]), [['dns.caa.missing', 'low']]);
  });

  it('mail reports a signed mail domain without MTA-STS, DANE or TLS-RPT and exits 1 at --fail-on medium', async () => {
    const r = await cli(['dns', 'mail', 'mail.ec.test', ...at(), '--fail-on', 'medium']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /mail\.ec\.test\.: MX mx\.ec\.test\. \(SECURE\)/);
    assert.match(r.stdout, /dns\.mail\.no-tls-policy/);
    assert.match(r.stdout, /dns\.tlsrpt\.missing/);
  });
});
