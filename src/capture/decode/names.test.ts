import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { decodeNameMessage, decodeNetbiosName } from './names.js';

/** RFC 1001 §14.1 first-level encoding, for building test queries. */
export function netbiosEncode(name: string, suffix = 0x20): string {
  const padded = name.toUpperCase().padEnd(15, ' ') + String.fromCharCode(suffix);
  return [...padded].map((c) => String.fromCharCode(65 + (c.charCodeAt(0) >> 4), 65 + (c.charCodeAt(0) & 15))).join('');
}

describe('name messages', () => {
  it('decodes NetBIOS first-level encoded names', () => {
    assert.equal(decodeNetbiosName(netbiosEncode('FILESERVER')), 'fileserver');
  });

  it('reads an LLMNR answer through the DNS decoder', () => {
    const buf = dnsPacket.encode({ type: 'response', id: 7, flags: 0, questions: [{ type: 'A', name: 'wpad' }], answers: [{ type: 'A', name: 'wpad', ttl: 30, data: '198.18.0.66' }] });
    const m = decodeNameMessage('llmnr', buf);
    assert.deepEqual([m.response, m.questions, m.answers], [true, [{ name: 'wpad', type: 'A' }], [{ name: 'wpad', type: 'A', value: '198.18.0.66', ttl: 30 }]]);
  });

  it('reads an NBT-NS positive answer: NB flags then the address', () => {
    // RFC 1002 §4.2.13: header (response, AA), one answer: encoded name, NB (0x20), IN, TTL, RDLENGTH 6, flags, address.
    const name = netbiosEncode('FILESRV');
    const buf = Uint8Array.from([0, 9, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 32, ...Buffer.from(name), 0, 0, 0x20, 0, 1, 0, 0, 1, 0x2c, 0, 6, 0, 0, 198, 18, 0, 66]);
    const m = decodeNameMessage('nbns', buf);
    assert.deepEqual(m.answers, [{ name: 'filesrv', type: 'NB', value: '198.18.0.66', ttl: 300 }]);
  });
});
