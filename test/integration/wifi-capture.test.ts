/**
 * `mitmguard wifi capture` on captures built frame by frame by scapy and written by scapy's wrpcap (radiotap), and the
 * same frames decoded by tshark (Wireshark's 802.11 dissector): SSID, BSSID, RSN AKMs, ciphers, MFPR/MFPC, channel,
 * signal, privacy bit, RSNXE H2E, WPS state, EAPOL message numbers and PMKIDs must agree with our decoding.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeDot11 } from '../../src/wifi/frame.js';
import { readFrames } from '../../src/wifi/read-frames.js';
import { cli, scapyCapture } from '../helpers/wifi.js';

const FIELDS = [
  'frame.number', 'wlan.fc.type_subtype', 'wlan.bssid', 'wlan.ssid', 'wlan.rsn.akms.type', 'wlan.rsn.pcs.type', 'wlan.rsn.gcs.type',
  'wlan.rsn.capabilities.mfpr', 'wlan.rsn.capabilities.mfpc', 'radiotap.channel.freq', 'radiotap.dbm_antsignal', 'wlan.fixed.capabilities.privacy',
  'wlan.ds.current_channel', 'wlan.rsnx.sae_hash_to_element', 'wps.wifi_protected_setup_state', 'wlan_rsna_eapol.keydes.msgnr', 'wlan.rsn.ie.pmkid', 'wlan.fixed.reason_code',
] as const;

function tshark(file: string): Record<(typeof FIELDS)[number], string>[] {
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  return out.replace(/\n$/, '').split('\n').map((line) => Object.fromEntries(line.split('\t').map((v, i) => [FIELDS[i]!, v])) as Record<(typeof FIELDS)[number], string>);
}

const bit = (b: boolean) => (b ? '1' : '0');
const ssidHex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

describe('wifi capture against scapy-built frames and tshark', () => {
  let dir: string;
  let inventory: string;
  let attacks: string;
  let clean: string;
  let baseline: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-wifi-'));
    inventory = scapyCapture(dir, 'inventory');
    attacks = scapyCapture(dir, 'attacks');
    clean = scapyCapture(dir, 'clean');
    baseline = join(dir, 'air.yaml');
    writeFileSync(baseline, 'networks:\n  - ssid: CorpNet\n    bssids: ["02:00:00:00:10:01"]\n    security: wpa3-personal\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const scenario of ['inventory', 'attacks'] as const) {
    it(`every frame of the ${scenario} capture decodes as tshark dissects it`, async () => {
      const file = scenario === 'inventory' ? inventory : attacks;
      const theirs = tshark(file);
      let compared = 0;
      for await (const frame of readFrames(file)) {
        const t = theirs[frame.frameNumber - 1]!;
        assert.equal(t['frame.number'], String(frame.frameNumber));
        const e = decodeDot11(frame);
        const at = `frame ${frame.frameNumber}`;
        assert.equal(String(e.radio.frequencyMhz), t['radiotap.channel.freq'], at);
        assert.equal(String(e.radio.signalDbm), t['radiotap.dbm_antsignal'], at);
        if (e.kind === 'beacon' || e.kind === 'probe-response') {
          const el = e.elements;
          assert.equal(e.bssid, t['wlan.bssid'], at);
          assert.equal(ssidHex(el.ssid ?? ''), t['wlan.ssid'], at);
          assert.equal(bit(e.privacy), t['wlan.fixed.capabilities.privacy'], at);
          assert.equal(String(el.dsChannel), t['wlan.ds.current_channel'], at);
          assert.equal((el.rsn?.akms ?? []).map((s) => s.type).join(','), t['wlan.rsn.akms.type'], at);
          assert.equal((el.rsn?.pairwiseCiphers ?? []).map((s) => s.type).join(','), t['wlan.rsn.pcs.type'], at);
          assert.equal(el.rsn?.groupCipher ? String(el.rsn.groupCipher.type) : '', t['wlan.rsn.gcs.type'], at);
          assert.equal(el.rsn?.capabilities != null ? bit(el.rsn.mfpr) : '', t['wlan.rsn.capabilities.mfpr'], at);
          assert.equal(el.rsn?.capabilities != null ? bit(el.rsn.mfpc) : '', t['wlan.rsn.capabilities.mfpc'], at);
          assert.equal(el.rsnx ? bit(el.rsnx.saeH2e) : '', t['wlan.rsnx.sae_hash_to_element'], at);
          assert.equal(el.wps?.state != null ? `0x${el.wps.state.toString(16).padStart(2, '0')}` : '', t['wps.wifi_protected_setup_state'], at);
          compared++;
        } else if (e.kind === 'eapol-key') {
          assert.equal(String(e.key.message), t['wlan_rsna_eapol.keydes.msgnr'], at);
          assert.equal(e.key.hasPmkid, t['wlan.rsn.ie.pmkid'] !== '', at);
          compared++;
        } else if (e.kind === 'deauthentication' || e.kind === 'disassociation') {
          assert.equal(String(e.reason), String(Number(t['wlan.fixed.reason_code'])), at);
          compared++;
        }
      }
      assert.ok(compared >= 20, `compared ${compared} frames`);
    });
  }

  it('the inventory names every security mode as the Wi-Fi Alliance does, in one JSON document', async () => {
    const r = await cli(['wifi', 'capture', inventory, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr); // WEP, open and TKIP are high or worse
    const doc = JSON.parse(r.stdout);
    const label = Object.fromEntries(doc.networks.map((n: { ssid: string; security: { label: string } }) => [n.ssid, n.security.label]));
    assert.deepEqual(label, {
      CafeOpen: 'open', OldWep: 'wep', LegacyWpa: 'wpa', HomeWpa2: 'wpa2-personal', HomeWpa2Pmf: 'wpa2-personal', CorpSae: 'wpa3-personal',
      CorpMixed: 'wpa3-personal-transition', CorpEap: 'wpa2-enterprise', CorpEap3: 'wpa3-enterprise', CorpSuiteB: 'wpa3-enterprise-192', CafeOwe: 'owe',
      PrinterWps: 'wpa2-personal', CorpSaeExt: 'wpa3-personal', MixedWpa: 'wpa-wpa2',
    });
    const pmf = Object.fromEntries(doc.networks.map((n: { ssid: string; security: { pmf: string } }) => [n.ssid, n.security.pmf]));
    assert.equal(pmf.HomeWpa2Pmf, 'capable');
    assert.equal(pmf.CorpSae, 'required');
    const byId = (id: string) => doc.findings.filter((f: { id: string }) => f.id === id).map((f: { target: string }) => f.target.split(' ')[0]).sort();
    assert.deepEqual(byId('wifi.network.wep'), ['OldWep']);
    assert.deepEqual(byId('wifi.network.open'), ['CafeOpen']);
    assert.deepEqual(byId('wifi.network.wps'), ['PrinterWps']);
    assert.deepEqual(byId('wifi.network.tkip'), ['LegacyWpa', 'MixedWpa']);
    assert.deepEqual(byId('wifi.network.wpa3-transition'), ['CorpMixed', 'MixedWpa']);
    assert.deepEqual(byId('wifi.network.sae-without-h2e'), ['CorpMixed']);
    assert.equal(doc.findings.filter((f: { id: string }) => f.id.startsWith('wifi.ids.')).length, 0, 'a capture of honest beacons raises no alert');
  });

  it('a clean capture of one network, with a full association and 4-way handshake, raises no alert and exits 0', async () => {
    const r = await cli(['wifi', 'capture', clean, '--baseline', baseline, '--format', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.alerts, []);
    assert.deepEqual(doc.findings, []);
    assert.equal(doc.networks[0].security.label, 'wpa3-personal');
  });

  it('the attack capture raises each alert once, naming the transmitter and the frames', async () => {
    const r = await cli(['wifi', 'capture', attacks, '--baseline', baseline, '--format', 'json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    const alerts = doc.findings.filter((f: { id: string }) => f.id.startsWith('wifi.ids.')).map((f: { id: string; target: string }) => `${f.id} ${f.target}`).sort();
    assert.deepEqual(alerts, [
      'wifi.ids.beacon-flood ' + attacks,
      'wifi.ids.deauth-flood CorpNet (02:00:00:00:10:01)',
      'wifi.ids.disassoc-flood CorpNet (02:00:00:00:10:01)',
      'wifi.ids.downgrade HomeNet (02:00:00:00:88:88)',
      'wifi.ids.evil-twin-weaker CorpNet (02:00:00:00:66:66)',
      'wifi.ids.evil-twin-weaker CorpNet (02:00:00:00:77:77)',
      'wifi.ids.karma HomeWifi (02:00:00:00:77:77)',
      'wifi.ids.pmkid-harvest Victim (02:00:00:00:99:99)',
    ]);
    const pmkid = doc.findings.find((f: { id: string }) => f.id === 'wifi.ids.pmkid-harvest');
    assert.match(pmkid.evidence, /02:00:00:00:cc:01 \(no association seen\)/);
  });

  it('without a baseline, the open twin of a WPA3 network is a security mismatch', async () => {
    const r = await cli(['wifi', 'capture', attacks, '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    const mismatch = doc.findings.filter((f: { id: string }) => f.id === 'wifi.ids.security-mismatch').map((f: { target: string }) => f.target);
    assert.ok(mismatch.includes('CorpNet (02:00:00:00:66:66)'), JSON.stringify(mismatch));
  });

  it('policy requireWpa3 makes transition mode high', async () => {
    const strict = join(dir, 'strict.yaml');
    writeFileSync(strict, 'networks:\n  - ssid: CorpMixed\npolicy:\n  requireWpa3: true\n');
    const r = await cli(['wifi', 'capture', inventory, '--baseline', strict, '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    const t = doc.findings.find((f: { id: string; target: string }) => f.id === 'wifi.network.wpa3-transition' && f.target.startsWith('CorpMixed'));
    assert.equal(t.severity, 'high');
    // With a baseline, only our own networks are judged: the neighbours' WEP and open networks are inventory only.
    assert.deepEqual([...new Set(doc.findings.map((f: { target: string }) => f.target.split(' ')[0]))], ['CorpMixed']);
    assert.equal(doc.networks.length, 14);
  });

  it("'-' reads a pcap stream from stdin and alerts on stderr while it still flows, as from tcpdump -w -", async () => {
    const bytes = readFileSync(attacks);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'wifi', 'capture', '-', '--baseline', baseline, '--format', 'json'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const firstAlert = new Promise<void>((resolve) => child.stderr.on('data', (d) => ((stderr += d), /alert: critical wifi\.ids\.evil-twin-weaker/.test(stderr) && resolve())));
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdin.write(bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await firstAlert; // raised before the rest of the capture exists
    assert.equal(stdout, '', 'the report waits for the end of the stream');
    child.stdin.end(bytes.subarray(Math.floor(bytes.length * 0.6)));
    assert.equal(await code, 1);
    clearTimeout(timer);
    const doc = JSON.parse(stdout);
    assert.equal(doc.frames.total, 150);
    assert.ok(doc.findings.some((f: { id: string }) => f.id === 'wifi.ids.pmkid-harvest'));
  });

  it('a capture cut off inside its last record is still analysed, with a warning', async () => {
    const cut = join(dir, 'cut.pcap');
    const bytes = readFileSync(attacks);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 7));
    const r = await cli(['wifi', 'capture', cut, '--baseline', baseline, '--format', 'json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.match(doc.frames.truncatedAtEnd, /truncated last record/);
    assert.match(r.stderr, /warning: .*truncated/);
    assert.ok(doc.findings.some((f: { id: string }) => f.id === 'wifi.ids.evil-twin-weaker'));
  });

  it('a pcapng file (editcap) gives the same frames and findings as the pcap it was made from', async () => {
    const ng = join(dir, 'attacks.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', attacks, ng], { timeout: 60_000 });
    const fromPcap = JSON.parse((await cli(['wifi', 'capture', attacks, '--baseline', baseline, '--format', 'json'])).stdout);
    const fromNg = JSON.parse((await cli(['wifi', 'capture', ng, '--baseline', baseline, '--format', 'json'])).stdout);
    assert.ok(fromPcap.findings.length > 0);
    assert.deepEqual(fromNg.findings.map((f: { id: string; evidence: string }) => `${f.id} ${f.evidence}`), fromPcap.findings.map((f: { id: string; evidence: string }) => `${f.id} ${f.evidence}`));
    assert.deepEqual(fromNg.frames.total ?? fromNg.frames, fromPcap.frames.total ?? fromPcap.frames);
  });

  it('a file that is not a capture, or a bad baseline, exits 2 with an error code', async () => {
    const junk = join(dir, 'junk.pcap');
    writeFileSync(junk, 'this is not a pcap file at all');
    const r = await cli(['wifi', 'capture', junk]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MG_ERR_MALFORMED/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'networks:\n  - ssid: CorpNet\n    bssids: [not-a-mac]\n');
    const b = await cli(['wifi', 'capture', clean, '--baseline', bad]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /MG_ERR_CONFIG: .*bad.yaml:3/);
  });
});
