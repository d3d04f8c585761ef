import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import type { ClientHelloOptions } from './client-hello.js';
import { encodeClientHelloBody } from './client-hello.js';
import { parseClientHello } from './client-hello-parse.js';
import { ServerFlightReader } from './flight.js';
import { checkServerHello, detectDowngrade, retryClientHello } from './hello-rules.js';
import { probeKeyShareFor } from './key-shares.js';
import { NAMED_GROUPS } from './registry.js';
import { DOWNGRADE_SENTINELS, HRR_RANDOM, parseServerHello } from './server-hello.js';

const SESSION = new Uint8Array(32).fill(9);
const TLS13_OFFER: ClientHelloOptions = {
  version: 0x0303, supportedVersions: [0x0304, 0x0303], cipherSuites: [0x1301, 0xc02f], groups: [0x001d, 0x0017, 0x0013],
  keyShares: [{ group: 0x001d, keyExchange: new Uint8Array(32) }], sessionId: SESSION,
};
const TLS12_OFFER: ClientHelloOptions = { version: 0x0303, cipherSuites: [0xc02f, 0x002f] };

interface Body { version?: number; random?: Uint8Array; sessionId?: Uint8Array; suite: number; extensions?: Array<[number, Uint8Array]> }
function body(o: Body): Uint8Array {
  const w = new ByteWriter().u16(o.version ?? 0x0303).bytes(o.random ?? new Uint8Array(32).fill(1));
  w.vector(1, (s) => s.bytes(o.sessionId ?? new Uint8Array(0))).u16(o.suite).u8(0);
  if (o.extensions) w.vector(2, (e) => o.extensions!.forEach(([t, d]) => e.u16(t).vector(2, (x) => x.bytes(d))));
  return w.finish();
}
const sv = (v: number) => Uint8Array.of(v >> 8, v & 0xff);
const share = (g: number, len: number) => new ByteWriter().u16(g).vector(2, (x) => x.bytes(new Uint8Array(len))).finish();
const hello = (o: Body) => parseServerHello(body(o));
const random = (tail: Uint8Array) => Uint8Array.from([...new Uint8Array(24).fill(3), ...tail]);

