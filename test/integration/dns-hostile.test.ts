/**
 * The client against a hostile DNS server on loopback: wrong ids, wrong 0x20 case, answers from another port,
 * racing answers, compression loops, oversized answers and truncation. The client must take only the genuine answer,
 * record every anomaly, and fail with a MitmError code — never crash or hang.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { query } from '../../src/dns/client.js';
import { encodeMessage } from '../../src/dns/encode.js';
import { decodeMessage, type DnsMessage } from '../../src/dns/message.js';
import { RR_TYPES } from '../../src/dns/types.js';
import { DNS_LIMITS } from '../../src/dns/limits.js';
import { isMitmError } from '../../src/errors.js';
import { loopbackAddress } from '../helpers/knot.js';

type Behaviour = (q: DnsMessage, raw: Buffer, reply: (b: Uint8Array) => void, other: (b: Uint8Array) => void) => void;

function answer(q: DnsMessage, address: string, over: Partial<DnsMessage> = {}): Uint8Array {
  const rdata = Uint8Array.from(address.split('.').map(Number));
  return encodeMessage({
    ...q, qr: true, aa: true, rcode: 0, edns: null, additionals: [], authorities: [],
    answers: [{ name: q.questions[0]!.name, type: RR_TYPES.A, class: 1, ttl: 60, rdata, data: { type: 'A', address } }],
    ...over,
  });
}

const swapCase = (s: string) => s.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

const BEHAVIOURS: Record<string, Behaviour> = {
  'wrong-id-first': (q, _r, reply) => {
    reply(answer({ ...q, id: (q.id + 1) & 0xffff }, '203.0.113.66'));
    setTimeout(() => reply(answer(q, '192.0.2.1')), 20);
  },
  'wrong-id-flood': (q, _r, reply) => {
    // 500 spoofed answers with wrong ids (bounded), then the genuine one.
    for (let i = 1; i <= 500; i++) reply(answer({ ...q, id: (q.id + i) & 0xffff }, '203.0.113.66'));
    setTimeout(() => reply(answer(q, '192.0.2.1')), 50);
  },
  'wrong-case': (q, _r, reply) => {
    const name = swapCase(q.questions[0]!.name);
    reply(answer({ ...q, questions: [{ ...q.questions[0]!, name }] }, '203.0.113.66'));
  },
  'other-port-first': (q, _r, reply, other) => {
    other(answer(q, '203.0.113.66'));
    setTimeout(() => reply(answer(q, '192.0.2.1')), 20);
  },
  racing: (q, _r, reply) => {
    reply(answer(q, '192.0.2.1'));
    setTimeout(() => reply(answer(q, '203.0.113.66')), 10);
  },
  'compression-loop': (q, _r, reply) => {
    const b = Buffer.from(answer(q, '192.0.2.1'));
    // point the answer's owner name at itself
    const at = 12 + q.questions[0]!.name.length + 1 + 4;
    b[at] = 0xc0 | (at >> 8);
    b[at + 1] = at & 0xff;
    reply(b);
  },
  oversized: (q, _r, reply) => {
    const b = Buffer.from(answer(q, '192.0.2.1'));
    b.writeUInt16BE(0xffff, 6);
    reply(b);
  },
  truncated: (q, _r, reply) => reply(answer(q, '192.0.2.1', { tc: true, answers: [] })),
};

describe('DNS client against a hostile server', () => {
  const host = loopbackAddress();
  let udp: dgram.Socket;
  let other: dgram.Socket;
  let tcp: net.Server;
  let behaviour: Behaviour = BEHAVIOURS.racing!;
  let port = 0;

  before(async () => {
    tcp = net.createServer((s) => {
      s.on('data', (d) => {
        // The TCP side answers honestly: the truncation fallback must land here.
        const q = decodeMessage(d.subarray(2));
        const a = Buffer.from(answer(q, '192.0.2.1'));
        const len = Buffer.alloc(2);
        len.writeUInt16BE(a.length);
        s.end(Buffer.concat([len, a]));
      });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => tcp.listen(0, host, () => r()));
    port = (tcp.address() as net.AddressInfo).port;
    udp = dgram.createSocket('udp4');
    other = dgram.createSocket('udp4');
    udp.on('message', (raw, rinfo) => {
      const q = decodeMessage(raw);
      behaviour(q, raw, (b) => udp.send(b, rinfo.port, rinfo.address), (b) => other.send(b, rinfo.port, rinfo.address));
    });
    await new Promise<void>((r) => udp.bind(port, host, () => r()));
    await new Promise<void>((r) => other.bind(0, host, () => r()));
  });
  after(async () => {
    await new Promise<void>((r) => udp.close(() => r()));
    await new Promise<void>((r) => other.close(() => r()));
    await new Promise<void>((r) => tcp.close(() => r()));
  });

  const ask = (b: string, opts = {}) => {
    behaviour = BEHAVIOURS[b]!;
    return query({ host, port }, 'WwW.Example.test.', RR_TYPES.A, { timeoutMs: 1500, retries: 0, ...opts });
  };
  const address = (m: DnsMessage) => (m.answers[0]?.data as { address?: string } | undefined)?.address;

  it('ignores an answer with the wrong id, records it, and takes the genuine one', async () => {
    const r = await ask('wrong-id-first');
    assert.equal(address(r.message), '192.0.2.1');
    assert.deepEqual(r.anomalies.map((a) => a.kind), ['wrong-id']);
  });

  it('keeps at most DNS_LIMITS.maxAnomaliesPerQuery anomalies of a spoofed flood, and counts the rest', async () => {
    const r = await ask('wrong-id-flood', { timeoutMs: 5000 });
    assert.equal(address(r.message), '192.0.2.1');
    assert.equal(r.anomalies.length, DNS_LIMITS.maxAnomaliesPerQuery);
    assert.ok(r.anomalies.every((a) => a.kind === 'wrong-id'));
    assert.match(r.anomalies.at(-1)!.detail, /and \d+ more anomalies, not recorded/);
  });

  it('refuses an answer whose question does not echo the 0x20 letter case', async () => {
    await assert.rejects(ask('wrong-case'), (e) => {
      assert.ok(isMitmError(e, 'MG_ERR_TIMEOUT'));
      const anomalies = (e as { details?: { anomalies?: { kind: string }[] } }).details?.anomalies ?? [];
      assert.deepEqual(anomalies.map((a) => a.kind), ['wrong-case']);
      return true;
    });
  });

  it('ignores an answer from another source port and takes the one from the server', async () => {
    const r = await ask('other-port-first');
    assert.equal(address(r.message), '192.0.2.1');
    assert.deepEqual(r.anomalies.map((a) => a.kind), ['wrong-source']);
  });

  it('notices a second, different answer racing the first', async () => {
    const r = await ask('racing', { raceWindowMs: 300 });
    assert.equal(address(r.message), '192.0.2.1');
    assert.deepEqual(r.anomalies.map((a) => a.kind), ['racing-answer']);
  });

  it('rejects a compression loop as malformed and times out with a code, without hanging', async () => {
    await assert.rejects(ask('compression-loop'), (e) => {
      assert.ok(isMitmError(e, 'MG_ERR_TIMEOUT'));
      assert.match(JSON.stringify((e as { details?: unknown }).details), /malformed.*(loop|forward)/);
      return true;
    });
  });

  it('rejects an answer declaring 65535 records as malformed', async () => {
    await assert.rejects(ask('oversized'), (e) => isMitmError(e, 'MG_ERR_TIMEOUT') && /oversized/.test(JSON.stringify((e as { details?: unknown }).details)));
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const r = await ask('truncated');
    assert.equal(r.transport, 'tcp');
    assert.equal(address(r.message), '192.0.2.1');
  });

  it('uses a different random id and source port for each query', async () => {
    const seen = new Set<string>();
    behaviour = (q, _raw, reply) => reply(answer(q, '192.0.2.1'));
    const ids: string[] = [];
    udp.removeAllListeners('message');
    udp.on('message', (raw, rinfo) => {
      const q = decodeMessage(raw);
      ids.push(`${q.id}/${rinfo.port}`);
      behaviour(q, raw, (b) => udp.send(b, rinfo.port, rinfo.address), () => {});
    });
    for (let i = 0; i < 8; i++) await query({ host, port }, 'www.example.test.', RR_TYPES.A, { timeoutMs: 1500, retries: 0 });
    for (const x of ids) seen.add(x);
    assert.equal(seen.size, 8);
    assert.ok(new Set(ids.map((x) => x.split('/')[1])).size > 1, 'source ports vary');
  });
});
