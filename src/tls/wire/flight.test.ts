import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import { ServerFlightReader, type FlightEvent } from './flight.js';
import { encodeRecords, RecordSplitter } from './record.js';

const handshake = (type: number, body: Uint8Array) => new ByteWriter().u8(type).vector(3, (b) => b.bytes(body)).finish();

function serverHello12(suite = 0xc02f): Uint8Array {
  const body = new ByteWriter().u16(0x0303).bytes(new Uint8Array(32).fill(1)).vector(1, () => {}).u16(suite).u8(0).vector(2, (e) => e.u16(0xff01).vector(2, (x) => x.u8(0))).finish();
  return handshake(2, body);
}
const certificate = (ders: Uint8Array[]) => handshake(11, new ByteWriter().vector(3, (l) => ders.forEach((d) => l.vector(3, (x) => x.bytes(d)))).finish());
const ske = handshake(12, new ByteWriter().u8(3).u16(0x001d).vector(1, (p) => p.bytes(new Uint8Array(32))).finish());
const done = handshake(14, new Uint8Array(0));

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('server flight reader', () => {
  it('yields ServerHello, Certificate, ServerKeyExchange and ServerHelloDone from a flight fed one byte at a time', () => {
    const flight = encodeRecords(22, 0x0303, concat(serverHello12(), certificate([new Uint8Array([0x30, 0]), new Uint8Array([0x30, 1, 0])]), ske, done));
    const reader = new ServerFlightReader();
    const events: FlightEvent[] = [];
    for (const b of flight) events.push(...reader.push(Uint8Array.of(b)));
    assert.deepEqual(events.map((e) => e.type), ['serverHello', 'certificate', 'serverKeyExchange', 'serverHelloDone']);
    const cert = events[1] as Extract<FlightEvent, { type: 'certificate' }>;
    assert.equal(cert.chain.length, 2);
    assert.equal(reader.finished, true);
  });

  it('reassembles a handshake message split across records (RFC 8446 §5.1)', () => {
    const msg = serverHello12();
    const bytes = concat(encodeRecords(22, 0x0303, msg.subarray(0, 10)), encodeRecords(22, 0x0303, msg.subarray(10)));
    const events = new ServerFlightReader().push(bytes);
    assert.equal(events[0]?.type, 'serverHello');
  });

  it('ends at a fatal alert and reports it', () => {
    const events = new ServerFlightReader().push(Uint8Array.of(21, 3, 3, 0, 2, 2, 40));
    assert.equal(events.length, 1);
    assert.deepEqual(events[0], { type: 'alert', alert: { level: 2, description: 40, name: 'handshake_failure' } });
  });

  it('tolerates a few warning alerts but calls a storm of them MG_ERR_PROTOCOL', () => {
    const warning = Uint8Array.of(21, 3, 3, 0, 2, 1, 112);
    const reader = new ServerFlightReader();
    for (let i = 0; i < 4; i++) assert.deepEqual(reader.push(warning), []);
    assert.throws(() => reader.push(warning), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });

  it('rejects bytes that are not TLS records with MG_ERR_PROTOCOL', () => {
    assert.throws(() => new ServerFlightReader().push(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n')), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });

  it('rejects a handshake message declaring 16 MB with MG_ERR_TOO_LARGE before buffering it', () => {
    const header = Uint8Array.of(22, 3, 3, 0x40, 0x00, 2, 0xff, 0xff, 0xff);
    // The first (complete) 16 KiB record is enough to refuse the message.
    assert.throws(() => new ServerFlightReader().push(concat(header, new Uint8Array(0x4000 - 4))), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  });

  it('rejects a record longer than 2^14 + 2048 bytes with MG_ERR_TOO_LARGE', () => {
    assert.throws(() => new RecordSplitter().push(Uint8Array.of(22, 3, 3, 0xff, 0xff)), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  });

  it('stops buffering at the flight limit', () => {
    const splitter = new RecordSplitter(1000);
    assert.throws(() => splitter.push(new Uint8Array(1001).fill(22)), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  });

  it('rejects a first handshake message that is not a ServerHello with MG_ERR_PROTOCOL', () => {
    assert.throws(() => new ServerFlightReader().push(encodeRecords(22, 0x0303, done)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  });

  it('stops after a TLS 1.3 ServerHello: the rest is encrypted', () => {
    const body = new ByteWriter().u16(0x0303).bytes(new Uint8Array(32)).vector(1, () => {}).u16(0x1301).u8(0)
      .vector(2, (e) => e.u16(43).vector(2, (x) => x.u16(0x0304))).finish();
    const reader = new ServerFlightReader();
    const events = reader.push(concat(encodeRecords(22, 0x0303, handshake(2, body)), Uint8Array.of(23, 3, 3, 0, 3, 9, 9, 9)));
    assert.equal(events.length, 1);
    assert.equal(reader.finished, true);
  });
});
