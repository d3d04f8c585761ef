import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from '../bytes.js';
import { isMitmError } from '../errors.js';
import { bgpdumpLines } from './bgpdump-format.js';
import { mrtEvents } from './events.js';
import { encodeUpdate } from './message.js';
import { decodeMrtRecord, MrtSplitter, type MrtContext, type MrtRecord } from './mrt.js';
import { encodeBgp4mpMessage, encodeBgp4mpStateChange, encodePeerIndexTable, encodeRibRecord } from './mrt-writer.js';
import { formatPrefix, parsePrefix } from './prefix.js';
import { hammer } from '../../test/fuzz/mutate.js';

const c = (hi: number, lo: number) => hi * 65536 + lo;

/** A small dump: two peers (IPv4 2-byte-AS style and IPv6 4-byte AS), IPv4 and IPv6 RIB records, an ADD-PATH RIB
 * record (RFC 8050), a state change, and BGP4MP_ET / BGP4MP MESSAGE_AS4 / MESSAGE updates. */
function sampleDump(): Uint8Array[] {
  return [
    encodePeerIndexTable(1700000000, '192.0.2.254', 'v', [{ bgpId: '192.0.2.1', address: '192.0.2.1', asn: 65001 }, { bgpId: '192.0.2.2', address: '2001:db8::2', asn: 4200000001 }]),
    encodeRibRecord(1700000000, 0, parsePrefix('198.51.100.0/24'), [
      { peerIndex: 0, originatedTime: 1699999000, attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [65001, 65002] }, { type: 'set', asns: [65010, 65011] }], nextHop: '192.0.2.1', med: 5, localPref: 100, communities: [c(65001, 100), c(65001, 7)], largeCommunities: [[4200000001, 1, 2]], atomicAggregate: true, aggregator: { asn: 65002, address: '192.0.2.9' } } },
      { peerIndex: 1, originatedTime: 1699999001, attributes: { origin: 'INCOMPLETE', asPath: [{ type: 'sequence', asns: [4200000001, 65003] }], nextHop: '192.0.2.2' } },
    ]),
    encodeRibRecord(1700000000, 1, parsePrefix('2001:db8:100::/48'), [
      { peerIndex: 1, originatedTime: 1699999002, attributes: { origin: 'EGP', asPath: [{ type: 'sequence', asns: [4200000001] }], mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::2', 'fe80::1'], nlri: [] } } },
    ]),
    encodeRibRecord(1700000000, 2, parsePrefix('203.0.113.0/25'), [
      { peerIndex: 0, originatedTime: 1699999003, pathId: 7, attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [65001] }], nextHop: '192.0.2.1' } },
    ], true),
    encodeBgp4mpStateChange({ timestamp: 1700000100, peerAs: 65001, localAs: 65000, peerAddress: '192.0.2.1', localAddress: '192.0.2.254' }, 1, 6),
    encodeBgp4mpMessage({ timestamp: 1700000101, microseconds: 123456, peerAs: 65001, localAs: 65000, peerAddress: '192.0.2.1', localAddress: '192.0.2.254' },
      encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [65001, 64999] }], nextHop: '192.0.2.1', communities: [c(65001, 5)] }, nlri: [{ prefix: parsePrefix('198.51.100.0/25') }], withdrawn: [{ prefix: parsePrefix('203.0.113.128/25') }] }, { as4: true })),
    encodeBgp4mpMessage({ timestamp: 1700000102, peerAs: 65001, localAs: 65000, peerAddress: '192.0.2.1', localAddress: '192.0.2.254', as4: false },
      encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [65001, 23456] }], as4Path: [{ type: 'sequence', asns: [4200000005] }], nextHop: '192.0.2.1' }, nlri: [{ prefix: parsePrefix('198.51.100.128/25') }] }, { as4: false })),
    encodeBgp4mpMessage({ timestamp: 1700000103, peerAs: 65001, localAs: 65000, peerAddress: '2001:db8::2', localAddress: '2001:db8::1' },
      encodeUpdate({ attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [{ prefix: parsePrefix('2001:db8:100::/48') }] } } }, { as4: true })),
    encodeBgp4mpStateChange({ timestamp: 1700000104, peerAs: 65001, localAs: 65000, peerAddress: '192.0.2.1', localAddress: '192.0.2.254' }, 6, 1),
  ];
}

function decodeAll(chunks: Iterable<Uint8Array>): MrtRecord[] {
  const s = new MrtSplitter();
  const ctx: MrtContext = {};
  const out: MrtRecord[] = [];
  for (const ch of chunks) for (const r of s.push(ch)) out.push(decodeMrtRecord(r, ctx));
  s.end();
  return out;
}

