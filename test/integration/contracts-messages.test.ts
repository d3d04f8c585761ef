/**
 * Issue 16, cases 9–14, against the embedded lab on ephemeral ports: errors a person can act on (one message per
 * cause, no binary, no raw OpenSSL string), the STARTTLS timeout, one finding per flaw with accurate titles, the
 * wording fixes, the README's examples and counts, and one flag vocabulary. Runs the built CLI (`npm run build`).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogue } from '../../src/checks/catalogue.js';
import { mg, ROOT, startBackgroundLab, type BackgroundLab } from './contracts-helpers.js';

let lab: BackgroundLab;
before(async () => {
  lab = await startBackgroundLab();
});
after(async () => {
  await lab?.stop();
});

const json = (s: string) => JSON.parse(s) as { targets: Array<{ target: string; posture: unknown; error: { code: string } | null; findings: Array<{ id: string; title: string; evidence: string }> }>; report: { findings: Array<{ id: string; target: string; relatedTo?: string[]; severity: string }> } };

describe('case 9: one message per cause, never binary or a raw library string', () => {
  it('a missing file reads the same in scan --ca, cert verify --ca, cert show, dns --anchor, report and --policy', async () => {
    const missing = join(lab.dir, 'nope.pem');
    const cases: Array<[string[], string]> = [
      [['scan', '--ca', missing, lab.hostPort('modern')], `trust anchors ${missing}: no such file`],
      [['cert', 'verify', '--ca', missing, lab.hostPort('modern')], `trust anchors ${missing}: no such file`],
      [['cert', 'show', missing], `certificate file ${missing}: no such file`],
      [['dns', 'check', 'x.test', '--resolver', lab.dns, '--anchor', missing], `anchor file ${missing}: no such file`],
      [['report', missing], `scan document ${missing}: no such file`],
      [['scan', '--policy', missing, lab.hostPort('modern')], `policy ${missing}: no such file (nor a preset: modern, intermediate, nist-800-52r2, ncsc-nl)`],
    ];
    for (const [args, message] of cases) {
      const r = await mg(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr.trim(), `mitmguard: MG_ERR_IO: ${message}`, args.join(' '));
    }
  });

  it('dns check --anchor on a binary file: "not an anchor file", no byte of it in the terminal', async () => {
    const bin = join(lab.dir, 'binary.bin');
    writeFileSync(bin, Buffer.from([0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xff, 0xfe, ...Array.from({ length: 200 }, (_, i) => (i * 37) & 0xff)]));
    const r = await mg(['dns', 'check', 'x.test', '--resolver', lab.dns, '--anchor', bin]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `mitmguard: MG_ERR_CONFIG: ${bin}: not an anchor file (binary; expected DS or DNSKEY records in zone-file format)\n`);
  });

  it('cert show on an SMTP port: says the port does not answer TLS, no OpenSSL error string', async () => {
    const r = await mg(['cert', 'show', lab.hostPort('smtp-plaintext')]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `mitmguard: MG_ERR_PROTOCOL: ${lab.hostPort('smtp-plaintext')} does not answer TLS (a plain-text or STARTTLS port? \`mitmguard scan smtp://${lab.hostPort('smtp-plaintext')}\` runs the STARTTLS dialogue first)`);
    assert.doesNotMatch(r.stderr, /SSL routines|error:0A/);
  });

  it('lab up with its first port taken says EADDRINUSE and the address, as --foreground does', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'mg-busy-'));
    try {
      const r = await mg(['lab', 'up', '--base-port', String(port), '--state', join(dir, 'lab.json')]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`^mitmguard: MG_ERR_IO: the lab did not start: lab: cannot start: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port} \\(details: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/lab-up\\.log;`));
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('case 10: the wrong protocol waits one --timeout, not three', () => {
  it('scan ftp:// against an HTTPS port: one STARTTLS timeout, no second posture wait, no false plain-text finding', async () => {
    const r = await mg(['scan', `ftp://${lab.hostPort('modern')}`, '--timeout', '1500', '--format', 'json']);
    assert.equal(r.code, 2, r.stderr);
    const t = json(r.stdout).targets[0]!;
    assert.equal(t.error?.code, 'MG_ERR_TIMEOUT');
    assert.equal(t.posture, null, 'the posture probe did not run the same dialogue again');
    assert.deepEqual(json(r.stdout).report.findings.map((f) => f.id), [], 'a TLS server is not "plaintext"');
    assert.match(r.stderr, /could not assess ftp:\/\/127\.0\.0\.1:\d+ \(MG_ERR_TIMEOUT: ftp: no go-ahead within 1500 ms\)/);
  });
});

describe('case 11: accurate titles and one finding per flaw', () => {
  it('a chain up to a private root that is not trusted is "untrusted root", not "incomplete chain"', async () => {
    const r = await mg(['scan', lab.hostPort('legacy'), '-f', 'json']);
    const f = json(r.stdout).targets[0]!.findings.filter((x) => x.id.startsWith('cert.chain.'));
    assert.deepEqual(f.map((x) => `${x.id}: ${x.title}`), ['cert.chain.untrusted-root: Chain ends in an untrusted root']);
    assert.match(f[0]!.evidence, /^certificate 1 \(O=mitmguard lab,CN=mitmguard lab issuing CA\): its issuer is not a trust anchor .*; a private root\? `--ca` adds it$/);
    // The lab endpoint that really omits its intermediate stays "incomplete".
    const inc = await mg(['scan', '--ca', lab.root, lab.hostPort('incomplete-chain'), '-f', 'json']);
    assert.deepEqual(json(inc.stdout).targets[0]!.findings.filter((x) => x.id.startsWith('cert.chain.')).map((x) => x.id), ['cert.chain.incomplete']);
  });

  it('an expired certificate, TLS 1.0/1.1 and a weak key are one finding each in the report, the others linked by relatedTo', async () => {
    const r = await mg(['scan', '--ca', lab.root, lab.hostPort('expired'), lab.hostPort('legacy'), lab.hostPort('weak-key'), '-f', 'json']);
    const doc = json(r.stdout);
    const on = (name: string) => doc.report.findings.filter((f) => f.target === lab.hostPort(name));
    const expired = on('expired').filter((f) => /expired/.test(f.id));
    assert.deepEqual(expired.map((f) => [f.id, f.severity, f.relatedTo]), [['policy.cert.expired', 'critical', ['cert.chain.expired']]]);
    assert.deepEqual(on('legacy').find((f) => f.id === 'policy.tls.min-version')?.relatedTo, ['tls.protocol.tls10-enabled', 'tls.protocol.tls11-enabled']);
    assert.equal(on('legacy').some((f) => f.id === 'tls.protocol.tls10-enabled'), false);
    assert.deepEqual(on('weak-key').map((f) => f.id), ['policy.cert.key-too-small']);
    // The scan document itself keeps every check's finding (fields are only added).
    assert.ok(doc.targets.find((t) => t.target === lab.hostPort('expired'))!.findings.some((f) => f.id === 'cert.chain.expired'));
  });
});

describe('case 12: wording', () => {
  it('titles keep acronyms: "NUL byte", "X.509 v1"', () => {
    assert.equal(catalogue.get('audit.client.nul-byte-cn')?.title, 'Client accepts: NUL byte in the common name');
    assert.equal(catalogue.get('audit.client.v1-intermediate')?.title, 'Client accepts: X.509 v1 certificate acting as a CA');
    assert.equal(catalogue.get('audit.client.self-signed')?.title, 'Client accepts: self-signed certificate for the right host name');
  });

  it('SMTP without STARTTLS: "smtp: STARTTLS is not offered", never "smtp: smtp:"', async () => {
    const r = await mg(['scan', lab.target('smtp-plaintext'), '-f', 'json']);
    const ev = json(r.stdout).targets[0]!.findings.find((f) => f.id === 'starttls.not-offered')!.evidence;
    assert.equal(ev, 'smtp: STARTTLS is not offered in the EHLO reply');
    assert.equal(r.code, 1, 'assessed (plain text is the answer): exit 1 on the critical finding, not 2');
  });

  it('a document without a version: "(version not recorded)", never "mitmguard undefined"', async () => {
    const file = join(lab.dir, 'no-version.json');
    writeFileSync(file, JSON.stringify({ tool: 'mitmguard', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', targets: [] }));
    const r = await mg(['report', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^mitmguard \(version not recorded\) — policy intermediate/);
    assert.doesNotMatch(r.stdout, /undefined/);
  });

  it('one DN format (RFC 4514, as `cert` prints) and one key format ("ec-256") in scan and cert', async () => {
    const scan = await mg(['scan', lab.hostPort('legacy')]);
    const cert = await mg(['cert', 'verify', '--ca', lab.root, lab.hostPort('legacy')]);
    const dn = 'O=mitmguard lab,CN=mitmguard lab issuing CA';
    assert.match(scan.stdout, new RegExp(`chain\\[1\\] ${dn}\\n +issuer O=mitmguard lab,CN=mitmguard lab root CA; ec-256;`));
    assert.match(cert.stdout, new RegExp(`1: ${dn} +issuer O=mitmguard lab,CN=mitmguard lab root CA; ec-256;`));
  });
});

describe('case 13: the README examples and counts hold', () => {
  it('the README curl audit example (with --hsts) exits 0: curl refuses every forgery', { timeout: 180_000 }, async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const cmd = /npx mitmguard audit-client --exec '([^']+)'/.exec(readme)?.[1];
    assert.ok(cmd?.includes('--hsts {home}/hsts.txt'), cmd);
    const r = await mg(['audit-client', '--exec', cmd!, '-f', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.forgedAccepted, 0);
  });

  it('one scenario count: 35 in the catalogue, 30 served by the lab, as the README says', async () => {
    const list = await mg(['audit-client', '--list', '-f', 'json']);
    assert.equal(JSON.parse(list.stdout).length, 35);
    const status = await mg(['lab', 'status', '--state', lab.state, '-f', 'json']);
    assert.equal(JSON.parse(status.stdout).audit.scenarios.length, 30);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /The catalogue holds 35 client-audit scenarios/);
    assert.match(readme, /over HTTPS without `--pin`, 30\n?\s*\(the baseline and 29 forged\)/);
  });

  it('lab down says what it removed', async () => {
    const other = await startBackgroundLab();
    const r = await mg(['lab', 'down', '--state', other.state]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^lab stopped \(pid \d+\); removed lab\.json, lab-root\.pem, lab-audit-ca\.pem, lab-anchor\.txt, lab-anchor\.bind from /);
    await other.stop();
  });
});

describe('case 14: one flag vocabulary and help that reads well', () => {
  it('scan --help: --resolver/--anchor (old names hidden), short flags, numeric defaults as numbers', async () => {
    const r = await mg(['scan', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--resolver <ip\[:port\]>/);
    assert.match(r.stdout, /--anchor <file>/);
    assert.doesNotMatch(r.stdout, /--dns-resolver|--dns-anchor/);
    assert.match(r.stdout, /-f, --format <format>/);
    assert.match(r.stdout, /-o, --output <file>/);
    assert.match(r.stdout, /-t, --timeout <ms>[\s\S]*?\(default:\s+5000\)/);
    assert.match(r.stdout, /--allow-unreachable/);
    assert.doesNotMatch(r.stdout, /\(default: "\d+"\)/);
  });

  it('the old --dns-resolver still works, with a deprecation note', async () => {
    const r = await mg(['scan', '--dns-resolver', lab.dns, '--ca', lab.root, lab.hostPort('modern'), '-f', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^mitmguard: --dns-resolver is deprecated; use --resolver$/m);
  });

  it('--fail-on on audit-client, cert verify and lab scan; --format on lab down; --sni on cert verify', async () => {
    for (const [args, flag] of [[['audit-client', '--help'], '--fail-on'], [['help', 'cert', 'verify'], '--fail-on'], [['help', 'lab', 'scan'], '--fail-on'], [['help', 'lab', 'down'], '-f, --format'], [['help', 'cert', 'verify'], '--sni']] as const) {
      const r = await mg([...args]);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.includes(flag), `${args.join(' ')} lists ${flag}`);
    }
    const weak = lab.hostPort('weak-key');
    const strict = await mg(['cert', 'verify', '--ca', lab.root, weak]);
    assert.equal(strict.code, 1, 'RSA-1024: invalid');
    const lenient = await mg(['cert', 'verify', '--ca', lab.root, weak, '--fail-on', 'critical']);
    assert.equal(lenient.code, 0, 'the weak key is high, below --fail-on critical');
  });

  it('cert has --starttls, as scan does: the chain behind SMTP STARTTLS, and a clear error where it is not offered', async () => {
    const show = await mg(['cert', 'show', '--starttls', 'smtp', lab.hostPort('smtp-starttls')]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^certificate 0\n {2}subject {6}CN=127\.0\.0\.1\n {2}issuer {7}O=mitmguard lab,CN=mitmguard lab issuing CA/);
    const verify = await mg(['cert', 'verify', '--starttls', 'smtp', '--ca', lab.root, lab.hostPort('smtp-starttls')]);
    assert.equal(verify.code, 0, verify.stderr);
    const none = await mg(['cert', 'pin', '--starttls', 'smtp', lab.hostPort('smtp-plaintext')]);
    assert.equal(none.code, 2);
    assert.equal(none.stderr.trim(), 'mitmguard: MG_ERR_STARTTLS: smtp: STARTTLS is not offered in the EHLO reply');
  });

  it('dns mail --ca reads a file or a directory, as scan --ca does, and says when it holds no CA', async () => {
    const r = await mg(['help', 'dns', 'mail']);
    assert.match(r.stdout, /--ca <file\|dir> +also trust this CA/);
    const empty = mkdtempSync(join(tmpdir(), 'mg-noca-'));
    try {
      const none = await mg(['dns', 'mail', 'mail.test', '--resolver', lab.dns, '--ca', empty]);
      assert.equal(none.code, 2);
      assert.equal(none.stderr.trim(), `mitmguard: MG_ERR_CONFIG: --ca ${empty}: no usable CA certificate found`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('--html and --json are not only lab scan\'s: scan writes both beside its --format output', async () => {
    const html = join(lab.dir, 'out', 'scan.html');
    const out = join(lab.dir, 'out', 'scan.json');
    const r = await mg(['scan', '--ca', lab.root, lab.hostPort('modern'), '--html', html, '--json', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Overall grade/);
    assert.match(readFileSync(html, 'utf8'), /<section id="executive">/);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).report.policy.name, 'intermediate');
  });

  it('mitmguard help cert verify prints verify\'s help, not cert\'s', async () => {
    const r = await mg(['help', 'cert', 'verify']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: mitmguard cert verify \[options\] <leaf>/);
  });

  it('timeouts: one default (5000) per connection; dns per query and audit-client per scenario, each saying why', async () => {
    const cert = await mg(['help', 'cert', 'show']);
    assert.match(cert.stdout, /-t, --timeout <ms>[\s\S]*?\(default:\s+5000\)/);
    const dns = await mg(['help', 'dns', 'check']);
    assert.match(dns.stdout, /per-query timeout in milliseconds[\s\S]*?\(default:\s+2000\)/);
    const audit = await mg(['audit-client', '--help']);
    assert.match(audit.stdout, /per-scenario client timeout[\s\S]*?\(default:\s+15000\)/);
    assert.match(audit.stdout, /--bind <address> +address to listen on \(default: "127\.0\.0\.1"\)/, 'the default stated once');
    assert.doesNotMatch(audit.stdout, /\(default:[^)]*\)\s*\(default:/);
  });
});

describe('case 15 (CLI side): owners from the inventory in text, JUnit and SARIF, and kept when a report is re-read', () => {
  it('scan --inventory with owners, then report in each format, without the inventory', async () => {
    const inv = join(lab.dir, 'owners.yaml');
    writeFileSync(inv, `targets:\n  - target: ${lab.hostPort('legacy')}\n    name: legacy\n    owner: web-team\n  - target: ${lab.hostPort('expired')}\n    name: expired\n    owner: platform-team\n`);
    const saved = join(lab.dir, 'owners-report.json');
    const scan = await mg(['scan', '--inventory', inv, '--ca', lab.root, '-f', 'json', '-o', saved, '--journal', join(lab.dir, 'owners.jsonl')]);
    assert.equal(scan.code, 1, scan.stderr);
    const text = await mg(['report', saved]);
    assert.match(text.stdout, /^ {2}legacy 127\.0\.0\.1:\d+ +C +C .* web-team +1 high/m);
    assert.match(text.stdout, /^ {4}owner: {4}platform-team$/m);
    // Two targets: the worst of each first, then the next worst.
    assert.match(text.stdout, /^Top 5 risks\n {2}1\. critical Certificate outside its validity period — expired 127\.0\.0\.1:\d+ \(owner platform-team\)\n {2}2\. high {5}Protocol version below the policy minimum — legacy 127\.0\.0\.1:\d+ \(owner web-team\)$/m);
    const junit = await mg(['report', saved, '-f', 'junit']);
    assert.match(junit.stdout, /<property name="owner" value="web-team"\/>/);
    assert.match(junit.stdout, /Owner: platform-team/);
    const sarif = JSON.parse((await mg(['report', saved, '-f', 'sarif'])).stdout);
    const owners = new Set(sarif.runs[0].results.map((r: { properties: { owner?: string } }) => r.properties.owner));
    assert.deepEqual([...owners].sort(), ['platform-team', 'web-team']);
  });
});
