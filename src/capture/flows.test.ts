import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowTable, type Flow, type StreamConsumer } from './flows.js';
import { CAPTURE_LIMITS } from './limits.js';
import { decodeTcp } from './packet.js';
import { ACK, FIN, PSH, SYN, tcp, text } from './testdata/build.js';

function table(limits = {}) {
  const streams = new Map<number, [string, string]>();
  const closed: Flow[] = [];
  const t = new FlowTable(
    {
      open(flow): StreamConsumer {
        streams.set(flow.id, ['', '']);
        return {
          data: (dir, bytes) => {
            streams.get(flow.id)![dir] += Buffer.from(bytes).toString('latin1');
          },
          gap: (dir) => {
            streams.get(flow.id)![dir] += '<gap>';
          },
          end: () => {},
        };
      },
      close: (flow) => closed.push(flow),
    },
    { ...CAPTURE_LIMITS, ...limits },
  );
  return { t, streams, closed };
}

const C = '198.18.0.10';
const S = '198.18.0.1';

describe('TCP reassembly', () => {
  it('delivers each direction in sequence order through reordering and retransmission, client from the SYN', () => {
    const { t, streams, closed } = table();
    const seg = (src: string, dst: string, sp: number, dp: number, seq: number, flags: number, data = '') => t.tcp(src, dst, decodeTcp(tcp(sp, dp, seq, flags, text(data))), 1, 1);
    seg(C, S, 50000, 8080, 1000, SYN);
    seg(S, C, 8080, 50000, 5000, SYN | ACK);
    seg(C, S, 50000, 8080, 1006, ACK | PSH, 'world\n');
    seg(C, S, 50000, 8080, 1001, ACK | PSH, 'hello');
    seg(C, S, 50000, 8080, 1001, ACK | PSH, 'hello');
    seg(S, C, 8080, 50000, 5001, ACK | PSH, 'ok');
    seg(C, S, 50000, 8080, 1012, FIN | ACK);
    t.finish();
    assert.deepEqual([...streams.values()], [['helloworld\n', 'ok']]);
    assert.equal(closed[0]!.client.ip, C);
    assert.equal(closed[0]!.server.port, 8080);
    assert.equal(closed[0]!.closedBy, 'fin');
  });

  it('gives up on a gap it cannot fill within the out-of-order limit and says so', () => {
    const { t, streams } = table({ maxOutOfOrderSegments: 2 });
    const seg = (seq: number, data: string) => t.tcp(C, S, decodeTcp(tcp(50000, 21, seq, ACK, text(data))), 1, 1);
    seg(100, 'a');
    for (let i = 0; i < 4; i++) seg(200 + i, String(i));
    t.finish();
    assert.deepEqual([...streams.values()][0]![0], 'a<gap>0123');
  });

  it('hands at most maxStreamBytesPerDirection to the decoder but counts every byte', () => {
    const { t, streams, closed } = table({ maxStreamBytesPerDirection: 4 });
    t.tcp(C, S, decodeTcp(tcp(50000, 80, 1, ACK, text('abcdefgh'))), 1, 1);
    t.finish();
    assert.equal([...streams.values()][0]![0], 'abcd');
    assert.equal(closed[0]!.bytes[0], 8);
  });
});

describe('flow table', () => {
  it('evicts the least recently seen flow beyond maxFlows (a million tiny flows stay bounded)', () => {
    const { t, closed } = table({ maxFlows: 100 });
    for (let i = 0; i < 10_000; i++) t.udp({ ip: C, port: 10_000 + (i % 50_000) }, { ip: S, port: 53 }, text('x'), i, i);
    assert.equal(t.size, 100);
    assert.equal(t.evicted, 9_900);
    assert.equal(closed.length, 9_900);
    assert.equal(closed[0]!.closedBy, 'evicted');
  });

  it('closes idle flows by packet time, not by the clock', () => {
    const { t, closed } = table();
    t.udp({ ip: C, port: 40000 }, { ip: S, port: 53 }, text('x'), 0, 1);
    t.udp({ ip: C, port: 40001 }, { ip: S, port: 53 }, text('x'), CAPTURE_LIMITS.udpIdleTimeoutUs + 2_000_000, 2);
    assert.deepEqual(closed.map((f) => [f.client.port, f.closedBy]), [[40000, 'idle']]);
  });
});
