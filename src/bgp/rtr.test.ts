import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes, fromHex } from '../bytes.js';
import { isMitmError } from '../errors.js';
import { formatVrp } from './rov.js';
import { encodeResetQuery, RtrPduSplitter, RtrResetExchange } from './rtr.js';
import { hammer } from '../../test/fuzz/mutate.js';

// PDUs laid out after RFC 8210 §5: Cache Response (session 0x1234), IPv4 Prefix announce 192.0.2.0/24-25 AS64500,
// IPv6 Prefix announce 2001:db8::/32-48 AS4200000001, IPv4 Prefix withdraw of the first, End of Data (serial 7,
// refresh 3600, retry 600, expire 7200).
const CACHE_RESPONSE = fromHex('01031234' + '00000008');
const V4 = fromHex('01040000' + '00000014' + '01181900' + 'c0000200' + '0000fbf4');
const V6 = fromHex('01060000' + '00000020' + '01203000' + '20010db8000000000000000000000000' + 'fa56ea01');
const V4_WITHDRAW = fromHex('01040000' + '00000014' + '00181900' + 'c0000200' + '0000fbf4');
const END = fromHex('01071234' + '00000018' + '00000007' + '00000e10' + '00000258' + '00001c20');

test('a Reset Query is 8 bytes: version, type 2, zero, length (RFC 8210 §5.4)', () => {
  assert.deepEqual([...encodeResetQuery()], [1, 2, 0, 0, 0, 0, 0, 8]);
});

test('a reset exchange yields the announced VRPs less the withdrawn, with serial and intervals, whatever the chunking', () => {
  const stream = concatBytes([CACHE_RESPONSE, V4, V6, END]);
  for (const size of [1, 5, 8, 1000]) {
    const s = new RtrPduSplitter();
    const ex = new RtrResetExchange();
    for (let i = 0; i < stream.length; i += size) for (const p of s.push(stream.subarray(i, i + size))) ex.feed(p);
    assert.ok(ex.done);
    assert.deepEqual(ex.result!.vrps.map(formatVrp), ['192.0.2.0/24-25 AS64500', '2001:db8::/32-48 AS4200000001']);
    assert.deepEqual([ex.result!.sessionId, ex.result!.serial, ex.result!.intervals], [0x1234, 7, { refresh: 3600, retry: 600, expire: 7200 }]);
  }
  const ex = new RtrResetExchange();
  for (const p of new RtrPduSplitter().push(concatBytes([CACHE_RESPONSE, V4, V6, V4_WITHDRAW, END]))) ex.feed(p);
  assert.deepEqual(ex.result!.vrps.map(formatVrp), ['2001:db8::/32-48 AS4200000001']);
});

test('Cache Reset, Error Report and bad PDUs are refused with a code', () => {
  const feedAll = (b: Uint8Array) => { const ex = new RtrResetExchange(); for (const p of new RtrPduSplitter().push(b)) ex.feed(p); };
  assert.throws(() => feedAll(fromHex('01080000' + '00000008')), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  const text = Buffer.from('no data');
  const err = concatBytes([fromHex('010a0002' + (16 + text.length).toString(16).padStart(8, '0') + '00000000' + text.length.toString(16).padStart(8, '0')), text]);
  assert.throws(() => feedAll(err), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL') && /error 2: no data/.test(e.message));
  assert.throws(() => feedAll(concatBytes([CACHE_RESPONSE, fromHex('01040000' + '00000014' + '01211900' + 'c0000200' + '0000fbf4')])), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED'));
  assert.throws(() => new RtrPduSplitter().push(fromHex('01040000' + '7fffffff')), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  assert.throws(() => feedAll(V4), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'), 'prefix before Cache Response');
});

test('2,500 mutated RTR streams decode or fail with a MitmError', () => {
  const r = hammer([concatBytes([CACHE_RESPONSE, V4, V6, V4_WITHDRAW, END])], (b) => {
    const ex = new RtrResetExchange();
    for (const p of new RtrPduSplitter().push(b)) ex.feed(p);
  }, 2500, 41);
  assert.equal(r.crash, undefined, r.crash);
  assert.ok(r.ok > 0 && r.refused > 0);
});
