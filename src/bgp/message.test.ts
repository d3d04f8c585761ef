import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex } from '../bytes.js';
import { isMitmError } from '../errors.js';
import { flatPath, formatPath, originAs } from './attributes.js';
import { BGP_LIMITS } from './limits.js';
import {
  BgpProtocolError, decodeMessage, encodeKeepalive, encodeNotification, encodeOpen, encodeRouteRefresh, encodeUpdate, messageLength,
  type OpenMessage, type UpdateMessage,
} from './message.js';
import { formatPrefix, parsePrefix } from './prefix.js';
import { hammer } from '../../test/fuzz/mutate.js';

const MARKER = 'ffffffffffffffffffffffffffffffff';

// An OPEN laid out byte by byte after RFC 4271 §4.2 and RFC 5492 §4: version 4, My AS 23456 (AS_TRANS), hold 90,
// BGP id 192.0.2.1; capabilities multiprotocol IPv4 and IPv6 unicast (RFC 4760 §8), route refresh (RFC 2918),
// 4-octet AS 4200000001 (RFC 6793 §3), ADD-PATH IPv4 unicast receive (RFC 7911 §4), and an unknown code 99.
const OPEN_HEX = MARKER + '003d' + '01' +
  '04' + '5ba0' + '005a' + 'c0000201' + '20' +
  '02' + '1e' +
  '0104' + '00010001' +
  '0104' + '00020001' +
  '0200' +
  '4104' + 'fa56ea01' +
  '4504' + '00010101' +
  '6302' + 'abcd';

test('an OPEN with capabilities decodes to the AS, hold time, id and each capability (RFC 4271 §4.2, RFC 5492)', () => {
  const m = decodeMessage(fromHex(OPEN_HEX), { as4: false }) as OpenMessage;
  assert.equal(m.type, 'open');
  assert.equal(m.version, 4);
  assert.equal(m.myAs, 23456);
  assert.equal(m.holdTime, 90);
  assert.equal(m.bgpId, '192.0.2.1');
  assert.deepEqual(m.capabilities.multiprotocol, [{ afi: 1, safi: 1 }, { afi: 2, safi: 1 }]);
  assert.equal(m.capabilities.routeRefresh, true);
  assert.equal(m.capabilities.fourOctetAs, 4200000001);
  assert.deepEqual(m.capabilities.addPath, [{ afi: 1, safi: 1, sendReceive: 1 }]);
  assert.deepEqual(m.capabilities.other, [{ code: 99, length: 2 }]);
});

test('our OPEN decodes back to what was asked for, with AS_TRANS in My AS for a 4-byte AS', () => {
  const m = decodeMessage(encodeOpen({ asn: 4200000000, holdTime: 180, bgpId: '198.18.0.1', addPath: [{ afi: 2, safi: 1, sendReceive: 1 }], extendedMessage: true }), { as4: false }) as OpenMessage;
  assert.equal(m.myAs, 23456);
  assert.equal(m.capabilities.fourOctetAs, 4200000000);
  assert.equal(m.capabilities.extendedMessage, true);
  assert.deepEqual(m.capabilities.addPath, [{ afi: 2, safi: 1, sendReceive: 1 }]);
});

// An UPDATE after RFC 4271 §4.3 with a 2-byte AS_PATH (no 4-octet AS negotiated): withdrawn 203.0.113.128/25;
// ORIGIN IGP; AS_PATH sequence 65001 23456 then set {65010}; NEXT_HOP 192.0.2.1; COMMUNITIES 65001:100 (RFC 1997);
// AS4_PATH (RFC 6793 §3) covering the last two: sequence 4200000005 then set {65010}; LARGE_COMMUNITY
// 4200000001:1:2 (RFC 8092); NLRI 198.51.100.0/24 and 192.0.2.0/25.
const UPDATE_HEX = MARKER + '0062' + '02' +
  '0005' + '19cb007180' +
  '003d' +
  '400101' + '00' +
  '40020a' + '0202fde95ba0' + '0101fdf2' +
  '400304' + 'c0000201' +
  'c00804' + 'fde90064' +
  'c0110c' + '0201fa56ea05' + '01010000fdf2' +
  'c0200c' + 'fa56ea01' + '00000001' + '00000002' +
  '18c63364' + '19c0000200';

