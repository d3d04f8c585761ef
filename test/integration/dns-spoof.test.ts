/**
 * Spoofed answers against a signed zone, played by real servers on loopback: a man in the middle relaying knotd's
 * answers with the signatures stripped (unsigned copy), with an edited address under the original signature, and a
 * second knotd serving the same zones re-signed with an attacker's keys. mitmguard and delv must both call them
 * BOGUS, and comparing resolvers must show the difference.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalogue } from '../../src/checks/catalogue.js';
import { queryValidated } from '../../src/dns/query-validated.js';
import { parseAnchors } from '../../src/dns/dnssec/anchors.js';
import { probeName } from '../../src/dns/probe.js';
import { compareResolvers } from '../../src/dns/spoof.js';
import { RR_TYPES } from '../../src/dns/types.js';
import { delvVerdict, editAddress, passThrough, runDelv, startKnot, startSpoofProxy, stripSignatures, type KnotServer, type SpoofProxy, type ZoneSpec } from '../helpers/knot.js';

const ZONES: ZoneSpec[] = [
  { name: 'test.', signing: 'ecdsa', records: [] },
  { name: 'ec.test.', signing: 'ecdsa', records: ['www A 192.0.2.1', 'other A 192.0.2.2'] },
  { name: 'many.test.', signing: 'ecdsa', nsec3: { optOut: false, iterations: 200 }, records: ['www A 192.0.2.3'] },
];

describe('spoofed answers for a signed zone', () => {
  let real: KnotServer;
  let attacker: KnotServer;
  let stripped: SpoofProxy;
  let edited: SpoofProxy;
  let relay: SpoofProxy;
  let editedMany: SpoofProxy;

  before(async () => {
    real = await startKnot(ZONES);
    attacker = await startKnot(ZONES);
    stripped = await startSpoofProxy(real, stripSignatures('www.ec.test.'));
    edited = await startSpoofProxy(real, editAddress('www.ec.test.', '203.0.113.66'));
    relay = await startSpoofProxy(real, passThrough);
    editedMany = await startSpoofProxy(real, editAddress('www.many.test.', '203.0.113.66'));
  });
  after(async () => {
    await stripped?.stop();
    await edited?.stop();
    await relay?.stop();
    await editedMany?.stop();
    await real?.stop();
    await attacker?.stop();
  });

  const anchors = () => parseAnchors(real.anchorText, 'real anchor');
  const via = (s: { host: string; port: number }) => ({ servers: { default: { host: s.host, port: s.port }, zones: [] }, anchors: anchors(), query: { timeoutMs: 5000 } });
  /** delv pointed at a spoofing server, trusting the real anchor. */
  const delvVia = async (s: { host: string; port: number }, name: string) => delvVerdict(await runDelv({ bindAnchorFile: real.bindAnchorFile, host: s.host, port: s.port }, name, 'A'));

  it('accepts the genuine answer as SECURE', async () => {
    const r = await queryValidated('www.ec.test.', RR_TYPES.A, via(real));
    assert.equal(r.verdict, 'SECURE');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.1']);
  });

  it('accepts answers relayed unchanged by the man in the middle as SECURE, as delv does (the relay itself is sound)', async () => {
    const r = await queryValidated('www.ec.test.', RR_TYPES.A, via(relay));
    assert.equal(r.verdict, 'SECURE');
    assert.equal(await delvVia(relay, 'www.ec.test'), 'SECURE');
  });

  it('calls an unsigned copy of a signed answer BOGUS (signatures missing), as delv does', async () => {
    const r = await queryValidated('www.ec.test.', RR_TYPES.A, via(stripped));
    assert.equal(r.verdict, 'BOGUS');
    assert.equal(r.reason?.edeName, 'RRSIGS_MISSING');
    assert.match(r.reason!.text, /www\.ec\.test\. [A-Z]+ has no signature, but ec\.test\. is signed/);
    assert.equal(await delvVia(stripped, 'www.ec.test'), 'BOGUS');
  });

  it('calls an edited address under the original signature BOGUS, as delv does', async () => {
    const r = await queryValidated('www.ec.test.', RR_TYPES.A, via(edited));
    assert.equal(r.verdict, 'BOGUS');
    assert.equal(r.reason?.edeName, 'DNSSEC_BOGUS');
    assert.match(r.reason!.text, /does not verify/);
    assert.equal(await delvVia(edited, 'www.ec.test'), 'BOGUS');
  });

  it('still calls an edited record BOGUS in a zone whose NSEC3 uses too many iterations to walk', async () => {
    const r = await queryValidated('www.many.test.', RR_TYPES.A, via(editedMany));
    assert.equal(r.verdict, 'BOGUS');
    assert.equal(await delvVia(editedMany, 'www.many.test'), 'BOGUS');
  });

  it('asks each zone its own server and DS questions the parent side (--server zone=ip:port)', async () => {
    // This relay refuses the DS question for ec.test.: if it went to the child's server, the chain would break.
    const isDsOfChild = (m: { questions: { name: string; type: number }[] }) => m.questions[0]?.type === RR_TYPES.DS && m.questions[0].name.toLowerCase() === 'ec.test.';
    const childOnly = await startSpoofProxy(real, (m) => (isDsOfChild(m) ? { ...m, rcode: 2, answers: [], authorities: [] } : m));
    try {
      const zones = [{ zone: 'test.', server: { host: real.host, port: real.port } }, { zone: 'ec.test.', server: { host: childOnly.host, port: childOnly.port } }];
      const r = await queryValidated('www.ec.test.', RR_TYPES.A, { servers: { default: null, zones }, anchors: anchors(), query: { timeoutMs: 5000 } });
      assert.equal(r.verdict, 'SECURE', r.reason?.text);
      const spoofedChild = [zones[0]!, { zone: 'ec.test.', server: { host: edited.host, port: edited.port } }];
      const s = await queryValidated('www.ec.test.', RR_TYPES.A, { servers: { default: null, zones: spoofedChild }, anchors: anchors(), query: { timeoutMs: 5000 } });
      assert.equal(s.verdict, 'BOGUS');
    } finally {
      await childOnly.stop();
    }
  });

  it('leaves untouched names of the relayed zone SECURE (the attack is targeted)', async () => {
    const r = await queryValidated('other.ec.test.', RR_TYPES.A, via(edited));
    assert.equal(r.verdict, 'SECURE');
  });

  it('calls a copy of the zones re-signed with attacker keys BOGUS at the anchor, as delv does', async () => {
    const r = await queryValidated('www.ec.test.', RR_TYPES.A, via(attacker));
    assert.equal(r.verdict, 'BOGUS');
    assert.match(r.reason!.text, /no DNSKEY of test\. matches the trust anchor/);
    assert.equal(await delvVia(attacker, 'www.ec.test'), 'BOGUS');
  });

  it('shows the edited answer when resolvers are compared', async () => {
    const c = await compareResolvers('www.ec.test.', RR_TYPES.A, [real, edited]);
    assert.equal(c.agree, false);
    assert.match(c.differences.join('\n'), /203\.0\.113\.66/);
  });

  it('shows signature stripping when resolvers are compared', async () => {
    const c = await compareResolvers('www.ec.test.', RR_TYPES.A, [real, stripped]);
    assert.equal(c.agree, false);
    assert.match(c.differences.join('\n'), /signatures/);
  });

  it('turns a spoofed answer into bogus and disagreement findings', async () => {
    const obs = await probeName('www.ec.test.', RR_TYPES.A, { ...via(edited), compareWith: [edited, real] });
    const ids = catalogue.run('dns-name', obs, 'www.ec.test').map((f) => f.id);
    assert.ok(ids.includes('dns.dnssec.bogus'));
    assert.ok(ids.includes('dns.spoof.resolver-disagreement'));
  });
});
