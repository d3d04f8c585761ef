/**
 * The exit-code contract of issue 16, cases 1–8, against the embedded lab on ephemeral ports: 0 ran and nothing at or
 * above --fail-on, 1 findings at or above it, 2 usage error, unreadable input or a target that could not be assessed
 * (unless --allow-unreachable) — the same in every command and every format. Runs the built CLI (`npm run build`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/tls-servers.js';
import { BIN, mg, ROOT, startBackgroundLab, type BackgroundLab } from './contracts-helpers.js';

let lab: BackgroundLab;

before(async () => {
  lab = await startBackgroundLab();
});
/**
 * A port nothing listens on, taken just before each use: a port freed once at the start could be reused by a server
 * another test starts on this shared machine in the meantime.
 */
const closePort = (): Promise<number> => freePort();
after(async () => {
  await lab?.stop();
});

const FORMATS = ['text', 'json', 'sarif', 'junit', 'html'] as const;
const UNASSESSED = /^mitmguard: could not assess 127\.0\.0\.1:\d+ \(MG_ERR_CONNECT: [^)]*\); exit 2 \(--allow-unreachable judges the rest by --fail-on\)$/m;

describe('case 1: a target that could not be assessed is exit 2 in every format', () => {
  for (const format of FORMATS) {
    it(`scan of a closed port, --format ${format}: exit 2 and says what could not be assessed`, async () => {
      const r = await mg(['scan', `127.0.0.1:${await closePort()}`, '--format', format, '--timeout', '3000']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, UNASSESSED);
    });
  }

  it('the same under a policy and through an inventory: exit 2', async () => {
    const inv = join(lab.dir, 'closed.yaml');
    const withPolicy = await mg(['scan', '--policy', 'intermediate', `127.0.0.1:${await closePort()}`, '--timeout', '3000']);
    writeFileSync(inv, `targets:\n  - target: 127.0.0.1:${await closePort()}\n    owner: web-team\n`);
    assert.equal(withPolicy.code, 2, withPolicy.stderr);
    assert.match(withPolicy.stderr, UNASSESSED);
    const inventory = await mg(['scan', '--inventory', inv, '--format', 'sarif', '--journal', join(lab.dir, 'closed.jsonl'), '--timeout', '3000']);
    assert.equal(inventory.code, 2, inventory.stderr);
    assert.match(inventory.stderr, UNASSESSED);
  });

  it('--allow-unreachable judges the rest by --fail-on: exit 0 when nothing else is wrong', async () => {
    const r = await mg(['scan', `127.0.0.1:${await closePort()}`, '--format', 'sarif', '--allow-unreachable', '--timeout', '3000']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /could not assess/);
  });
});

describe('case 2: the policy in force and the exit code never depend on --format', () => {
  it('scan --ca lab-root.pem of the legacy endpoint: exit 1 in all five formats, intermediate applied in each', async () => {
    const runs = await Promise.all(FORMATS.map((f) => mg(['scan', '--ca', lab.root, lab.hostPort('legacy'), '--format', f, '--timeout', '5000'])));
    for (const [i, r] of runs.entries()) assert.equal(r.code, 1, `${FORMATS[i]}: ${r.stderr}`);
    const [text, json, sarif, junit, html] = runs.map((r) => r.stdout) as [string, string, string, string, string];
    // The policy finding that makes it exit 1 (TLS 1.0/1.1 below intermediate's minimum) is in every format.
    assert.match(text, /policy intermediate: \d+ more finding\(s\)/);
    assert.match(text, /high {5}policy\.tls\.min-version/);
    const doc = JSON.parse(json);
    assert.equal(doc.report.policy.name, 'intermediate');
    assert.ok(doc.report.findings.some((f: { id: string }) => f.id === 'policy.tls.min-version'));
    assert.ok(JSON.parse(sarif).runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'policy.tls.min-version'));
    assert.match(junit, /policy \(intermediate\)|policy intermediate/);
    assert.match(junit, /name="policy\.tls\.min-version"/);
    assert.match(html, /data-id="policy\.tls\.min-version"/);
  });

  it('--fail-on critical lowers the bar the same way in text and sarif: exit 0', async () => {
    const [text, sarif] = await Promise.all(['text', 'sarif'].map((f) => mg(['scan', '--ca', lab.root, lab.hostPort('legacy'), '-f', f, '--fail-on', 'critical'])));
    assert.equal(text!.code, 0, text!.stderr);
    assert.equal(sarif!.code, 0, sarif!.stderr);
  });
});