test('an UPDATE decodes withdrawals, attributes and NLRI, merging AS4_PATH into a 2-byte AS_PATH (RFC 6793 §4.2.3)', () => {
  const hex = UPDATE_HEX;
  const m = decodeMessage(fromHex(hex), { as4: false }) as UpdateMessage;
  assert.equal(m.type, 'update');
  assert.deepEqual(m.withdrawn.map((n) => formatPrefix(n.prefix)), ['203.0.113.128/25']);
  assert.deepEqual(m.nlri.map((n) => formatPrefix(n.prefix)), ['198.51.100.0/24', '192.0.2.0/25']);
  assert.equal(m.attributes.origin, 'IGP');
  assert.equal(m.attributes.nextHop, '192.0.2.1');
  assert.deepEqual(m.attributes.communities, [65001 * 65536 + 100]);
  assert.deepEqual(m.attributes.largeCommunities, [[4200000001, 1, 2]]);
  assert.equal(formatPath(m.attributes.asPath), '65001 4200000005 {65010}');
  assert.equal(originAs(m.attributes.asPath), undefined, 'a path ending in an AS_SET has no single origin (RFC 6811 §2)');
});

test('an IPv6 UPDATE in MP_REACH_NLRI carries the global and link-local next hop; MP_UNREACH withdraws (RFC 4760, RFC 2545)', () => {
  const bytes = encodeUpdate({
    attributes: {
      origin: 'IGP',
      asPath: [{ type: 'confed-sequence', asns: [65100] }, { type: 'sequence', asns: [65001, 4200000002] }],
      mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1', 'fe80::1'], nlri: [{ prefix: parsePrefix('2001:db8:1::/48') }] },
    },
  }, { as4: true });
  const m = decodeMessage(bytes, { as4: true }) as UpdateMessage;
  assert.deepEqual(m.attributes.mpReach?.nextHops, ['2001:db8::1', 'fe80::1']);
  assert.deepEqual(m.attributes.mpReach?.nlri.map((n) => formatPrefix(n.prefix)), ['2001:db8:1::/48']);
  assert.equal(formatPath(m.attributes.asPath), '(65100) 65001 4200000002');
  assert.deepEqual(flatPath(m.attributes.asPath), [65100, 65001, 4200000002]);
  assert.equal(originAs(m.attributes.asPath), 4200000002);
  const w = decodeMessage(encodeUpdate({ attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [{ prefix: parsePrefix('2001:db8:2::/48') }] } } }, { as4: true }), { as4: true }) as UpdateMessage;
  assert.deepEqual(w.attributes.mpUnreach?.withdrawn.map((n) => formatPrefix(n.prefix)), ['2001:db8:2::/48']);
});

test('with ADD-PATH negotiated each NLRI carries its path identifier (RFC 7911 §3)', () => {
  const addPath = () => true;
  const bytes = encodeUpdate({ attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [65001] }], nextHop: '192.0.2.1' }, nlri: [{ prefix: parsePrefix('198.51.100.0/24'), pathId: 7 }, { prefix: parsePrefix('198.51.100.0/24'), pathId: 8 }] }, { as4: true, addPath });
  const m = decodeMessage(bytes, { as4: true, addPath }) as UpdateMessage;
  assert.deepEqual(m.nlri.map((n) => n.pathId), [7, 8]);
});

test('KEEPALIVE, NOTIFICATION and ROUTE-REFRESH round-trip', () => {
  assert.deepEqual(decodeMessage(encodeKeepalive(), { as4: true }), { type: 'keepalive' });
  const n = decodeMessage(encodeNotification(6, 2, [1, 2]), { as4: true });
  assert.deepEqual(n, { type: 'notification', code: 6, subcode: 2, data: Uint8Array.from([1, 2]) });
  assert.deepEqual(decodeMessage(encodeRouteRefresh(2, 1), { as4: true }), { type: 'route-refresh', afi: 2, safi: 1, subtype: 0 });
});

