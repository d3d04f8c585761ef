import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from '../bytes.js';
import { decodeMessage, encodeKeepalive, encodeOpen, encodeUpdate, type NotificationMessage, type OpenMessage } from './message.js';
import { formatPrefix, parsePrefix } from './prefix.js';
import { BgpSession, type SessionOutput } from './session.js';
import { hammer } from '../../test/fuzz/mutate.js';

const PEER_OPEN = encodeOpen({ asn: 4200000001, holdTime: 30, bgpId: '198.18.0.9', addPath: [{ afi: 1, safi: 1, sendReceive: 3 }] });
const UPDATE = encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [4200000001, 64500] }], nextHop: '198.18.0.9' }, nlri: [{ prefix: parsePrefix('192.0.2.0/24'), pathId: 1 }, { prefix: parsePrefix('192.0.2.0/24'), pathId: 2 }] }, { as4: true, addPath: () => true });

function established(): BgpSession {
  const s = new BgpSession({ localAs: 64512, bgpId: '198.18.0.1', holdTime: 90 });
  s.start(0);
  s.receive(PEER_OPEN, 1);
  s.receive(encodeKeepalive(), 2);
  assert.equal(s.state, 'established');
  return s;
}

const notification = (o: SessionOutput) => decodeMessage(o.send[o.send.length - 1]!, { as4: true }) as NotificationMessage;

test('the session opens with our capabilities, answers the OPEN with a KEEPALIVE and is established on the peer\'s', () => {
  const s = new BgpSession({ localAs: 4200000000, bgpId: '198.18.0.1', holdTime: 90 });
  const open = decodeMessage(s.start(0).send[0]!, { as4: false }) as OpenMessage;
  assert.equal(open.capabilities.fourOctetAs, 4200000000);
  assert.deepEqual(open.capabilities.addPath, [{ afi: 1, safi: 1, sendReceive: 1 }, { afi: 2, safi: 1, sendReceive: 1 }]);
  const r1 = s.receive(PEER_OPEN, 10);
  assert.equal(decodeMessage(r1.send[0]!, { as4: true }).type, 'keepalive');
  const r2 = s.receive(encodeKeepalive(), 20);
  assert.equal(r2.events[0]!.type, 'established');
  if (r2.events[0]!.type === 'established') {
    assert.equal(r2.events[0]!.holdTime, 30, 'the smaller hold time');
    assert.equal(r2.events[0]!.addPath, true);
  }
});

test('UPDATEs arrive whatever the TCP chunking, with ADD-PATH path ids; a partial message waits', () => {
  const s = established();
  const bytes = concatBytes([UPDATE, UPDATE]);
  const events = [];
  for (let i = 0; i < bytes.length; i += 7) events.push(...s.receive(bytes.subarray(i, i + 7), 100).events);
  assert.equal(events.length, 2);
  const u = events[0]!;
  assert.equal(u.type, 'update');
  if (u.type === 'update') assert.deepEqual(u.update.nlri.map((n) => `${formatPrefix(n.prefix)}#${n.pathId}`), ['192.0.2.0/24#1', '192.0.2.0/24#2']);
  assert.deepEqual(s.receive(UPDATE.subarray(0, 30), 101).events, []);
  assert.equal(s.state, 'established');
});

test('a malformed UPDATE gets an UPDATE Message Error NOTIFICATION and the session closes', () => {
  const s = established();
  const bad = Uint8Array.from(UPDATE);
  bad[23] = 0xff; // the attribute length now overruns the message
  const out = s.receive(bad, 5);
  const n = notification(out);
  assert.deepEqual([n.code, n.subcode], [3, 1]);
  assert.equal(s.state, 'closed');
  assert.equal(out.events[0]!.type, 'closed');
});

test('an oversized message gets Bad Message Length with the length as data (RFC 4271 §6.1)', () => {
  const s = new BgpSession({ localAs: 64512, bgpId: '198.18.0.1' });
  s.start(0);
  const open = encodeOpen({ asn: 64513, holdTime: 90, bgpId: '198.18.0.9' }); // no extended-message capability
  s.receive(open, 1);
  s.receive(encodeKeepalive(), 2);
  const big = new Uint8Array(19).fill(0xff);
  big[16] = 0x10; big[17] = 0x01; big[18] = 2; // 4097 bytes
  const n = notification(s.receive(big, 3));
  assert.deepEqual([n.code, n.subcode, [...n.data]], [1, 2, [0x10, 0x01]]);
});

test('wrong peer AS, bad version and the hold timer each close the session with their NOTIFICATION', () => {
  const a = new BgpSession({ localAs: 64512, bgpId: '198.18.0.1', peerAs: 64999 });
  a.start(0);
  assert.deepEqual(((n) => [n.code, n.subcode])(notification(a.receive(PEER_OPEN, 1))), [2, 2]);
  const b = new BgpSession({ localAs: 64512, bgpId: '198.18.0.1' });
  b.start(0);
  const v3 = Uint8Array.from(PEER_OPEN);
  v3[19] = 3;
  assert.deepEqual(((n) => [n.code, n.subcode])(notification(b.receive(v3, 1))), [2, 1]);
  const c = established();
  assert.equal(decodeMessage(c.tick(11_000).send[0]!, { as4: true }).type, 'keepalive', 'a keepalive every third of the hold time');
  assert.deepEqual(((n) => [n.code, n.subcode])(notification(c.tick(40_000))), [4, 0]);
  assert.equal(c.state, 'closed');
});

test('a peer never gets an UPDATE from us: every byte we send is OPEN, KEEPALIVE or NOTIFICATION', () => {
  const s = established();
  const sent = [...s.receive(UPDATE, 3).send, ...s.tick(20_000).send, ...s.stop().send];
  assert.deepEqual(sent.map((b) => decodeMessage(b, { as4: true }).type), ['keepalive', 'notification']);
});

test('2,500 mutated byte streams from a peer: the session never throws, it decodes or closes with a NOTIFICATION', () => {
  const stream = concatBytes([PEER_OPEN, encodeKeepalive(), UPDATE, UPDATE]);
  const r = hammer([stream], (b) => {
    const s = new BgpSession({ localAs: 64512, bgpId: '198.18.0.1' });
    s.start(0);
    const out = s.receive(b, 1);
    const closed = out.events.find((e) => e.type === 'closed');
    // Closed by us: our last message is the NOTIFICATION; closed by the peer's NOTIFICATION: nothing more is sent.
    if (closed?.type === 'closed' && closed.sent) assert.equal(decodeMessage(out.send[out.send.length - 1]!, { as4: true }).type, 'notification');
    assert.equal(s.state === 'closed', closed !== undefined);
  }, 2500, 31);
  assert.equal(r.crash, undefined, r.crash);
});
