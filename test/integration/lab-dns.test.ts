/**
 * The lab DNS server over real sockets: `mitmguard dns check` through it with the lab's trust anchor says SECURE for
 * the secure name, BOGUS for the spoofed one and INSECURE for the unsigned delegation — and BIND's delv, given the same
 * anchor, agrees on each, and validates the zone's NXDOMAIN, NODATA and empty-non-terminal denials and its TLSA and
 * CAA records (which src/lab/dns-zone.test.ts judges with our own validator). A scan reaches the lab's names at
 * 127.0.0.1 through `--resolve`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect } from 'node:tls';
import { LAB_CA_ID, LAB_CA_IDS, LAB_DNS_NAMES, startLab, type Lab } from '../../src/lab/index.js';
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

/** delv's stdout and stderr (asynchronous: the lab's DNS server in this process must keep answering). */
function delv(name: string, type = 'A'): Promise<string> {
  return new Promise((resolve) => {
    execFile('delv', ['-a', bindAnchorFile, '+root=lab.mitmguard.test', '@' + lab.dns!.host, '-p', String(lab.dns!.port), name, type], { encoding: 'utf8', timeout: 30_000 }, (_e, out, err) =>
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

test('delv validates the lab\'s denials: NXDOMAIN, NODATA, an empty non-terminal and a name under a leaf', { timeout: 120_000 }, async () => {
  const denials = [
    ['nothing-here.lab.mitmguard.test', 'A', 'nxdomain'],
    [LAB_DNS_NAMES.secure, 'AAAA', 'nxrrset'],
    [`_tcp.${LAB_DNS_NAMES.secure}`, 'A', 'nxrrset'],
    [`_25._tcp.${LAB_DNS_NAMES.spoofed}`, 'TLSA', 'nxdomain'],
  ] as const;
  for (const [name, type, kind] of denials) {
    const d = await delv(name, type);
    assert.match(d, /^; negative response, fully validated$/m, `delv ${name} ${type}: ${d}`);
    assert.match(d, new RegExp(`resolution failed: ncache ${kind}`), `delv ${name} ${type}: ${d}`);
  }
});

/** SHA-256 of the SubjectPublicKeyInfo the endpoint presents (what a TLSA 3 1 1 record holds, RFC 6698 §2.1). */
function presentedSpkiSha256(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cert = new X509Certificate(s.getPeerX509Certificate()!.raw);
      s.destroy();
      resolve(createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').toUpperCase());
    });
    s.once('error', reject);
  });
}

/** The records of `type` delv printed as validated answers (the lines that are not comments), rdata whitespace removed. */
const delvRecords = (out: string, type: string) =>
  out.split('\n').filter((l) => !l.startsWith(';')).map((l) => l.split(/\s+/)).filter((f) => f[3] === type).map((f) => f.slice(4).join(' '));

test('delv validates the lab\'s TLSA records (the secure one is the endpoint\'s key, the dane one is not) and its CAA', { timeout: 120_000 }, async () => {
  const ep = (name: string) => lab.endpoints.find((e) => e.spec.name === name)!;
  const secure = ep('dns-secure');
  const dane = ep('dns-dane-mismatch');
  const secureTlsa = await delv(`_${secure.port}._tcp.${LAB_DNS_NAMES.secure}`, 'TLSA');
  assert.match(secureTlsa, /^; fully validated$/m, secureTlsa);
  const secureKey = await presentedSpkiSha256(secure.port, LAB_DNS_NAMES.secure);
  assert.deepEqual(delvRecords(secureTlsa, 'TLSA').map((r) => r.replace(/ /g, '')), [`311${secureKey}`], secureTlsa);
  const daneTlsa = await delv(`_${dane.port}._tcp.${LAB_DNS_NAMES.dane}`, 'TLSA');
  assert.match(daneTlsa, /^; fully validated$/m, daneTlsa);
  const [daneRecord] = delvRecords(daneTlsa, 'TLSA').map((r) => r.replace(/ /g, ''));
  assert.match(daneRecord ?? '', /^311[0-9A-F]{64}$/, daneTlsa);
  assert.notEqual(daneRecord, `311${await presentedSpkiSha256(dane.port, LAB_DNS_NAMES.dane)}`, 'the dane record matches no key the endpoint presents');
  for (const name of [LAB_DNS_NAMES.secure, 'lab.mitmguard.test']) {
    const caa = await delv(name, 'CAA');
    assert.match(caa, /^; fully validated$/m, `${name}: ${caa}`);
    assert.deepEqual(delvRecords(caa, 'CAA'), [`0 issue "${LAB_CA_ID}"`], caa);
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
  assert.deepEqual(doc.targets.map((t) => t.target), targets.map((t) => t.target), r.stdout + r.stderr);
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

test('dns caa --connect takes a host name (localhost:port) as well as an address, and judges the certificate it presents', { timeout: 120_000 }, async () => {
  const secure = lab.endpoints.find((e) => e.spec.name === 'dns-secure')!;
  const caaId = `${LAB_CA_IDS[0]!.match}=${LAB_CA_IDS[0]!.domains[0]}`;
  for (const connectTo of [`localhost:${secure.port}`, `127.0.0.1:${secure.port}`]) {
    const r = await runCli(['dns', 'caa', LAB_DNS_NAMES.secure, '--resolver', resolver(), '--anchor', anchorFile, '--caa-id', caaId, '--connect', connectTo, '--format', 'json']);
    assert.equal(r.code, 0, `${connectTo}: ${r.stdout}${r.stderr}`);
    const doc = JSON.parse(r.stdout) as { observation: { certificateIssuer: string | null; issuerVerdict: string | null }; findings: unknown[] };
    assert.match(doc.observation.certificateIssuer ?? '', new RegExp(LAB_CA_IDS[0]!.match), connectTo);
    assert.ok(doc.observation.issuerVerdict, connectTo);
    assert.deepEqual(doc.findings, [], connectTo);
  }
  const bad = await runCli(['dns', 'caa', LAB_DNS_NAMES.secure, '--resolver', resolver(), '--connect', 'not a host']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /MG_ERR_USAGE: --connect takes host\[:port\]/);
});
