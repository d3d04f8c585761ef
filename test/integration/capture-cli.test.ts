/**
 * `mitmguard capture` on files a user might hand it: a real tcpdump capture of loopback traffic made here, and bad
 * input — not a capture, missing, a 4 GiB declared block, a cut-short file, a broken baseline. Exit codes and formats
 * as every command: 0 / 1 / 2, one JSON document, valid SARIF.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ether, ipv4, pcapFile, tcp, text, ACK, PSH, SYN } from '../../src/capture/testdata/build.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'bin/mitmguard.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('mitmguard capture', () => {
  let dir: string;
  let ftp: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-capcli-'));
    const C = '198.18.0.10';
    const S = '198.18.0.21';
    const m1 = '02:00:00:00:00:0a';
    const m2 = '02:00:00:00:00:15';
    ftp = join(dir, 'ftp.pcap');
    writeFileSync(ftp, pcapFile([
      ether(m1, m2, 0x0800, ipv4(C, S, 6, tcp(50000, 21, 1, SYN))),
      ether(m2, m1, 0x0800, ipv4(S, C, 6, tcp(21, 50000, 9, SYN | ACK))),
      ether(m2, m1, 0x0800, ipv4(S, C, 6, tcp(21, 50000, 10, ACK | PSH, text('220 FTP ready\r\n')))),
      ether(m1, m2, 0x0800, ipv4(C, S, 6, tcp(50000, 21, 2, ACK | PSH, text('USER backup\r\nPASS Tr0ub4dor&3\r\n')))),
    ].map((data, i) => ({ data, us: 1_764_800_000_000_000 + i }))));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('text: a summary per defence and the finding; exit 1 at the default --fail-on high, 0 with --fail-on critical above it', () => {
    const r = run('capture', ftp);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /Encryption everywhere\s+\d+ finding\(s\), worst critical/);
    assert.match(r.stdout, /Network security\s+nothing seen/);
    assert.match(r.stdout, /capture\.plaintext\.credentials 198\.18\.0\.21:21: ftp password from 198\.18\.0\.10 .*user "backup" \(redacted, 11 bytes/);
    assert.ok(!r.stdout.includes('Tr0ub4dor'));
    assert.equal(run('capture', ftp, '--detectors', 'arp').status, 1, 'the coverage check still sees a plain-text share');
    assert.equal(run('capture', ftp, '--detectors', 'arp', '--fail-on', 'critical').status, 0);
  });

  it('json is one document; sarif is a SARIF 2.1.0 log with the finding as a result', () => {
    const j = run('capture', ftp, '--format', 'json');
    const doc = JSON.parse(j.stdout);
    assert.equal(doc.captures[0].format, 'pcap');
    assert.equal(doc.captures[0].summary.frames, 4);
    assert.equal(doc.captures[0].summary.encryption.encryptedFlowShare, 0);
    assert.ok(!j.stdout.includes('Tr0ub4dor'));
    const s = JSON.parse(run('capture', ftp, '--format', 'sarif').stdout);
    assert.equal(s.version, '2.1.0');
    assert.ok(s.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'capture.plaintext.credentials'));
  });

  it('bad input: not a capture, missing, a 4 GiB declared block, a broken baseline, a bad option: exit 2 with a code', () => {
    const notCapture = join(dir, 'notes.txt');
    writeFileSync(notCapture, 'these are not packets\n');
    let r = run('capture', notCapture);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MG_ERR_MALFORMED: not a pcap or pcapng file/);
    r = run('capture', join(dir, 'missing.pcap'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MG_ERR_IO/);
    const huge = join(dir, 'huge.pcapng');
    writeFileSync(huge, Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c00000006000000fcffffff', 'hex'));
    r = run('capture', huge, '--format', 'json');
    assert.equal(r.status, 2);
    assert.equal(JSON.parse(r.stdout).captures[0].error.code, 'MG_ERR_TOO_LARGE');
    const badBaseline = join(dir, 'baseline.yaml');
    writeFileSync(badBaseline, 'gateways:\n  - { ip: 198.18.0.1, mac: nonsense }\n');
    r = run('capture', ftp, '--baseline', badBaseline);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MG_ERR_CONFIG: .*baseline\.yaml:2:\d+: gateways\[0\]\.mac/);
    assert.equal(run('capture', ftp, '--format', 'xml').status, 2);
    assert.equal(run('capture', ftp, '--detectors', 'nope').status, 2);
  });

  it('a capture cut short is analysed up to the cut, not refused', () => {
    const cut = join(dir, 'cut.pcap');
    const bytes = readFileSync(ftp);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const r = run('capture', cut, '--format', 'json');
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.captures[0].truncatedTail, true);
    assert.equal(doc.captures[0].summary.frames, 3);
    assert.equal(r.status, 1);
  });
});
