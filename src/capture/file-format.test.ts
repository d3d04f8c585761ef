import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { CaptureFileDecoder } from './file-format.js';
import { cat, ether, ipv4, Pcapng, pcapFile, text, udp } from './testdata/build.js';

const pkt = (n: number) => ether('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(1000 + n, 53, text(`q${n}`))));
const T0 = 1_764_800_000_123_456;

function all(d: CaptureFileDecoder, bytes: Uint8Array, chunk = bytes.length) {
  const out = [];
  for (let o = 0; o < bytes.length; o += chunk) out.push(...d.push(bytes.subarray(o, o + chunk)).map((f) => ({ ...f, data: Uint8Array.from(f.data) })));
  d.end();
  return out;
}

describe('pcap', () => {
  for (const little of [true, false]) {
    for (const nano of [false, true]) {
      it(`reads ${little ? 'little' : 'big'}-endian ${nano ? 'nanosecond' : 'microsecond'} files with exact timestamps`, () => {
        const file = pcapFile([{ data: pkt(1), us: T0 }, { data: pkt(2), us: T0 + 1500 }], { little, nano });
        const d = new CaptureFileDecoder();
        const frames = all(d, file);
        assert.equal(d.format, 'pcap');
        assert.deepEqual(frames.map((f) => [f.frameNumber, f.timestampUs, f.linkType, f.interfaceId, f.data.length]), [[1, T0, 1, 0, pkt(1).length], [2, T0 + 1500, 1, 0, pkt(2).length]]);
        assert.deepEqual(frames[1]!.data, pkt(2));
      });
    }
  }

  it('gives the same frames whatever the chunking (one byte at a time)', () => {
    const file = pcapFile([1, 2, 3].map((n) => ({ data: pkt(n), us: T0 + n })));
    const whole = all(new CaptureFileDecoder(), file);
    const bytewise = all(new CaptureFileDecoder(), file, 1);
    assert.deepEqual(bytewise, whole);
  });

  it('remembers a record cut short at the end instead of failing', () => {
    const file = pcapFile([{ data: pkt(1), us: T0 }, { data: pkt(2), us: T0 }]);
    const d = new CaptureFileDecoder();
    const frames = all(d, file.subarray(0, file.length - 5));
    assert.equal(frames.length, 1);
    assert.equal(d.truncatedTail, true);
  });

  it('refuses a wrong magic, an empty file and an oversized record with MitmError codes', () => {
    assert.throws(() => new CaptureFileDecoder().push(text('GIF89a-not-a-capture-file')), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
    assert.throws(() => new CaptureFileDecoder().end(), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
    const file = pcapFile([{ data: pkt(1), us: T0 }]);
    const dv = new DataView(file.buffer);
    dv.setUint32(24 + 8, 0xfffffff0, true);
    assert.throws(() => new CaptureFileDecoder().push(file), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  });
});

describe('pcapng', () => {
  it('reads several interfaces with their own link types and time resolutions, SPB, ISB drops and comments', () => {
    const ng = new Pcapng()
      .shb('lab capture')
      .idb(1) // Ethernet, microseconds
      .idb(101, 9) // raw IP, nanoseconds
      .epb(0, BigInt(T0), pkt(1), 'first frame')
      .epb(1, BigInt(T0) * 1000n + 999n, ipv4('198.18.0.3', '198.18.0.4', 17, udp(5, 6, text('x'))))
      .spb(pkt(3))
      .isb(0, 10, 2);
    const d = new CaptureFileDecoder();
    const frames = all(d, ng.bytes());
    assert.equal(d.format, 'pcapng');
    assert.deepEqual(frames.map((f) => [f.frameNumber, f.interfaceId, f.linkType, f.timestampUs]), [[1, 0, 1, T0], [2, 1, 101, T0], [3, 0, 1, 0]]);
    assert.deepEqual(d.comments, [{ frameNumber: 0, text: 'lab capture' }, { frameNumber: 1, text: 'first frame' }]);
    assert.equal(d.interfaces[0]!.dropped, 2);
    assert.equal(d.interfaces[0]!.received, 10);
    assert.equal(d.interfaces[1]!.ticksPerSecond, 1e9);
  });

  it('reads a big-endian section after a little-endian one, interfaces numbered per section', () => {
    const a = new Pcapng(true).shb().idb(1).epb(0, BigInt(T0), pkt(1)).bytes();
    const b = new Pcapng(false).shb().idb(113).epb(0, BigInt(T0 + 1), cat(new Uint8Array(16), pkt(2).subarray(14))).bytes();
    const d = new CaptureFileDecoder();
    const frames = all(d, cat(a, b), 7);
    assert.deepEqual(frames.map((f) => [f.frameNumber, f.linkType, f.timestampUs]), [[1, 1, T0], [2, 113, T0 + 1]]);
    assert.equal(d.closedInterfaces.length, 1);
  });

  it('skips unknown blocks whole and refuses a 4 GiB block, a bad trailer and a packet for an undeclared interface', () => {
    const ok = new Pcapng().shb().idb(1).raw(0x0bad, new Uint8Array(8)).epb(0, 1n, pkt(1)).bytes();
    assert.equal(all(new CaptureFileDecoder(), ok).length, 1);
    const huge = cat(new Pcapng().shb().bytes(), [6, 0, 0, 0, 0xfc, 0xff, 0xff, 0xff]);
    assert.throws(() => new CaptureFileDecoder().push(huge), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
    const bad = new Pcapng().shb().idb(1).bytes();
    bad[bad.length - 4] = bad[bad.length - 4]! ^ 4;
    assert.throws(() => new CaptureFileDecoder().push(bad), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
    const orphan = new Pcapng().shb().epb(3, 1n, pkt(1)).bytes();
    assert.throws(() => new CaptureFileDecoder().push(orphan), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });
});
