import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMitmError } from '../errors.js';
import { covers, formatIpv6, formatPrefix, parseIpv4, parseIpv6, parsePrefix } from './prefix.js';

test('IPv4 addresses: dotted quads only, no leading zeros, no octet above 255', () => {
  assert.deepEqual([...parseIpv4('198.51.100.7')!], [198, 51, 100, 7]);
  for (const bad of ['256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1..2.3', '', '1.2.3.4.', 'a.b.c.d', '1.2.3.04', ' 1.2.3.4']) assert.equal(parseIpv4(bad), undefined, bad);
});

test('IPv6 text is RFC 5952: lower case, the longest zero run as ::, an IPv4-mapped tail kept dotted', () => {
  const f = (t: string) => formatIpv6(parseIpv6(t)!);
  assert.equal(f('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(f('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(f('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'the first of two equal runs');
  assert.equal(f('2001:db8:1:2:3:4:5:0'), '2001:db8:1:2:3:4:5:0', 'a single zero group is not shortened');
  assert.equal(f('::'), '::');
  assert.equal(f('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  for (const bad of ['1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', ':::']) assert.equal(parseIpv6(bad), undefined, bad);
});

test('prefixes: host bits set and lengths past the family are refused; containment', () => {
  assert.equal(formatPrefix(parsePrefix('2001:db8::/32')), '2001:db8::/32');
  assert.equal(formatPrefix(parsePrefix('192.0.2.1')), '192.0.2.1/32');
  for (const bad of ['192.0.2.1/24', '192.0.2.0/33', '2001:db8::/129', 'x/8', '192.0.2.0/']) assert.throws(() => parsePrefix(bad), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED'), bad);
  assert.ok(covers(parsePrefix('192.0.2.0/23'), parsePrefix('192.0.3.128/25')));
  assert.ok(!covers(parsePrefix('192.0.2.0/24'), parsePrefix('192.0.3.0/25')));
  assert.ok(!covers(parsePrefix('192.0.2.0/24'), parsePrefix('192.0.0.0/16')));
  assert.ok(!covers(parsePrefix('::/0'), parsePrefix('0.0.0.0/0')), 'families never cover each other');
});