// What bgpdump 1.6.2 (`bgpdump -m`) prints for this dump; test/integration/bgp-bgpdump.test.ts compares with the real
// bgpdump on router-written files.
const EXPECTED_LINES = [
  'TABLE_DUMP2|1700000000|B|192.0.2.1|65001|198.51.100.0/24|65001 65002 {65010,65011}|IGP|192.0.2.1|100|5|65001:100 65001:7|AG|65002 192.0.2.9|',
  'TABLE_DUMP2|1700000000|B|2001:db8::2|4200000001|198.51.100.0/24|4200000001 65003|INCOMPLETE|192.0.2.2|0|0||NAG||',
  'TABLE_DUMP2|1700000000|B|2001:db8::2|4200000001|2001:db8:100::/48|4200000001|EGP|2001:db8::2|0|0||NAG||',
  'TABLE_DUMP2_AP|1700000000|B|192.0.2.1|65001|203.0.113.0/25|7|65001|IGP|192.0.2.1|0|0||NAG||',
  'BGP4MP|1700000100|STATE|192.0.2.1|65001|1|6',
  'BGP4MP_ET|1700000101.123456|W|192.0.2.1|65001|203.0.113.128/25',
  'BGP4MP_ET|1700000101.123456|A|192.0.2.1|65001|198.51.100.0/25|65001 64999|IGP|192.0.2.1|0|0|65001:5|NAG||',
  'BGP4MP|1700000102|A|192.0.2.1|65001|198.51.100.128/25|65001 4200000005|IGP|192.0.2.1|0|0||NAG||',
  'BGP4MP|1700000103|W|2001:db8::2|65001|2001:db8:100::/48',
  'BGP4MP|1700000104|STATE|192.0.2.1|65001|6|1',
];

test('a TABLE_DUMP_V2 + BGP4MP dump decodes to the routes bgpdump -m prints', () => {
  const lines = decodeAll(sampleDump()).flatMap(bgpdumpLines);
  assert.deepEqual(lines, EXPECTED_LINES);
});

test('the splitter gives the same records whatever the chunk size, one byte at a time included', () => {
  const whole = concatBytes(sampleDump());
  const expected = decodeAll([whole]).flatMap(bgpdumpLines);
  for (const size of [1, 3, 12, 13, 100, 4096]) {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size));
    assert.deepEqual(decodeAll(chunks).flatMap(bgpdumpLines), expected, `chunk size ${size}`);
  }
});

test('route events carry peer, prefix, path, origin and the record time; a session leaving Established is peer-down', () => {
  const events = decodeAll(sampleDump()).flatMap(mrtEvents);
  const first = events[0]!;
  assert.equal(first.type, 'announce');
  if (first.type !== 'announce') return;
  assert.equal(formatPrefix(first.prefix), '198.51.100.0/24');
  assert.deepEqual(first.peer, { address: '192.0.2.1', asn: 65001 });
  assert.equal(first.origin, undefined, 'ends in an AS_SET');
  assert.equal(first.timestampUs, 1700000000 * 1e6);
  const et = events.find((e) => e.type === 'announce' && e.source === 'update')!;
  assert.equal(et.timestampUs, 1700000101 * 1e6 + 123456);
  assert.deepEqual(events.filter((e) => e.type === 'withdraw').map((e) => formatPrefix(e.prefix)), ['203.0.113.128/25', '2001:db8:100::/48']);
  assert.deepEqual(events.filter((e) => e.type === 'peer-down').map((e) => e.timestampUs), [1700000104 * 1e6]);
});

test('bad MRT input is refused with a code: RIB before its peer table, a record cut short, a length past the limit', () => {
  const [pit, rib] = sampleDump();
  assert.throws(() => decodeAll([rib!]), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED') && /PEER_INDEX_TABLE/.test(e.message));
  assert.throws(() => decodeAll([concatBytes([pit!, rib!.subarray(0, rib!.length - 3)])]), (e: unknown) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  const huge = Uint8Array.from(pit!);
  huge.set([0x7f, 0xff, 0xff, 0xff], 8);
  assert.throws(() => new MrtSplitter().push(huge), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  const badPeer = encodeRibRecord(1, 0, parsePrefix('192.0.2.0/24'), [{ peerIndex: 9, originatedTime: 0, attributes: {} }]);
  assert.throws(() => decodeAll([pit!, badPeer]), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED') && /peer 9/.test(e.message));
});

test('2,500 mutants of MRT records either decode or fail with a MitmError', () => {
  const dump = sampleDump();
  const pit = dump[0]!;
  const r = hammer(dump, (b) => {
    const ctx: MrtContext = {};
    decodeMrtRecord(pit, ctx);
    const s = new MrtSplitter(1 << 16);
    for (const rec of s.push(b)) decodeMrtRecord(rec, ctx);
    s.end();
  }, 2500, 21);
  assert.equal(r.crash, undefined, r.crash);
  assert.ok(r.ok > 0 && r.refused > 0, `both paths taken: ${r.ok} decoded, ${r.refused} refused`);
});