function protocolError(fn: () => unknown): BgpProtocolError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BgpProtocolError, `expected a BgpProtocolError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

test('framing errors name the NOTIFICATION a session must send (RFC 4271 §6.1)', () => {
  const badMarker = fromHex('00' + MARKER.slice(2) + '001304');
  assert.deepEqual([protocolError(() => messageLength(badMarker)).notifyCode, protocolError(() => messageLength(badMarker)).notifySubcode], [1, 1]);
  const tooLong = fromHex(MARKER + '1001' + '04');
  const e = protocolError(() => messageLength(tooLong, 0, BGP_LIMITS.maxMessage));
  assert.equal(e.code, 'MG_ERR_TOO_LARGE');
  assert.deepEqual([e.notifyCode, e.notifySubcode], [1, 2]);
  assert.equal(messageLength(tooLong, 0, BGP_LIMITS.maxExtendedMessage), 4097, 'accepted after the extended-message capability');
  assert.equal(messageLength(fromHex(MARKER + '00')), 0, 'an incomplete header waits for more bytes');
  assert.equal(protocolError(() => decodeMessage(fromHex(MARKER + '001309'), { as4: true })).notifySubcode, 3, 'bad message type');
});

test('a malformed UPDATE is an UPDATE Message Error: repeated attribute, bad segment type, NLRI past the message', () => {
  const dup = fromHex(MARKER + '001f02' + '0000' + '0008' + '40010100' + '40010100');
  const e1 = protocolError(() => decodeMessage(dup, { as4: true }));
  assert.equal(e1.notifyCode, 3);
  assert.match(e1.message, /appears twice/);
  const seg = fromHex(MARKER + '001f02' + '0000' + '0008' + '40020409' + '01fde9' + '00');
  assert.equal(protocolError(() => decodeMessage(seg.subarray(0, 31), { as4: false })).notifyCode, 3);
  const nlri = fromHex(MARKER + '001a02' + '0000' + '0000' + '18c633');
  assert.equal(protocolError(() => decodeMessage(nlri, { as4: true })).notifyCode, 3);
});

test('an AS_PATH longer than the named limit is refused', () => {
  const asns = Array.from({ length: 255 }, (_, i) => 64512 + i);
  const path = Array.from({ length: 5 }, () => ({ type: 'sequence' as const, asns }));
  const bytes = encodeUpdate({ attributes: { origin: 'IGP', asPath: path, nextHop: '192.0.2.1' }, nlri: [{ prefix: parsePrefix('192.0.2.0/24') }] }, { as4: true });
  const e = protocolError(() => decodeMessage(bytes, { as4: true }));
  assert.equal(e.code, 'MG_ERR_TOO_LARGE');
});

test('2,500 mutants of real messages either decode or fail with a MitmError', () => {
  const twoByte = [fromHex(OPEN_HEX), fromHex(UPDATE_HEX)];
  const r2 = hammer(twoByte, (b) => decodeMessage(b, { as4: false }), 1000, 12);
  assert.equal(r2.crash, undefined, r2.crash);
  const seeds = [
    encodeKeepalive(), encodeNotification(6, 4), encodeRouteRefresh(1, 1),
    encodeUpdate({ attributes: { origin: 'EGP', asPath: [{ type: 'sequence', asns: [65001] }], med: 4, localPref: 100, atomicAggregate: true, aggregator: { asn: 65001, address: '192.0.2.7' }, mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [{ prefix: parsePrefix('2001:db8::/32') }] } } }, { as4: true }),
  ];
  const r = hammer(seeds, (b) => decodeMessage(b, { as4: true }), 1500, 11);
  assert.equal(r.crash, undefined, r.crash);
  assert.ok(r.ok > 0 && r.refused > 0, `both paths taken: ${r.ok} decoded, ${r.refused} refused`);
  assert.ok(isMitmError(new BgpProtocolError('x', 1, 1)));
});
