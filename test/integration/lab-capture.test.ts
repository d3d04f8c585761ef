/**
 * The lab's socket-level recording (issue 12) against tshark: the file our writer makes from the lab's own login
 * client is read by Wireshark's dissectors with good IPv4 and TCP checksums, the HTTP Basic credentials and the TLS
 * SNI where the client sent them, and the section comment that says what the file is; src/capture finds the
 * plain-text logins in it.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyseLabTraffic, LAB_RECORDING_COMMENT, startLab, type Lab } from '../../src/lab/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'mg-lab-capture-'));
let lab: Lab;
before(async () => {
  lab = await startLab({ only: ['modern', 'plain-http', 'smtp-plaintext'] });
});
after(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('tshark reads the recording: checksums good, the Basic credentials and the SNI where they were sent, the comment', { timeout: 60_000 }, async () => {
  const r = await analyseLabTraffic(lab.endpoints, lab.rootPem);
  assert.deepEqual(r.recording.exchanges.map((x) => x.ok), [true, true, true], JSON.stringify(r.recording.exchanges));
  const file = join(dir, 'lab.pcapng');
  writeFileSync(file, r.recording.pcapng);
  const { stdout } = await run('tshark', ['-n', '-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|',
    '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'tcp.flags.str', '-e', 'http.authorization', '-e', 'tls.handshake.extensions_server_name', '-e', 'tcp.analysis.flags'], { timeout: 30_000 });
  const rows = stdout.trim().split('\n').map((l) => l.split('|'));
  assert.equal(rows.length, r.recording.frames);
  assert.ok(rows.every((x) => x[0] === '1' && x[1] === '1'), 'every IPv4 and TCP checksum is good');
  assert.ok(rows.every((x) => x[5] === ''), `no TCP analysis warning (lost segment, retransmission…): ${rows.filter((x) => x[5]).map((x) => x.join(' ')).join('\n')}`);
  assert.equal(rows.filter((x) => x[2]!.includes('S')).length, 6, 'three connections, each SYN and SYN/ACK');
  const auth = rows.map((x) => x[3]).filter(Boolean);
  assert.equal(auth.length, 1, 'one HTTP request carries Authorization in the clear');
  assert.equal(Buffer.from(auth[0]!.replace(/^Basic /, ''), 'base64').toString().split(':')[0], 'newcomer');
  assert.deepEqual(rows.map((x) => x[4]).filter(Boolean), ['localhost'], 'the HTTPS ClientHello names localhost');
  const { stdout: info } = await run('capinfos', [file], { timeout: 30_000 });
  assert.ok(info.includes(LAB_RECORDING_COMMENT), info);

  // src/capture on the same bytes: the two plain-text logins and the two plain-text services; the password never shows.
  const ids = r.findings.map((f) => f.id).sort();
  assert.deepEqual(ids, ['capture.plaintext.credentials', 'capture.plaintext.credentials', 'capture.plaintext.protocol', 'capture.plaintext.protocol']);
  assert.ok(r.findings.every((f) => !f.evidence.includes('lab-password')), 'credentials are redacted');
  assert.deepEqual(Object.keys(r.report.summary.protocols).sort(), ['http', 'smtp', 'tls']);
});
