import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeProxyV2, PP2_SIGNATURE } from './proxy-protocol.js';

test('PROXY v2 header: signature, PROXY over TCP/IPv4, addresses, ports and the identity TLV', () => {
  const h = encodeProxyV2({ source: { address: '::ffff:192.0.2.1', port: 50000 }, destination: { address: '192.0.2.2', port: 443 }, tlsVersion: 'TLSv1.3', identity: 'spiffe://td/a' });
  assert.deepEqual(h.subarray(0, 12), PP2_SIGNATURE);
  assert.equal(h[12], 0x21);
  assert.equal(h[13], 0x11);
  assert.equal(h.readUInt16BE(14), h.length - 16);
  assert.deepEqual([...h.subarray(16, 24)], [192, 0, 2, 1, 192, 0, 2, 2]);
  assert.equal(h.readUInt16BE(24), 50000);
  assert.equal(h.readUInt16BE(26), 443);
  assert.equal(h[28], 0x20); // PP2_TYPE_SSL
  assert.ok(h.includes(Buffer.from('spiffe://td/a')));
  assert.ok(h.includes(Buffer.from('TLSv1.3')));
  const v6 = encodeProxyV2({ source: { address: '2001:db8::1', port: 1 }, destination: { address: '2001:db8::2', port: 2 } });
  assert.equal(v6[13], 0x21);
  const mixed = encodeProxyV2({ source: { address: '2001:db8::1', port: 1 }, destination: { address: '192.0.2.2', port: 2 } });
  assert.equal(mixed[12], 0x20, 'LOCAL when the families differ');
});
