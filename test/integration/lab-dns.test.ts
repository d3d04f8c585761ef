/**
 * The lab DNS server over real sockets: `mitmguard dns check` through it with the lab's trust anchor says SECURE for
 * the secure name, BOGUS for the spoofed one and INSECURE for the unsigned delegation — and BIND's delv, given the same
 * anchor, agrees on each. A scan reaches the lab's names at 127.0.0.1 through `--resolve`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LAB_CA_IDS, LAB_DNS_NAMES, startLab, type Lab } from '../../src/lab/index.js';
import { runCli } from '../e2e/helpers.js';
import { delvVerdict } from '../helpers/knot.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-lab-dns-'));
const anchorFile = join(dir, 'lab-anchor.txt');
const bindAnchorFile = join(dir, 'lab-anchor.bind');
let lab: Lab;

before(async () => {
  lab = await startLab({ only: ['dns-secure', 'dns-spoofed', 'dns-insecure', 'dns-dane-mismatch'] });
  assert.ok(lab.dns, 'the lab runs its DNS server when a DNS-zone endpoint runs');
  writeFileSync(anchorFile, lab.dns.anchorText);
  writeFileSync(bindAnchorFile, lab.dns.bindAnchorText);
});
after(() => lab.stop());

const resolver = () => `${lab.dns!.host}:${lab.dns!.port}`;

function delv(name: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('delv', ['-a', bindAnchorFile, '+root=lab.mitmguard.test', '@' + lab.dns!.host, '-p', String(lab.dns!.port), name, 'A'], { encoding: 'utf8', timeout: 30_000 }, (_e, out, err) =>
      resolve(`${out}\n${err}`),
    );
  });
}

const CASES = [
  [LAB_DNS_NAMES.secure, 'SECURE'],
  [LAB_DNS_NAMES.spoofed, 'BOGUS'],
  [LAB_DNS_NAMES.insecure, 'INSECURE'],
] as const;

test('mitmguard dns check and delv agree on each lab name: SECURE, BOGUS, INSECURE', { timeout: 120_000 }, async () => {
  for (const [name, verdict] of CASES) {
    const r = await runCli(['dns', 'check', name, '--resolver', resolver(), '--anchor', anchorFile, '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { verdict: string; findings: { id: string }[] };
    assert.equal(doc.verdict, verdict, `${name}: ${r.stdout}${r.stderr}`);
    if (verdict === 'BOGUS') assert.ok(doc.findings.some((f) => f.id === 'dns.dnssec.bogus'));
    if (verdict === 'INSECURE') assert.ok(doc.findings.some((f) => f.id === 'dns.dnssec.insecure'));
    const d = await delv(name);
    assert.equal(delvVerdict(d), verdict, `delv on ${name}: ${d}`);
  }
});

test('the text form names the verdict too (what a user reads after `lab up`)', { timeout: 60_000 }, async () => {
  const r = await runCli(['dns', 'check', LAB_DNS_NAMES.secure, '--resolver', resolver(), '--anchor', anchorFile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /SECURE/);
});

test('scan lab names with --resolve: each name reaches its endpoint at 127.0.0.1, and SNI and the name check use the name', { timeout: 120_000 }, async () => {
  const ep = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!;
  const rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, lab.rootPem);
  const targets = ['dns-secure', 'dns-dane-mismatch'].map(ep);
  const args = ['scan', '--format', 'json', '--ca', rootFile, ...targets.flatMap((t) => ['--resolve', `${new URL(t.target).hostname}:${t.port}:127.0.0.1`]), ...targets.map((t) => t.target)];
  const r = await runCli(args);
  const doc = JSON.parse(r.stdout) as { targets: Array<{ target: string; ok: boolean; address?: string; sni?: string; certificateValidation: { valid: boolean }; findings: { id: string }[] }> };
  for (const t of doc.targets) {
    assert.equal(t.ok, true, JSON.stringify(t).slice(0, 500));
    assert.equal(t.address, '127.0.0.1');
    assert.equal(t.sni, new URL(t.target).hostname);
    assert.equal(t.certificateValidation.valid, true);
    assert.ok(!t.findings.some((f) => f.id === 'cert.chain.hostname-mismatch'));
  }
});

test('scan --dns-resolver --dns-anchor --caa-id: the DNS step judges each lab name from the command line as the lab scan does', { timeout: 120_000 }, async () => {
  const ep = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!;
  const rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, lab.rootPem);
  const names = ['dns-secure', 'dns-spoofed', 'dns-insecure', 'dns-dane-mismatch'];
  const targets = names.map(ep);
  const args = [
    'scan', '--format', 'json', '--ca', rootFile, '--dns-resolver', resolver(), '--dns-anchor', anchorFile,
    '--caa-id', `${LAB_CA_IDS[0]!.match}=${LAB_CA_IDS[0]!.domains[0]}`,
    ...targets.flatMap((t) => ['--resolve', `${new URL(t.target).hostname}:${t.port}:127.0.0.1`]), ...targets.map((t) => t.target),
  ];
  const r = await runCli(args);
  const doc = JSON.parse(r.stdout) as { targets: Array<{ target: string; findings: { id: string }[] }> };
  const dnsIds = (i: number) => doc.targets[i]!.findings.map((f) => f.id).filter((id) => id.startsWith('dns.')).sort();
  assert.deepEqual(dnsIds(0), [], `dns-secure: ${JSON.stringify(doc.targets[0]!.findings)}`);
  assert.deepEqual(dnsIds(1), ['dns.dnssec.bogus']);
  assert.ok(dnsIds(2).includes('dns.dnssec.insecure'), dnsIds(2).join(','));
  assert.deepEqual(dnsIds(3), ['dns.tlsa.mismatch']);
});

test('--anchor or --caa-id without --resolver is a usage error (exit 2), also under the old name --dns-anchor', async () => {
  for (const flag of ['--anchor', '--dns-anchor']) {
    const r = await runCli(['scan', flag, anchorFile, '127.0.0.1:1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MG_ERR_USAGE: --anchor and --caa-id need --resolver/);
  }
});