describe('ServerHello checks a client must make (RFC 8446 §4.1.3, §4.1.4, §4.2.1; RFC 5246 §7.4.1.3)', () => {
  it('accepts an honest TLS 1.3 and an honest TLS 1.2 answer', () => {
    checkServerHello(TLS13_OFFER, hello({ suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)], [51, share(0x001d, 32)]] }));
    checkServerHello(TLS12_OFFER, hello({ suite: 0x002f }));
  });

  const bogus: Array<[string, ClientHelloOptions, Body]> = [
    ['a suite not offered', TLS12_OFFER, { suite: 0x0005 }],
    ['server_version 0x0305', TLS12_OFFER, { version: 0x0305, suite: 0x002f }],
    ['supported_versions selecting 0x0305', TLS13_OFFER, { suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0305)]] }],
    ['supported_versions selecting TLS 1.2', TLS13_OFFER, { suite: 0xc02f, extensions: [[43, sv(0x0303)]] }],
    ['supported_versions to a TLS 1.2 offer', TLS12_OFFER, { suite: 0x1301, extensions: [[43, sv(0x0304)]] }],
    ['a TLS 1.3 session id that is not ours', TLS13_OFFER, { suite: 0x1301, sessionId: new Uint8Array(32), extensions: [[43, sv(0x0304)], [51, share(0x001d, 32)]] }],
    ['a key share for a group we sent no share for', TLS13_OFFER, { suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)], [51, share(0x0017, 65)]] }],
    ['an HRR for a group we already sent a share for', TLS13_OFFER, { random: HRR_RANDOM, suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)], [51, sv(0x001d)]] }],
    ['an HRR for a group not offered', TLS13_OFFER, { random: HRR_RANDOM, suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)], [51, sv(0x0018)]] }],
    ['an HRR that changes nothing', TLS13_OFFER, { random: HRR_RANDOM, suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)]] }],
  ];
  for (const [what, offer, o] of bogus) {
    it(`refuses ${what} with MG_ERR_PROTOCOL`, () => {
      assert.throws(() => checkServerHello(offer, hello(o)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL'));
    });
  }

  it('sees a downgrade only where the sentinel contradicts what was offered', () => {
    const s12 = DOWNGRADE_SENTINELS.tls12;
    const s11 = DOWNGRADE_SENTINELS.tls11;
    assert.deepEqual(detectDowngrade(TLS13_OFFER, hello({ random: random(s12), suite: 0xc02f })), { sentinel: 'tls12', offered: 0x0304, negotiated: 0x0303 });
    assert.equal(detectDowngrade(TLS13_OFFER, hello({ random: random(s11), version: 0x0302, suite: 0xc02f }))?.sentinel, 'tls11');
    // A TLS 1.3 server answering a TLS 1.2-only client sets DOWNGRD\x01 honestly.
    assert.equal(detectDowngrade(TLS12_OFFER, hello({ random: random(s12), suite: 0x002f })), null);
    assert.equal(detectDowngrade(TLS12_OFFER, hello({ random: random(s11), version: 0x0302, suite: 0x002f }))?.sentinel, 'tls11');
    assert.equal(detectDowngrade({ ...TLS12_OFFER, version: 0x0302 }, hello({ random: random(s11), version: 0x0302, suite: 0x002f })), null);
    assert.equal(detectDowngrade(TLS13_OFFER, hello({ suite: 0xc02f })), null);
  });

  it('builds the second ClientHello: one share for the asked group, the cookie echoed, the rest unchanged', () => {
    const cookie = new ByteWriter().vector(2, (c) => c.bytes(Uint8Array.of(1, 2, 3))).finish();
    const hrr = hello({ random: HRR_RANDOM, suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)], [51, sv(0x0013)], [44, cookie]] });
    checkServerHello(TLS13_OFFER, hrr);
    const next = retryClientHello(TLS13_OFFER, hrr, probeKeyShareFor);
    assert.deepEqual(next.keyShares!.map((k) => k.group), [0x0013]);
    assert.deepEqual([...next.cookie!], [1, 2, 3]);
    const parsed = parseClientHello(Uint8Array.from([1, 0, 0, 0, ...encodeClientHelloBody(next)].map((b, i, a) => (i === 3 ? a.length - 4 : b))));
    assert.deepEqual(parsed.keyShareGroups, [0x0013]);
    assert.ok(parsed.extensions.some((e) => e.type === 44));
    assert.deepEqual(parsed.cipherSuites, [...TLS13_OFFER.cipherSuites]);
  });

  it('has a well-formed probe key share of the registry length for every named group', () => {
    for (const g of NAMED_GROUPS) {
      const entry = probeKeyShareFor(g.code);
      assert.ok(entry, g.name);
      assert.equal(entry.keyExchange.length, g.keyShareLength, g.name);
    }
  });
});

describe('flight reader across a HelloRetryRequest', () => {
  const rec = (type: number, b: Uint8Array) => Uint8Array.from([type, 3, 3, b.length >> 8, b.length & 0xff, ...b]);
  const hs = (b: Uint8Array) => Uint8Array.from([2, 0, b.length >> 8, b.length & 0xff, ...b]);
  const hrr = hs(body({ random: HRR_RANDOM, suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)], [51, sv(0x0017)]] }));
  const sh = hs(body({ suite: 0x1301, sessionId: SESSION, extensions: [[43, sv(0x0304)], [51, share(0x0017, 65)]] }));

  it('keeps what follows the HRR for resume(), skips the ChangeCipherSpec and reads the real ServerHello', () => {
    const r = new ServerFlightReader();
    const first = r.push(Uint8Array.from([...rec(22, hrr), ...rec(20, Uint8Array.of(1))]));
    assert.equal(first.length, 1);
    assert.equal(first[0]!.type === 'serverHello' && first[0]!.hello.helloRetryRequest, true);
    assert.deepEqual(r.resume(), []);
    const second = r.push(rec(22, sh));
    assert.equal(second[0]!.type === 'serverHello' && second[0]!.hello.keyShareGroup, 0x0017);
    assert.equal(r.finished, true);
  });

  it('refuses a second HelloRetryRequest with MG_ERR_PROTOCOL', () => {
    const r = new ServerFlightReader();
    r.push(rec(22, hrr));
    r.resume();
    assert.throws(() => r.push(rec(22, hrr)), (e) => isMitmError(e, 'MG_ERR_PROTOCOL') && /second HelloRetryRequest/.test(e.message));
  });
});
