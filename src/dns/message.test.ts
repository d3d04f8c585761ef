import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { isMitmError } from '../errors.js';
import { encodeMessage } from './encode.js';
import { decodeMessage } from './message.js';
import { readName } from './name.js';
import { encodeQuery } from './query.js';
import { RR_TYPES } from './types.js';

/** A compressed response as a real server would send it (dns-packet compresses repeated names). */
function sampleResponse(): Uint8Array {
  return Uint8Array.from(
    dnsPacket.encode({
      type: 'response',
      id: 4242,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [{ name: 'www.Example.test', type: 'A', class: 'IN' }],
      answers: [
        { name: 'www.Example.test', type: 'CNAME', ttl: 60, data: 'host.example.test' },
        { name: 'host.example.test', type: 'A', ttl: 60, data: '192.0.2.1' },
        { name: 'example.test', type: 'MX', ttl: 60, data: { preference: 10, exchange: 'mail.example.test' } },
        { name: 'example.test', type: 'TXT', ttl: 60, data: ['v=STSv1; id=1'] },
      ],
      authorities: [{ name: 'example.test', type: 'NS', ttl: 60, data: 'ns.example.test' }],
    }),
  );
}

const rejects = (bytes: Uint8Array, pattern?: RegExp) =>
  assert.throws(() => decodeMessage(bytes), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET') && (!pattern || pattern.test((e as Error).message)));

describe('DNS message decoder', () => {
  it('decodes a compressed response with names expanded and case preserved', () => {
    const m = decodeMessage(sampleResponse());
    assert.equal(m.id, 4242);
    assert.equal(m.aa, true);
    assert.equal(m.questions[0]!.name, 'www.Example.test.');
    assert.deepEqual(m.answers.map((a) => a.data.type), ['CNAME', 'A', 'MX', 'TXT']);
    assert.deepEqual(m.answers[0]!.data, { type: 'CNAME', target: 'host.example.test.' });
    assert.deepEqual(m.answers[2]!.data, { type: 'MX', preference: 10, exchange: 'mail.example.test.' });
    assert.deepEqual(m.answers[3]!.data, { type: 'TXT', strings: ['v=STSv1; id=1'] });
  });

  it('re-encodes a decoded message to bytes that decode to the same records', () => {
    const m = decodeMessage(sampleResponse());
    const again = decodeMessage(encodeMessage(m));
    assert.deepEqual(again.answers.map((a) => a.data), m.answers.map((a) => a.data));
  });

  it('rejects every truncation of a valid message with MG_ERR_DNS_PACKET', () => {
    const full = sampleResponse();
    for (let n = 0; n < full.length; n++) rejects(full.subarray(0, n));
  });

  it('rejects a compression pointer that points to itself (a loop)', () => {
    // header (1 question) then a name that is only a pointer to its own offset 12
    const bytes = Uint8Array.from([0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    rejects(bytes, /loop|forward/);
  });

  it('rejects a pair of pointers that point at each other', () => {
    const bytes = Uint8Array.from([0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0xc0, 16, 0xc0, 12, 0, 1, 0, 1]);
    assert.throws(() => readName(bytes, 12), (e) => isMitmError(e, 'MG_ERR_DNS_PACKET'));
  });

  it('rejects extended label types (RFC 6891 §5)', () => {
    rejects(Uint8Array.from([0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1]), /label type/);
  });

  it('rejects a name longer than 255 octets', () => {
    const labels: number[] = [];
    for (let i = 0; i < 5; i++) labels.push(63, ...new Array(63).fill(0x61));
    rejects(Uint8Array.from([0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]), /255/);
  });

  it('rejects an oversized answer that declares more records than the limit', () => {
    rejects(Uint8Array.from([0, 1, 0x81, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0]), /oversized/);
  });

  it('rejects trailing bytes after the declared records', () => {
    rejects(Uint8Array.from([...sampleResponse(), 0]), /trailing/);
  });

  it('rejects an A record whose rdata is not four octets', () => {
    const good = Uint8Array.from(dnsPacket.encode({ type: 'response', id: 1, answers: [{ name: 'a.test', type: 'A', data: '192.0.2.1' }] }));
    const bad = Uint8Array.from([...good.subarray(0, good.length - 6), 0, 5, 192, 0, 2, 1, 9]);
    rejects(bad);
  });

  it('reads EDNS0: payload size, DO bit and Extended DNS Errors', () => {
    const q = encodeQuery(7, { name: 'x.test', type: RR_TYPES.A }, { dnssecOk: true, checkingDisabled: true, recursionDesired: false });
    const m = decodeMessage(q);
    assert.equal(m.cd, true);
    assert.equal(m.rd, false);
    assert.equal(m.edns?.dnssecOk, true);
    assert.equal(m.edns?.udpSize, 1232);
    // An OPT with EDE 6 "DNSSEC Bogus" (RFC 8914)
    const opt = [0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 12, 0, 15, 0, 8, 0, 6, ...Buffer.from('bogus!')];
    const resp = Uint8Array.from([0, 7, 0x81, 0x82, 0, 0, 0, 0, 0, 0, 0, 1, ...opt]);
    const r = decodeMessage(resp);
    assert.equal(r.rcode, 2);
    assert.deepEqual(r.edns?.ede, [{ code: 6, text: 'bogus!' }]);
  });

  it('rejects two OPT records (RFC 6891 §6.1.1)', () => {
    const opt = [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0];
    rejects(Uint8Array.from([0, 7, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 2, ...opt, ...opt]), /OPT/);
  });

  it('survives random corruption: every mutated byte decodes or fails with MG_ERR_DNS_PACKET', () => {
    const full = sampleResponse();
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from(full);
      for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      try {
        decodeMessage(b);
      } catch (e) {
        assert.ok(isMitmError(e, 'MG_ERR_DNS_PACKET'), `unexpected ${(e as Error).message}`);
        refused++;
      }
    }
    // Both outcomes happen: the mutants reach the decoder's checks, and not every byte is one the decoder refuses.
    assert.ok(refused > 0 && refused < 2000, `${refused} of 2000 mutants refused`);
  });
});
