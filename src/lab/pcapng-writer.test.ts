import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureFileDecoder } from '../capture/file-format.js';
import { decodeIpv4, decodeTcp } from '../capture/packet.js';
import { encodePcapng, FrameSink, MAX_SEGMENT_PAYLOAD, TcpStreamFrames, tcpPacket } from './pcapng-writer.js';

const client = { address: '127.0.0.1', port: 40000 };
const server = { address: '127.0.0.1', port: 8080 };

/** RFC 1071: a header with its checksum in place sums to 0xffff. */
function sums(bytes: Uint8Array, initial = 0): number {
  let s = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2) s += bytes[bytes.length - 1]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

test('an IPv4/TCP packet carries its checksums (RFC 791, RFC 9293)', () => {
  const p = tcpPacket('127.0.0.1', 40000, '127.0.0.2', 25, 1001, 5001, 0x18, new TextEncoder().encode('EHLO x\r\n'), 7);
  assert.equal(sums(p.subarray(0, 20)), 0xffff);
  const tcpLen = p.length - 20;
  const pseudo = new Uint8Array([127, 0, 0, 1, 127, 0, 0, 2, 0, 6, tcpLen >> 8, tcpLen & 0xff]);
  assert.equal(sums(p.subarray(20), sums(pseudo)), 0xffff);
});

test('a stream\'s frames read back through src/capture\'s decoder: handshake, data split at the segment size, FINs, sequence numbers', () => {
  const sink = new FrameSink();
  const s = new TcpStreamFrames(sink, client, server);
  s.open(1_000_000);
  s.data(true, new Uint8Array(MAX_SEGMENT_PAYLOAD + 10).fill(0x41), 1_000_100);
  s.data(false, new Uint8Array(5).fill(0x42), 1_000_200);
  s.close(true, 1_000_300);
  s.data(true, new Uint8Array(3), 1_000_400); // after close: not recorded
  const file = encodePcapng(sink.frames, { comment: 'written by a test', interfaceName: 'test0' });
  const d = new CaptureFileDecoder();
  const frames = [...d.push(file)];
  d.end();
  assert.equal(d.format, 'pcapng');
  assert.deepEqual(d.comments.map((c) => c.text), ['written by a test']);
  assert.equal(frames.length, 3 + 2 + 1 + 3);
  assert.deepEqual(frames.map((f) => f.timestampUs), [1_000_000, 1_000_000, 1_000_000, 1_000_100, 1_000_100, 1_000_200, 1_000_300, 1_000_300, 1_000_300]);
  const seqs = frames.map((f) => {
    const ip = decodeIpv4(f.data);
    const t = decodeTcp(ip.payload);
    return [t.seq, t.ack, t.flags, t.payload.length];
  });
  assert.deepEqual(seqs, [
    [1000, 0, 0x02, 0], [5000, 1001, 0x12, 0], [1001, 5001, 0x10, 0],
    [1001, 5001, 0x18, MAX_SEGMENT_PAYLOAD], [1001 + MAX_SEGMENT_PAYLOAD, 5001, 0x18, 10],
    [5001, 1011 + MAX_SEGMENT_PAYLOAD, 0x18, 5],
    [1011 + MAX_SEGMENT_PAYLOAD, 5006, 0x11, 0], [5006, 1012 + MAX_SEGMENT_PAYLOAD, 0x11, 0], [1012 + MAX_SEGMENT_PAYLOAD, 5007, 0x10, 0],
  ]);
});

test('the sink is bounded: past its size frames are counted, not kept', () => {
  const sink = new FrameSink(4);
  const s = new TcpStreamFrames(sink, client, server);
  s.open(0);
  s.data(true, new Uint8Array(1), 1);
  s.data(false, new Uint8Array(1), 2);
  assert.equal(sink.frames.length, 4);
  assert.equal(sink.dropped, 1);
});
