import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaptureAnalyser } from './analyse.js';
import { parseBaseline } from './baseline.js';
import { CaptureFileDecoder } from './file-format.js';
import { BaselineLearner } from './learn.js';
import { arp, dhcpOffer, ether, ipv4, pcapFile, udp } from './testdata/build.js';

const GW = '02:00:00:00:00:01';
const VICTIM = '02:00:00:00:00:0a';
const EVIL = '02:00:00:00:00:66';

function run(frames: Uint8Array[], opts: ConstructorParameters<typeof CaptureAnalyser>[0]) {
  const a = new CaptureAnalyser(opts);
  const d = new CaptureFileDecoder();
  for (const f of d.push(pcapFile(frames.map((data, i) => ({ data, us: 1e15 + i * 1000 }))))) a.frame(f);
  d.end();
  return a.finish();
}

const offer = (src: string, mac: string) => ether(mac, 'ff:ff:ff:ff:ff:ff', 0x0800, ipv4(src, '255.255.255.255', 17, udp(67, 68, dhcpOffer(src, src, src))));
const reply = (eth: string, ip: string, to: string, toIp: string) => ether(eth, to, 0x0806, arp(2, eth, ip, to, toIp));

describe('learning a baseline', () => {
  it('learns hosts, the gateway (DHCP router with its ARP binding) and the DHCP server; the YAML round-trips', () => {
    const learner = new BaselineLearner(null);
    run([offer('198.18.0.1', GW), reply(GW, '198.18.0.1', VICTIM, '198.18.0.10'), reply(VICTIM, '198.18.0.10', GW, '198.18.0.1')], { salt: 's', learner });
    const b = learner.baseline();
    assert.deepEqual(b.gateways, [{ ip: '198.18.0.1', mac: GW }]);
    assert.deepEqual(b.hosts, [{ ip: '198.18.0.10', mac: VICTIM }]);
    assert.deepEqual(b.dhcpServers, ['198.18.0.1']);
    assert.deepEqual(b.dnsServers, ['198.18.0.1']);
    assert.equal(b.routers, undefined, 'no RA seen: routers judged by change, not all refused');
    assert.deepEqual(parseBaseline(learner.yaml('test')), b);
  });

  it('what was learnt catches the attack that came later: the gateway claimed and a rogue DHCP server', () => {
    const learner = new BaselineLearner(null);
    run([offer('198.18.0.1', GW), reply(GW, '198.18.0.1', VICTIM, '198.18.0.10')], { salt: 's', learner });
    const baseline = parseBaseline(learner.yaml('quiet period'));
    const r = run([reply(EVIL, '198.18.0.1', VICTIM, '198.18.0.10'), offer('198.18.0.66', EVIL)], { salt: 's', baseline });
    const ids = [...new Set(r.findings.map((f) => f.id))].sort();
    assert.deepEqual(ids, ['capture.arp.gateway-claimed', 'capture.dhcp.options-changed', 'capture.dhcp.rogue-server']);
  });

  it('does not pin an address seen at two MACs while learning', () => {
    const learner = new BaselineLearner(null);
    run([reply(GW, '198.18.0.1', VICTIM, '198.18.0.10'), reply(EVIL, '198.18.0.1', VICTIM, '198.18.0.10')], { salt: 's', learner });
    assert.deepEqual(learner.baseline().hosts, []);
  });
});