describe('case 3: an empty policy file is not a policy', () => {
  it('scan --policy empty.yaml: exit 2, MG_ERR_CONFIG saying the file is empty', async () => {
    const empty = join(lab.dir, 'empty.yaml');
    writeFileSync(empty, '# nothing yet\n\n');
    const r = await mg(['scan', '--policy', empty, lab.hostPort('legacy')]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `mitmguard: MG_ERR_CONFIG: ${empty}: the policy file is empty; start from a preset (\`extends: intermediate\`) or name one (--policy modern|intermediate|nist-800-52r2|ncsc-nl)`);
    assert.equal(r.stdout, '');
  });
});

describe('case 4: DNS that could not be checked, and watch findings', () => {
  it('dns check through a resolver where nothing listens: INDETERMINATE is exit 2, not 0', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const r = await mg(['dns', 'check', 'secure.lab.mitmguard.test', '--resolver', dead, '--anchor', lab.anchor, '--timeout', '300', '--retries', '0']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /INDETERMINATE/);
    assert.match(r.stdout, /no usable answer, \d+ quer(y|ies)/, 'no "rcode NOERROR" for an answer that never came');
    assert.match(r.stderr, /^mitmguard: could not assess secure\.lab\.mitmguard\.test\. A \(INDETERMINATE: .*MG_ERR_TIMEOUT.*\); exit 2/m);
    const allowed = await mg(['dns', 'check', 'secure.lab.mitmguard.test', '--resolver', dead, '--anchor', lab.anchor, '--timeout', '300', '--retries', '0', '--allow-unreachable']);
    assert.equal(allowed.code, 0, 'the one finding (dns.dnssec.indeterminate) is low, below --fail-on high');
  });

  it('dns watch --once on the spoofed name is a critical finding and exit 1, as dns check is', async () => {
    const args = ['--resolver', lab.dns, '--anchor', lab.anchor];
    const watch = await mg(['dns', 'watch', 'spoofed.lab.mitmguard.test', '--once', ...args]);
    assert.equal(watch.code, 1, watch.stderr);
    assert.match(watch.stdout, /BOGUS/);
    assert.match(watch.stdout, /^ {2}critical dns\.dnssec\.bogus: spoofed\.lab\.mitmguard\.test\. A: /m);
    const json = await mg(['dns', 'watch', 'spoofed.lab.mitmguard.test', '--once', '--format', 'json', ...args]);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout).findings.map((f: { id: string; severity: string }) => `${f.severity} ${f.id}`), ['critical dns.dnssec.bogus']);
    const check = await mg(['dns', 'check', 'spoofed.lab.mitmguard.test', ...args]);
    assert.equal(check.code, 1);
  });
});

describe('case 5: a target that failed still shows its findings in text', () => {
  it('connection refused while the DNS step found the answer forged: the critical finding is printed, exit 2', async () => {
    const port = await freePort();
    const r = await mg(['scan', `https://spoofed.lab.mitmguard.test:${port}`, '--resolve', `spoofed.lab.mitmguard.test:${port}:127.0.0.1`, '--resolver', lab.dns, '--anchor', lab.anchor]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /error MG_ERR_CONNECT/);
    assert.match(r.stdout, /critical dns\.dnssec\.bogus {2}DNS answer fails DNSSEC validation/);
  });
});

