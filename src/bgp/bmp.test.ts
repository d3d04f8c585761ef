import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from '../bytes.js';
import { isMitmError } from '../errors.js';
import { bmpEvents, BmpSplitter, decodeBmpMessage } from './bmp.js';
import { encodeOpen, encodeUpdate } from './message.js';
import { formatPrefix, parsePrefix } from './prefix.js';
import { hammer } from '../../test/fuzz/mutate.js';

/** RFC 7854 §4.1 common header + §4.2 per-peer header (IPv4 peer 198.18.0.9, AS 64601, id 198.18.0.9, time 1796000000.5). */
function bmp(type: number, body: Uint8Array, opts: { peerType?: number; flags?: number; perPeer?: boolean } = {}): Uint8Array {
  const pp = opts.perPeer === false ? new Uint8Array(0) : Uint8Array.from([
    opts.peerType ?? 0, opts.flags ?? 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ...new Array(12).fill(0), 198, 18, 0, 9,
    0, 0, 0xfc, 0x59, 198, 18, 0, 9,
    0x6b, 0x0c, 0xc9, 0x00, 0, 0x07, 0xa1, 0x20,
  ]);
  const len = 6 + pp.length + body.length;
  return concatBytes([Uint8Array.from([3, len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, type]), pp, body]);
}

const UPDATE = encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [64601, 64500] }], nextHop: '198.18.0.9' }, nlri: [{ prefix: parsePrefix('192.0.2.0/24') }] }, { as4: true });
const ROUTE_MONITORING = bmp(0, UPDATE);
const PEER_UP = bmp(3, concatBytes([new Uint8Array([...new Array(12).fill(0), 198, 18, 0, 1, 0, 179, 0xc3, 0x50]), encodeOpen({ asn: 64512, holdTime: 90, bgpId: '198.18.0.1' }), encodeOpen({ asn: 64601, holdTime: 90, bgpId: '198.18.0.9' })]));
const PEER_DOWN = bmp(2, Uint8Array.from([2, 0, 0]));
const INITIATION = bmp(4, concatBytes([Uint8Array.from([0, 2, 0, 4]), new TextEncoder().encode('test')]), { perPeer: false });

test('Route Monitoring decodes to the UPDATE and the peer, with the per-peer timestamp', () => {
  const m = decodeBmpMessage(ROUTE_MONITORING);
  assert.equal(m.type, 'route-monitoring');
  const events = bmpEvents(m);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.ok(e.type === 'announce');
  assert.deepEqual([formatPrefix(e.prefix), e.origin, e.peer.address, e.peer.asn, e.timestampUs], ['192.0.2.0/24', 64500, '198.18.0.9', 64601, 1796000000 * 1e6 + 500000]);
});

test('Peer Up carries both OPENs; Peer Down is a peer-down event; Initiation its TLVs', () => {
  const up = decodeBmpMessage(PEER_UP);
  assert.ok(up.type === 'peer-up');
  assert.deepEqual([up.localAddress, up.localPort, up.remotePort, up.sentOpen.capabilities.fourOctetAs, up.receivedOpen.bgpId], ['198.18.0.1', 179, 50000, 64512, '198.18.0.9']);
  assert.deepEqual(bmpEvents(decodeBmpMessage(PEER_DOWN)).map((e) => e.type), ['peer-down']);
  assert.deepEqual(decodeBmpMessage(INITIATION), { type: 'initiation', info: [{ type: 2, value: 'test' }] });
});

test('a Loc-RIB route (RFC 9069) with an empty path is originated by the router\'s AS', () => {
  const local = bmp(0, encodeUpdate({ attributes: { origin: 'IGP', asPath: [], nextHop: '0.0.0.0' }, nlri: [{ prefix: parsePrefix('198.51.100.0/24') }] }, { as4: true }), { peerType: 3 });
  const e = bmpEvents(decodeBmpMessage(local))[0]!;
  assert.ok(e.type === 'announce');
  assert.deepEqual([e.origin, e.asns, e.peer.address], [64601, [64601], '198.18.0.9']);
});

test('the splitter refuses another version and lengths past the limit; chunking does not matter', () => {
  const stream = concatBytes([INITIATION, PEER_UP, ROUTE_MONITORING, PEER_DOWN]);
  const s = new BmpSplitter();
  const got: string[] = [];
  for (let i = 0; i < stream.length; i += 3) for (const m of s.push(stream.subarray(i, i + 3))) got.push(decodeBmpMessage(m).type);
  assert.deepEqual(got, ['initiation', 'peer-up', 'route-monitoring', 'peer-down']);
  assert.throws(() => new BmpSplitter().push(Uint8Array.from([1, 0, 0, 0, 6, 4])), (e: unknown) => isMitmError(e, 'MG_ERR_UNSUPPORTED'));
  assert.throws(() => new BmpSplitter().push(Uint8Array.from([3, 0x7f, 0, 0, 0, 0])), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});

test('2,500 mutated BMP streams decode or fail with a MitmError', () => {
  const r = hammer([INITIATION, PEER_UP, ROUTE_MONITORING, PEER_DOWN], (b) => {
    for (const m of new BmpSplitter().push(b)) bmpEvents(decodeBmpMessage(m));
  }, 2500, 51);
  assert.equal(r.crash, undefined, r.crash);
  assert.ok(r.ok > 0 && r.refused > 0);
});
