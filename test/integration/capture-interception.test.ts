/**
 * Interception on the path, staged for real in namespaces: dsniff's arpspoof + dnsspoof against a victim resolving
 * through its gateway (the real resolver answers too: racing answers; the attacker's kernel forwards and sends ICMP
 * redirects), and arpspoof + an openssl s_server with a forged certificate taking the gateway's TLS service (a careless
 * `curl -k` victim). The clean TLS connection to the real server, signed by the organisation's CA, is not reported.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { captureOnBridge, canCreateNamespaces, createLan, PYTHON, sleep, udpPoke, type Lan } from '../helpers/netns-lan.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scripts = join(root, 'test/data/capture');
const cli = join(root, 'bin/mitmguard.js');

interface Doc {
  findings: Array<{ id: string; target: string; evidence: string; severity: string }>;
  captures: Array<{ summary: { tls: Array<{ sni: string; version: string; certificates: number }> } }>;
}
function capture(file: string, ...args: string[]): { code: number; doc: Doc } {
  try {
    return { code: 0, doc: JSON.parse(execFileSync(process.execPath, [cli, 'capture', file, '--format', 'json', ...args], { encoding: 'utf8', timeout: 60_000 })) };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { code: e.status, doc: JSON.parse(e.stdout) };
  }
}
const stopped = async (c: ReturnType<Lan['start']>) => {
  if (c.exitCode === null && c.signalCode === null) {
    c.kill('SIGINT');
    await new Promise((r) => c.once('close', r));
  }
};

describe('interception on the path, seen in the capture', { skip: !canCreateNamespaces() && 'needs root to create network namespaces' }, () => {
  let lan: Lan;
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-capint-'));
    lan = createLan('int', [{ name: 'gw', last: 1 }, { name: 'victim', last: 10 }, { name: 'attacker', last: 66 }]);
  });
  after(() => {
    lan?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('arpspoof + dnsspoof: racing DNS answers and the forwarding attacker\'s ICMP redirects are reported', async () => {
    const hosts = join(dir, 'spoof.hosts');
    writeFileSync(hosts, '198.51.100.66 *.example\n');
    lan.run('attacker', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    const resolver = lan.start('gw', [PYTHON, join(scripts, 'dns_server.py'), lan.hosts.gw!.ip, '53', '25']);
    const file = join(dir, 'dnsspoof.pcap');
    const cap = await captureOnBridge(lan, file);
    udpPoke(lan, 'victim', lan.hosts.gw!.ip);
    const arp = lan.start('attacker', ['arpspoof', '-i', 'eth0', '-t', lan.hosts.victim!.ip, lan.hosts.gw!.ip]);
    const dns = lan.start('attacker', ['dnsspoof', '-i', 'eth0', '-f', hosts, 'udp dst port 53']);
    await sleep(3000);
    lan.run('victim', [PYTHON, join(scripts, 'dns_client.py'), lan.hosts.gw!.ip, '53', 'intranet.example', 'mail.example'], { timeoutMs: 15_000 });
    await sleep(1000);
    await stopped(dns);
    await stopped(arp);
    await stopped(resolver);
    await cap.stop();
    lan.run('attacker', ['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    const r = capture(file);
    assert.equal(r.code, 1);
    const races = r.doc.findings.filter((f) => f.id === 'capture.dns.racing-answers');
    assert.deepEqual(races.map((f) => f.target).sort(), ['intranet.example', 'mail.example']);
    for (const f of races) assert.match(f.evidence, /A 198\.51\.100\.66/);
    assert.ok(r.doc.findings.some((f) => f.id === 'capture.icmp.redirect' && f.evidence.startsWith('198.18.0.66 told 198.18.0.10')));
    assert.ok(r.doc.findings.some((f) => f.id === 'capture.arp.mac-changed'));
  });

  it('a forged certificate behind arpspoof: chain invalid, certificate changed and pin mismatch; the real server is clean', async () => {
    const ca = join(dir, 'ca.pem');
    const caKey = join(dir, 'ca.key');
    const ossl = (...a: string[]) => execFileSync('openssl', a, { stdio: 'ignore' });
    ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', ca, '-subj', '/CN=Example Org Root', '-days', '3', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const key = join(dir, 'srv.key');
    const csr = join(dir, 'srv.csr');
    const cert = join(dir, 'srv.pem');
    ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=intranet.example');
    const ext = join(dir, 'ext.cnf');
    writeFileSync(ext, 'subjectAltName=DNS:intranet.example\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
    ossl('x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext);
    const fakeKey = join(dir, 'fake.key');
    const fake = join(dir, 'fake.pem');
    ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', fakeKey, '-out', fake, '-subj', '/CN=intranet.example', '-addext', 'subjectAltName=DNS:intranet.example', '-days', '2');
    const pin = `sha256/${createHash('sha256').update(new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' })).digest('base64')}`;

    const real = lan.start('gw', ['openssl', 's_server', '-accept', '443', '-tls1_2', '-cert', cert, '-key', key, '-www', '-quiet']);
    const file = join(dir, 'tls.pcap');
    const cap = await captureOnBridge(lan, file);
    await sleep(800);
    const curl = (...a: string[]) => lan.run('victim', ['curl', '-s', '-o', '/dev/null', '--max-time', '5', '--resolve', `intranet.example:443:${lan.hosts.gw!.ip}`, ...a, 'https://intranet.example/']);
    curl('--cacert', ca);
    // The attacker takes the gateway's address for itself (not answering ARP for it) and poisons the victim.
    lan.run('attacker', ['sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1']);
    lan.run('attacker', ['ip', 'addr', 'add', `${lan.hosts.gw!.ip}/32`, 'dev', 'lo']);
    const interceptor = lan.start('attacker', ['openssl', 's_server', '-accept', '443', '-tls1_2', '-cert', fake, '-key', fakeKey, '-www', '-quiet']);
    const arp = lan.start('attacker', ['arpspoof', '-i', 'eth0', '-t', lan.hosts.victim!.ip, lan.hosts.gw!.ip]);
    await sleep(3000);
    curl('-k');
    await stopped(arp);
    await stopped(interceptor);
    await stopped(real);
    lan.run('attacker', ['ip', 'addr', 'del', `${lan.hosts.gw!.ip}/32`, 'dev', 'lo']);
    await cap.stop();

    const baseline = join(dir, 'tls-baseline.yaml');
    writeFileSync(baseline, `tls:\n  intranet.example: { pins: ["${pin}"], minVersion: TLSv1.2 }\n`);
    const r = capture(file, '--ca', ca, '--baseline', baseline);
    const tls = r.doc.findings.filter((f) => f.id.startsWith('capture.tls.'));
    assert.deepEqual([...new Set(tls.map((f) => f.id))].sort(), ['capture.tls.certificate-changed', 'capture.tls.chain-invalid', 'capture.tls.pin-mismatch']);
    assert.equal(tls.filter((f) => f.id === 'capture.tls.chain-invalid').length, 1, 'only the forged chain is invalid');
    assert.match(tls.find((f) => f.id === 'capture.tls.chain-invalid')!.evidence, /CN=intranet\.example issued by CN=intranet\.example: .*self-signed/);
    assert.match(tls.find((f) => f.id === 'capture.tls.certificate-changed')!.evidence, /from CN=Example Org Root .* from CN=intranet\.example/);
    assert.deepEqual(r.doc.captures[0]!.summary.tls.map((t) => [t.sni, t.version, t.certificates]), [['intranet.example', 'TLSv1.2', 1], ['intranet.example', 'TLSv1.2', 1]]);
  });
});