describe('case 6: bad documents and bad output paths', () => {
  it('report on a scan whose finding lacks severity: MG_ERR_MALFORMED naming the field', async () => {
    const file = join(lab.dir, 'no-severity.json');
    const finding = { id: 'tls.protocol.tls10-enabled', pillar: 'encryption', target: 'x:443', title: 't', evidence: 'e', remediation: 'r', references: [] };
    writeFileSync(file, JSON.stringify({ tool: 'mitmguard', version: '0', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', targets: [{ target: 'x:443', ok: true, error: null, findings: [finding] }] }));
    const r = await mg(['report', file]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `mitmguard: MG_ERR_MALFORMED: ${file}: targets[0].findings[0].severity is missing; it must be one of critical, high, medium, low, info`);
  });

  it('scan --output under a file: exit 2 before any connection, no MG_ERR_INTERNAL', async () => {
    const r = await mg(['scan', lab.hostPort('modern'), '--output', 'README.md/x.txt']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `mitmguard: MG_ERR_USAGE: --output README.md/x.txt: ${join(ROOT, 'README.md')} is a file, not a directory`);
    assert.doesNotMatch(r.stderr, /scanning|MG_ERR_INTERNAL/);
  });
});

describe('case 7: usage errors are exit 2 with a message', () => {
  it('an unknown command, even with --help', async () => {
    const r = await mg(['frobnicate', '--help']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '', 'not the general help on stdout');
    assert.match(r.stderr, /^error: unknown command 'frobnicate'\n/);
    assert.match(r.stderr, /Commands:\n {2}cert/, 'the command list follows the error');
  });

  it('lab status --format xml', async () => {
    const r = await mg(['lab', 'status', '--state', lab.state, '--format', 'xml']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'mitmguard: MG_ERR_USAGE: --format must be one of text, json');
  });

  it("dns check '' (the empty name is not the root)", async () => {
    const r = await mg(['dns', 'check', '', '--resolver', lab.dns]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'mitmguard: MG_ERR_USAGE: the name is empty (write . for the root zone)');
  });

  it('--resume without --inventory, and without a journal to resume', async () => {
    const bare = await mg(['scan', '--resume', lab.hostPort('modern')]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stderr.trim(), 'mitmguard: MG_ERR_USAGE: --resume continues an interrupted --inventory run: name the same --inventory file');
    const inv = join(lab.dir, 'resume.yaml');
    writeFileSync(inv, `targets:\n  - target: ${lab.hostPort('modern')}\n`);
    const journal = join(lab.dir, 'never-written.jsonl');
    const none = await mg(['scan', '--inventory', inv, '--resume', '--journal', journal]);
    assert.equal(none.code, 2);
    assert.equal(none.stderr.trim(), `mitmguard: MG_ERR_USAGE: --resume: no journal at ${journal} (no run of this inventory was interrupted, or it used another --journal)`);
  });

  it('a stale journal is not replaced silently', async () => {
    const inv = join(lab.dir, 'stale.yaml');
    writeFileSync(inv, `targets:\n  - target: ${lab.hostPort('modern')}\n`);
    const journal = join(lab.dir, 'stale.jsonl');
    writeFileSync(journal, '{"kind":"header"}\n');
    const r = await mg(['scan', '--inventory', inv, '--journal', journal, '--ca', lab.root]);
    assert.match(r.stderr, new RegExp(`starting over: the journal of an earlier interrupted run at ${journal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is replaced \\(--resume continues it instead\\)`));
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('case 8: Ctrl-C on an inventory run', () => {
  it('node bin/mitmguard.js scan --inventory: SIGINT writes what is done, keeps the journal and exits 2', async () => {
    const inv = join(lab.dir, 'many.yaml');
    const names = ['modern', 'tls13-only', 'legacy', 'expired', 'self-signed', 'wrong-host', 'incomplete-chain', 'weak-key', 'sha1', 'mtls-requested', 'mtls-required', 'smtp-starttls'];
    writeFileSync(inv, `targets:\n${names.map((n) => `  - target: ${lab.target(n)}\n`).join('')}`);
    const journal = join(lab.dir, 'sigint.jsonl');
    const child = spawn(process.execPath, [BIN, 'scan', '--inventory', inv, '--journal', journal, '--parallel', '1', '--format', 'json'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // Interrupt once the first target is done (progress on stderr), so there is something to write and something left.
    child.stderr.on('data', (d) => {
      const before = stderr;
      stderr += d;
      if (!/\[1\/\d+\]/.test(before) && /\[1\/\d+\]/.test(stderr)) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (c) => (clearTimeout(t), resolve(c)));
    });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /mitmguard: MG_ERR_ABORTED: interrupted with \d+ of 12 target\(s\) done; run the same command with --resume to scan the remaining \d+/);
    assert.ok(JSON.parse(stdout).targets.length >= 1, 'the report of the finished targets is written');
    assert.ok(existsSync(journal), 'the journal is kept for --resume');
  });
});
