/**
 * Real attacks on a LAN in network namespaces (test/helpers/netns-lan.ts), captured with tcpdump on the switch's bridge
 * and analysed by `mitmguard capture`: arpspoof (Debian dsniff), and scapy (python3-scapy) playing a rogue DHCP server,
 * mitm6 (RA + DHCPv6) and Responder (LLMNR/NBT-NS). Each attack must be reported; the same traffic without the attacker
 * must report none of it. ARP alerts are compared with arpwatch reading the same file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { captureOnBridge, canCreateNamespaces, createLan, PYTHON, ready, sleep, udpPoke, type Lan } from '../helpers/netns-lan.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scripts = join(root, 'test/data/capture');
const cli = join(root, 'bin/mitmguard.js');

interface CliResult {
  code: number;
  doc: { captures: Array<{ summary: Record<string, unknown>; findings: Array<{ id: string; target: string; evidence: string; severity: string }> }>; findings: Array<{ id: string; target: string; evidence: string }> };
}

function capture(file: string, ...args: string[]): CliResult {
  try {
    const out = execFileSync(process.execPath, [cli, 'capture', file, '--format', 'json', ...args], { encoding: 'utf8', timeout: 60_000 });
    return { code: 0, doc: JSON.parse(out) };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { code: e.status, doc: JSON.parse(e.stdout) };
  }
}
const idsOf = (r: CliResult) => [...new Set(r.doc.findings.map((f) => f.id))].sort();

async function finished(child: ReturnType<Lan['start']>): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((r) => child.once('close', r));
}

describe('real attacks on a namespace LAN, seen in the capture', { skip: !canCreateNamespaces() && 'needs root to create network namespaces' }, () => {
  let lan: Lan;
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-capture-'));
    lan = createLan('cap', [{ name: 'gw', last: 1 }, { name: 'victim', last: 10 }, { name: 'attacker', last: 66 }]);
    // Link-local multicast and broadcast out of eth0 (the namespaces have no default route).
    lan.run('victim', ['ip', 'route', 'add', '224.0.0.0/4', 'dev', 'eth0']);
  });
  after(() => {
    lan?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('arpspoof poisoning the victim\'s gateway entry is reported, agrees with arpwatch, and the clean capture is quiet', async () => {
    const clean = join(dir, 'arp-clean.pcap');
    let cap = await captureOnBridge(lan, clean);
    udpPoke(lan, 'victim', lan.hosts.gw!.ip);
    udpPoke(lan, 'gw', lan.hosts.victim!.ip);
    await cap.stop();
    const learnt = join(dir, 'learnt.yaml');
    const quiet = capture(clean, '--learn', learnt);
    assert.equal(quiet.code, 0);
    assert.deepEqual(idsOf(quiet).filter((i) => i.startsWith('capture.arp.')), []);
    const learntText = readFileSync(learnt, 'utf8');
    for (const h of [lan.hosts.gw!, lan.hosts.victim!]) assert.match(learntText, new RegExp(`ip: ${h.ip.replace(/\./g, '\\.')}\\n\\s+mac: ${h.mac}`));

    const file = join(dir, 'arpspoof.pcap');
    cap = await captureOnBridge(lan, file);
    udpPoke(lan, 'victim', lan.hosts.gw!.ip);
    const spoof = lan.start('attacker', ['arpspoof', '-i', 'eth0', '-t', lan.hosts.victim!.ip, lan.hosts.gw!.ip]);
    await sleep(9000);
    spoof.kill('SIGINT'); // arpspoof re-ARPs the real MAC on exit
    await finished(spoof);
    udpPoke(lan, 'victim', lan.hosts.gw!.ip);
    await cap.stop();

    const r = capture(file);
    assert.equal(r.code, 1);
    const changed = r.doc.findings.filter((f) => f.id === 'capture.arp.mac-changed');
    assert.ok(changed.some((f) => f.target === '198.18.0.1' && f.evidence.includes(`was at ${lan.hosts.gw!.mac}`) && f.evidence.includes(`now at ${lan.hosts.attacker!.mac}`)), JSON.stringify(changed));
    const learntRun = capture(file, '--baseline', learnt);
    assert.ok(learntRun.doc.findings.some((f) => f.id === 'capture.arp.mac-changed' && f.target === '198.18.0.1'));
    const withBaseline = join(dir, 'baseline.yaml');
    writeFileSync(withBaseline, `gateways:\n  - { ip: 198.18.0.1, mac: "${lan.hosts.gw!.mac}" }\n`);
    const judged = capture(file, '--baseline', withBaseline);
    assert.ok(judged.doc.findings.some((f) => f.id === 'capture.arp.gateway-claimed' && f.evidence.includes(lan.hosts.attacker!.mac)));

    // arpwatch on the same file: every "changed ethernet address" / "flip flop" transition is one of ours, and back.
    const dat = join(dir, 'arp.dat');
    writeFileSync(dat, '');
    const report = execFileSync('arpwatch', ['-d', '-r', file, '-f', dat, '-n', '198.18.0.0/24'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const theirs = new Set<string>();
    for (const block of report.split(/\n(?=From: )/)) {
      const subject = /Subject: (changed ethernet address|flip flop) \((\S+)\)/.exec(block);
      if (!subject) continue;
      const now = /\n\s*ethernet address: (\S+)/.exec(block)![1];
      const old = /old ethernet address: (\S+)/.exec(block)![1];
      theirs.add(`${subject[2]} ${old} ${now}`);
    }
    const ours = new Set(changed.map((f) => {
      const m = /^(\S+) was at ([0-9a-f:]+) \(frame \d+\), now at ([0-9a-f:]+)/.exec(f.evidence)!;
      return `${m[1]} ${m[2]} ${m[3]}`;
    }));
    assert.ok(theirs.size > 0, report);
    assert.deepEqual([...ours].sort(), [...theirs].sort());
  });

  it('watch sees arpspoof live on the bridge: JSON-line alerts as they happen, exit 1, drops reported', async () => {
    udpPoke(lan, 'victim', lan.hosts.gw!.ip);
    const watch = lan.start('switch', [process.execPath, cli, 'watch', '--interface', lan.bridge, '--duration', '10', '--detectors', 'arp']);
    let stdout = '';
    let stderr = '';
    watch.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    watch.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await sleep(2500);
    udpPoke(lan, 'victim', lan.hosts.gw!.ip);
    const spoof = lan.start('attacker', ['arpspoof', '-i', 'eth0', '-t', lan.hosts.victim!.ip, lan.hosts.gw!.ip]);
    await sleep(4000);
    spoof.kill('SIGINT');
    await finished(spoof);
    const code = await new Promise<number | null>((r) => (watch.exitCode !== null ? r(watch.exitCode) : watch.once('close', (c) => r(c))));
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { alert?: { id: string; target: string }; summary?: { frames: number; droppedByKernel: number | null } });
    const alerts = lines.filter((l) => l.alert).map((l) => l.alert!);
    assert.ok(alerts.some((a) => a.id === 'capture.arp.mac-changed' && a.target === '198.18.0.1'), stdout + stderr);
    const summary = lines.find((l) => l.summary)!.summary!;
    assert.ok(summary.frames > 0);
    assert.equal(typeof summary.droppedByKernel, 'number');
    assert.equal(code, 1, stderr);
  });

  it('802.1Q and QinQ tagged frames on the bridge (scapy) are decoded: the same frames, UDP flows and VLANs as tshark', async () => {
    // The kernel here has no 8021q module, so the tagged frames are crafted by scapy and captured as any others.
    const file = join(dir, 'vlan.pcap');
    const cap = await captureOnBridge(lan, file);
    lan.run('attacker', [PYTHON, join(scripts, 'vlan_frames.py'), 'eth0'], { timeoutMs: 30_000 });
    await cap.stop();
    const r = capture(file);
    const s = r.doc.captures[0]!.summary as { frames: number; flows: { udp: number }; packets: { arp: number }; skipped: Record<string, number> };
    const tsharkLines = (filter: string | null, field: string) =>
      execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', field, ...(filter ? ['-Y', filter] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter(Boolean);
    assert.equal(s.frames, tsharkLines(null, 'frame.number').length);
    assert.equal(s.flows.udp, new Set(tsharkLines('udp', 'udp.stream')).size);
    assert.deepEqual([...new Set(tsharkLines('vlan', 'vlan.id'))].sort(), ['100', '300']);
    assert.deepEqual([...new Set(tsharkLines('ieee8021ad', 'ieee8021ad.id'))], ['200']);
    assert.equal(s.packets.arp, tsharkLines('arp', 'frame.number').length);
    assert.ok(s.packets.arp >= 2 && s.flows.udp >= 2);
    assert.deepEqual(s.skipped, {});
  });

  it('a rogue DHCP server (scapy) answering the victim\'s DISCOVER is rogue against the baseline; the legitimate one is not', async () => {
    const baseline = join(dir, 'dhcp-baseline.yaml');
    writeFileSync(baseline, 'dhcpServers: [198.18.0.1]\ngateways: [{ ip: 198.18.0.1, mac: "02:00:00:00:00:01" }]\n');
    const run = async (server: string, file: string) => {
      const cap = await captureOnBridge(lan, file);
      const rogue = lan.start(server, [PYTHON, join(scripts, 'rogue_dhcp.py'), 'eth0', lan.hosts[server]!.ip, '198.18.0.50', '8']);
      await ready(rogue);
      lan.run('victim', [PYTHON, join(scripts, 'dhcp_client.py'), 'eth0', '2'], { timeoutMs: 30_000 });
      await finished(rogue);
      await cap.stop();
      return capture(file, '--baseline', baseline);
    };
    const legit = await run('gw', join(dir, 'dhcp-legit.pcap'));
    assert.deepEqual(idsOf(legit).filter((i) => i.startsWith('capture.dhcp.')), []);
    const r = await run('attacker', join(dir, 'dhcp-rogue.pcap'));
    const rogue = r.doc.findings.find((f) => f.id === 'capture.dhcp.rogue-server');
    assert.ok(rogue, JSON.stringify(r.doc.findings));
    assert.equal(rogue.target, '198.18.0.66');
    assert.match(rogue.evidence, /OFFER to 02:00:00:00:00:0a of 198\.18\.0\.50, router 198\.18\.0\.66/);
    assert.ok(r.doc.findings.some((f) => f.id === 'capture.dhcp.options-changed'));
    assert.equal(r.code, 1);
  });

  it('the mitm6 pattern (RA with RDNSS and DHCPv6 answers from the attacker) is reported', async () => {
    const file = join(dir, 'mitm6.pcap');
    const cap = await captureOnBridge(lan, file);
    const attack = lan.start('attacker', [PYTHON, join(scripts, 'mitm6.py'), 'eth0', '6']);
    await ready(attack);
    lan.run('victim', [PYTHON, join(scripts, 'dhcp6_client.py'), 'eth0', '2'], { timeoutMs: 30_000 });
    await finished(attack);
    await cap.stop();
    const baseline = join(dir, 'v6-baseline.yaml');
    writeFileSync(baseline, 'routers: ["fe80::ff:fe00:1"]\ndnsServers: ["2001:db8::1"]\n');
    const r = capture(file, '--baseline', baseline);
    const ids = idsOf(r);
    for (const id of ['capture.ipv6.dhcpv6-rogue-server', 'capture.ipv6.rogue-router', 'capture.ipv6.rdnss-injected']) assert.ok(ids.includes(id), `${id} missing from ${ids}`);
    const dhcp6 = r.doc.findings.find((f) => f.id === 'capture.ipv6.dhcpv6-rogue-server')!;
    assert.match(dhcp6.evidence, /DHCPv6 ADVERTISE from fe80::ff:fe00:42 .*DNS fe80::ff:fe00:42/);
  });

  it('Neighbor Discovery spoofing (scapy NA with override) moves the gateway\'s IPv6 address to the attacker', async () => {
    const file = join(dir, 'nd.pcap');
    const cap = await captureOnBridge(lan, file);
    udpPoke(lan, 'victim', lan.hosts.gw!.ip6);
    udpPoke(lan, 'gw', lan.hosts.victim!.ip6);
    lan.run('attacker', [PYTHON, join(scripts, 'nd_spoof.py'), 'eth0', lan.hosts.gw!.ip6, lan.hosts.victim!.ip6, '2'], { timeoutMs: 30_000 });
    await cap.stop();
    const r = capture(file);
    const moved = r.doc.findings.find((f) => f.id === 'capture.ipv6.nd-mac-changed');
    assert.ok(moved, JSON.stringify(r.doc.findings));
    assert.equal(moved.target, lan.hosts.gw!.ip6);
    assert.match(moved.evidence, new RegExp(`was at ${lan.hosts.gw!.mac} \\(frame \\d+\\), now advertised at ${lan.hosts.attacker!.mac} .*override`));
  });

  it('Responder-style LLMNR and NBT-NS poisoning (scapy) is reported; unanswered queries are not', async () => {
    const names = ['fileserver', 'wpad', 'printer'];
    const quietFile = join(dir, 'names-quiet.pcap');
    let cap = await captureOnBridge(lan, quietFile);
    lan.run('victim', [PYTHON, join(scripts, 'name_queries.py'), '198.18.0.255', ...names], { timeoutMs: 30_000 });
    await cap.stop();
    assert.deepEqual(idsOf(capture(quietFile)).filter((i) => i.startsWith('capture.names.')), []);

    const file = join(dir, 'responder.pcap');
    cap = await captureOnBridge(lan, file);
    const poisoner = lan.start('attacker', [PYTHON, join(scripts, 'responder.py'), 'eth0', lan.hosts.attacker!.ip, '20']);
    await ready(poisoner);
    lan.run('victim', [PYTHON, join(scripts, 'name_queries.py'), '198.18.0.255', ...names], { timeoutMs: 30_000 });
    poisoner.kill('SIGINT');
    await finished(poisoner);
    await cap.stop();
    const r = capture(file);
    const p = r.doc.findings.find((f) => f.id === 'capture.names.poisoner');
    assert.ok(p, JSON.stringify(r.doc.findings));
    assert.equal(p.target, '198.18.0.66');
    for (const n of names) assert.ok(p.evidence.includes(n), `${n} not in ${p.evidence}`);
    assert.match(p.evidence, /answered (LLMNR\/NBT-NS|NBT-NS\/LLMNR) queries for 3 names/);
  });
});
