import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMitmError } from '../errors.js';
import { formatPath, originAs } from '../bgp/attributes.js';
import { formatPrefix } from '../bgp/prefix.js';
import { BgpSession, type SessionOutput } from '../bgp/session.js';
import { AnnouncingSession, MAX_LAB_ROUTES } from './bgp-speaker.js';

/** Pump bytes between two sans-IO sessions until neither has anything to send (bounded). */
function pump(a: { receive(b: Uint8Array, now: number): SessionOutput }, b: { receive(b: Uint8Array, now: number): SessionOutput }, first: [SessionOutput, SessionOutput]) {
  const events: { a: SessionOutput['events']; b: SessionOutput['events'] } = { a: [...first[0].events], b: [...first[1].events] };
  let toB = first[0].send;
  let toA = first[1].send;
  for (let round = 0; round < 20 && (toA.length || toB.length); round++) {
    const nextB: Uint8Array[] = [];
    const nextA: Uint8Array[] = [];
    for (const m of toB) { const o = b.receive(m, 1000 + round); nextA.push(...o.send); events.b.push(...o.events); }
    for (const m of toA) { const o = a.receive(m, 1000 + round); nextB.push(...o.send); events.a.push(...o.events); }
    toB = nextB;
    toA = nextA;
  }
  return events;
}

test('the announcing speaker establishes with src/bgp\'s collector session and its routes arrive as UPDATEs', () => {
  const speaker = new AnnouncingSession({ localAs: 65066, bgpId: '198.18.0.3', nextHop: '127.0.0.3', routes: [{ prefix: '198.51.100.0/24', path: [65066] }, { prefix: '198.51.100.128/25', path: [65066, 65067] }] });
  const collector = new BgpSession({ localAs: 64512, bgpId: '198.18.0.1' });
  const ev = pump(speaker, collector, [speaker.start(1000), collector.start(1000)]);
  assert.equal(speaker.state, 'established');
  assert.equal(collector.state, 'established');
  const updates = ev.b.filter((e) => e.type === 'update');
  assert.equal(updates.length, 2);
  const got = updates.map((e) => (e.type === 'update' ? `${formatPrefix(e.update.nlri[0]!.prefix)} ${formatPath(e.update.attributes.asPath)} origin ${originAs(e.update.attributes.asPath)} via ${e.update.attributes.nextHop}` : ''));
  assert.deepEqual(got, ['198.51.100.0/24 65066 origin 65066 via 127.0.0.3', '198.51.100.128/25 65066 65067 origin 65067 via 127.0.0.3']);
  assert.equal(ev.a.filter((e) => e.type === 'update').length, 0, 'the collector announces nothing');
  // The routes are announced once, not again on later messages.
  assert.equal(speaker.announced, 2);
  const later = speaker.receive(new Uint8Array([...new Uint8Array(16).fill(0xff), 0, 19, 4]), 2000);
  assert.deepEqual(later.send, []);
});

test('bad routes are refused with a MitmError before any byte is sent', () => {
  const bad: Array<ConstructorParameters<typeof AnnouncingSession>[0]['routes']> = [
    [{ prefix: '2001:db8::/32', path: [65010] }],
    [{ prefix: '198.51.100.0/24', path: [65011] }],
    [{ prefix: '198.51.100.0/24', path: [] }],
    [{ prefix: 'not a prefix', path: [65010] }],
    Array.from({ length: MAX_LAB_ROUTES + 1 }, () => ({ prefix: '198.51.100.0/24', path: [65010] })),
  ];
  for (const routes of bad) {
    assert.throws(() => new AnnouncingSession({ localAs: 65010, bgpId: '198.18.0.2', nextHop: '127.0.0.2', routes }), (e: unknown) => isMitmError(e), JSON.stringify(routes).slice(0, 80));
  }
});
