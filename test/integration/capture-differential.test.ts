/**
 * Differential: real traffic (curl against openssl s_server with TLS 1.3 and TLS 1.2, HTTP with Basic auth, DNS
 * queries to a test responder) on the loopback of a namespace created here, captured by tcpdump on `any` (Linux SLL2,
 * nanosecond time) and converted to pcapng by editcap; `mitmguard capture` and `tshark -r` must agree on frames, TCP and
 * UDP flows, TLS SNI, negotiated versions and suites, and DNS answers — for both files; and every credential
 * `dsniff -p` finds, we find.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { suiteName } from '../../src/tls/wire/suites.js';
import { canCreateNamespaces, createLan, listening, PYTHON, sleep, waitForTcp, type Lan } from '../helpers/netns-lan.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scripts = join(root, 'test/data/capture');
const cli = join(root, 'bin/mitmguard.js');

function tshark(file: string, filter: string | null, fields: string[]): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])];
  if (filter) args.push('-Y', filter);
  return execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

interface Summary {
  frames: number;
  flows: { tcp: number; udp: number };
  tls: Array<{ sni: string | null; version: string | null; cipherSuite: string | null; ja3: string | null; ja4: string | null }>;
  dns: Array<{ name: string; answers: string[] }>;
}

function ours(file: string): { summary: Summary; findings: Array<{ id: string; evidence: string }>; format: string } {
  let out: string;
  try {
    out = execFileSync(process.execPath, [cli, 'capture', file, '--format', 'json', '--fail-on', 'critical'], { encoding: 'utf8', timeout: 60_000 });
  } catch (err) {
    out = (err as { stdout: string }).stdout;
  }
  const doc = JSON.parse(out);
  return { summary: doc.captures[0].summary, findings: doc.findings, format: doc.captures[0].format };
}

const TSHARK_VERSION: Record<string, string> = { '0x0300': 'SSLv3', '0x0301': 'TLSv1.0', '0x0302': 'TLSv1.1', '0x0303': 'TLSv1.2', '0x0304': 'TLSv1.3' };

describe('capture against tshark on the same files', { skip: !canCreateNamespaces() && 'needs root to create network namespaces' }, () => {
  let lan: Lan;
  let dir: string;
  let pcap: string;
  let pcapng: string;
  let ethernetPcap: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-capdiff-'));
    lan = createLan('dif', []);
    lan.run('switch', ['ip', 'link', 'set', 'lo', 'up']);
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=intranet.example', '-addext', 'subjectAltName=DNS:intranet.example', '-days', '2'], { stdio: 'ignore' });
    const rsaKey = join(dir, 'rsa.key');
    const rsaCert = join(dir, 'rsa.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', rsaKey, '-out', rsaCert, '-subj', '/CN=static.example', '-addext', 'subjectAltName=DNS:static.example', '-days', '2'], { stdio: 'ignore' });
    pcap = join(dir, 'mixed.pcap');
    pcapng = join(dir, 'mixed.pcapng');
    const dump = lan.start('switch', ['tcpdump', '-i', 'any', '-U', '--immediate-mode', '-s', '0', '-n', '--time-stamp-precision=nano', '-w', pcap, '-Z', 'root']);
    // dsniff (libnids) reads Ethernet only: the same traffic on lo as DLT_EN10MB, microseconds.
    ethernetPcap = join(dir, 'mixed-lo.pcap');
    const dumpLo = lan.start('switch', ['tcpdump', '-i', 'lo', '-U', '--immediate-mode', '-s', '0', '-n', '-w', ethernetPcap, '-Z', 'root']);
    await listening(dump);
    await listening(dumpLo);
    lan.start('switch', ['openssl', 's_server', '-accept', '4433', '-tls1_3', '-cert', cert, '-key', key, '-www', '-quiet']);
    lan.start('switch', ['openssl', 's_server', '-accept', '4434', '-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256', '-cert', cert, '-key', key, '-www', '-quiet']);
    // Static RSA key exchange, CBC: a suite without forward secrecy.
    lan.start('switch', ['openssl', 's_server', '-accept', '4435', '-tls1_2', '-cipher', 'AES128-SHA', '-cert', rsaCert, '-key', rsaKey, '-www', '-quiet']);
    lan.start('switch', [PYTHON, '-m', 'http.server', '8080', '--bind', '127.0.0.1']);
    lan.start('switch', [PYTHON, join(scripts, 'dns_server.py'), '127.0.0.1', '53', '60']);
    lan.start('switch', [PYTHON, join(scripts, 'fake_login_servers.py'), '127.0.0.1', '389', '5432', '60']);
    for (const port of [4433, 4434, 4435, 8080, 389, 5432]) waitForTcp(lan, 'switch', '127.0.0.1', port);
    await sleep(1000); // the DNS responder binds UDP, which cannot be probed without a query of its own
    const curl = (...args: string[]) => lan.run('switch', ['curl', '-s', '-o', '/dev/null', '--max-time', '5', ...args]);
    for (let i = 0; i < 3; i++) {
      curl('-k', '--resolve', 'intranet.example:4433:127.0.0.1', 'https://intranet.example:4433/');
      curl('-k', '--resolve', 'legacy.example:4434:127.0.0.1', 'https://legacy.example:4434/');
      curl('-u', `alice:pw${i}`, 'http://127.0.0.1:8080/');
    }
    curl('-k', '--ciphers', 'AES128-SHA', '--resolve', 'static.example:4435:127.0.0.1', 'https://static.example:4435/');
    // Real clients' logins: both servers refuse them, which the clients report (non-zero exit, expected).
    const refused = (cmd: string[]) => {
      try {
        lan.run('switch', cmd, { timeoutMs: 15_000 });
      } catch {
        // the login was refused, as staged
      }
    };
    refused(['ldapsearch', '-x', '-H', 'ldap://127.0.0.1:389', '-D', 'cn=admin,dc=example,dc=org', '-w', 'Ld4pSecret', '-b', 'dc=example,dc=org']);
    lan.run('switch', [PYTHON, join(scripts, 'telnet_pair.py'), '23', 'netops', 'T3lnetPw'], { timeoutMs: 30_000 });
    refused(['env', 'PGPASSWORD=pgSecret9', 'PGCONNECT_TIMEOUT=5', 'psql', '-h', '127.0.0.1', '-p', '5432', '-U', 'app_rw', '-d', 'app', '-c', 'select 1']);
    lan.run('switch', [PYTHON, join(scripts, 'dns_client.py'), '127.0.0.1', '53', 'intranet.example', 'mail.example', 'a.b.example']);
    await sleep(1000);
    for (const d of [dump, dumpLo]) {
      d.kill('SIGINT');
      await new Promise((r) => d.once('close', r));
    }
    execFileSync('editcap', ['-F', 'pcapng', pcap, pcapng]);
  });

  after(() => {
    lan?.destroy();
    if (dir && !process.env.MG_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  for (const which of ['pcap', 'pcapng'] as const) {
    it(`${which}: same frames, TCP and UDP flows`, () => {
      const file = which === 'pcap' ? pcap : pcapng;
      const o = ours(file);
      assert.equal(o.format, which);
      assert.equal(o.summary.frames, tshark(file, null, ['frame.number']).length);
      assert.equal(o.summary.flows.tcp, new Set(tshark(file, 'tcp', ['tcp.stream']).map((r) => r[0])).size);
      assert.equal(o.summary.flows.udp, new Set(tshark(file, 'udp', ['udp.stream']).map((r) => r[0])).size);
      assert.ok(o.summary.flows.tcp >= 9 && o.summary.flows.udp >= 1, JSON.stringify(o.summary.flows));
    });

    it(`${which}: same TLS server names, versions and suites`, () => {
      const file = which === 'pcap' ? pcap : pcapng;
      const o = ours(file);
      const sni = tshark(file, 'tls.handshake.type == 1', ['tls.handshake.extensions_server_name']).map((r) => r[0]).sort();
      assert.deepEqual(o.summary.tls.map((t) => t.sni).sort(), sni);
      const theirs = tshark(file, 'tls.handshake.type == 2', ['tls.handshake.extensions.supported_version', 'tls.handshake.version', 'tls.handshake.ciphersuite'])
        .map(([sv, v, cs]) => `${TSHARK_VERSION[sv || v!]} ${suiteName(parseInt(cs!, 16))}`)
        .sort();
      assert.deepEqual(o.summary.tls.map((t) => `${t.version} ${t.cipherSuite}`).sort(), theirs);
      assert.ok(theirs.includes('TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256') && theirs.some((t) => t.startsWith('TLSv1.3')));
    });

    it(`${which}: the same JA3 as tshark for every ClientHello, and a JA4 of the right form (tshark 4.0 computes no JA4)`, () => {
      const file = which === 'pcap' ? pcap : pcapng;
      const o = ours(file);
      const theirs = tshark(file, 'tls.handshake.type == 1', ['tls.handshake.ja3']).map((r) => r[0]).sort();
      assert.ok(theirs.length >= 2, JSON.stringify(theirs));
      assert.deepEqual(o.summary.tls.map((t) => t.ja3).sort(), theirs);
      for (const t of o.summary.tls) assert.match(t.ja4 ?? '', /^t1[23][di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/, JSON.stringify(t));
    });

    it(`${which}: same DNS answers`, () => {
      const file = which === 'pcap' ? pcap : pcapng;
      const o = ours(file);
      const theirs = tshark(file, 'dns.flags.response == 1', ['dns.qry.name', 'dns.a']).map(([n, a]) => `${n} ${a}`).sort();
      assert.deepEqual(o.summary.dns.map((d) => `${d.name} ${d.answers.join(',')}`).sort(), theirs);
      assert.ok(theirs.includes('intranet.example 198.51.100.16'), JSON.stringify(theirs));
    });
  }

  it('a pcapng merged by mergecap from both captures (two interfaces, SLL2 and Ethernet): same frames and flows as tshark', () => {
    const merged = join(dir, 'merged.pcapng');
    execFileSync('mergecap', ['-F', 'pcapng', '-w', merged, pcap, ethernetPcap]);
    const o = ours(merged) as ReturnType<typeof ours> & { summary: Summary & { linkTypes: Record<string, number> } };
    assert.equal(o.format, 'pcapng');
    assert.deepEqual(Object.keys(o.summary.linkTypes).sort(), ['1', '276']);
    assert.equal(o.summary.frames, tshark(merged, null, ['frame.number']).length);
    assert.equal(o.summary.frames, tshark(pcap, null, ['frame.number']).length + tshark(ethernetPcap, null, ['frame.number']).length);
    assert.equal(o.summary.tls.length, tshark(merged, 'tls.handshake.type == 1', ['frame.number']).length);
  });

  it('every credential dsniff -p finds in the capture, we find too (same connection, same user)', () => {
    const out = execFileSync('dsniff', ['-n', '-p', ethernetPcap], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const theirs = out
      .split('-----------------')
      // HTTP/FTP-style blocks carry "[user:password]"; LDAP blocks the DN on the line after the connection.
      .map((b) => ({ conn: /tcp (\S+)\.(\d+) -> (\S+)\.(\d+)/.exec(b), user: /\[([^:\]]+):/.exec(b) ?? /\(ldap\)\n(.+)\n/.exec(b) }))
      .filter((x) => x.conn && x.user)
      .map((x) => `${x.conn![3]}:${x.conn![4]} ${x.user![1]}`)
      .sort();
    assert.ok(theirs.length >= 4 && theirs.includes('127.0.0.1:389 cn=admin,dc=example,dc=org'), 'dsniff found the Basic-auth and LDAP logins');
    const o = ours(ethernetPcap);
    const found = o.findings
      .filter((f) => f.id === 'capture.plaintext.credentials')
      .map((f) => /to (\S+:\d+), user "([^"]+)"/.exec(f.evidence)!)
      .map((m) => `${m[1]} ${m[2]}`);
    for (const t of new Set(theirs)) assert.ok(found.includes(t), `dsniff found ${t}, we did not: ${found}`);
  });

  it('finds the LDAP simple bind of ldapsearch, the PostgreSQL cleartext password of psql and a Telnet login, redacted', () => {
    const o = ours(pcap);
    const creds = o.findings.filter((f) => f.id === 'capture.plaintext.credentials').map((f) => f.evidence);
    assert.ok(creds.some((e) => /^ldap password from 127\.0\.0\.1 to 127\.0\.0\.1:389, user "cn=admin,dc=example,dc=org" \(redacted, 10 bytes/.test(e)), creds.join('\n'));
    assert.ok(creds.some((e) => /^postgresql password from 127\.0\.0\.1 to 127\.0\.0\.1:5432, user "app_rw" \(redacted, 9 bytes/.test(e)), creds.join('\n'));
    assert.ok(creds.some((e) => /^telnet password from 127\.0\.0\.1 to 127\.0\.0\.1:23, user "netops" \(redacted, 8 bytes/.test(e)), creds.join('\n'));
    assert.ok(!JSON.stringify(o).includes('Ld4pSecret') && !JSON.stringify(o).includes('pgSecret9') && !JSON.stringify(o).includes('T3lnetPw'));
  });

  it('finds the three Basic-auth logins (redacted) and judges the self-signed TLS 1.2 chain', () => {
    const o = ours(pcap);
    const creds = o.findings.filter((f) => f.id === 'capture.plaintext.credentials' && f.evidence.startsWith('http http-basic'));
    assert.equal(creds.length, 3);
    for (const c of creds) assert.match(c.evidence, /http http-basic .* user "alice" \(redacted, 3 bytes, salted sha256 [0-9a-f]{12}…\)/);
    assert.ok(!JSON.stringify(o).includes('pw1'));
    assert.ok(o.findings.some((f) => f.id === 'capture.tls.chain-invalid' && /legacy\.example/.test(f.evidence)));
    const weak = o.findings.filter((f) => f.id === 'capture.tls.weak-suite');
    assert.deepEqual(weak.map((f) => f.evidence.replace(/, frame .*/, '')), ['127.0.0.1:4435 (SNI static.example) negotiated TLS_RSA_WITH_AES_128_CBC_SHA: no forward secrecy (RSA key exchange)']);
  });
});
