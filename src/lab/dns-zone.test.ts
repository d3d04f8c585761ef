/**
 * The lab DNS responder, sans-IO: query bytes in, response bytes out, decoded with our codecs and validated with
 * src/dns/dnssec from the zone's own trust anchor, as a client of the lab's DNS server would see them. BIND's delv
 * judges the same denials, TLSA and CAA answers over the running server in test/integration/lab-dns.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseAnchors } from '../dns/dnssec/anchors.js';
import { Validator } from '../dns/dnssec/validator.js';
import { decodeMessage, type DnsMessage } from '../dns/message.js';
import { encodeQuery } from '../dns/query.js';
import type { TlsaRdata } from '../dns/rdata.js';
import { RR_TYPES } from '../dns/types.js';
import { LAB_CA_ID, LAB_DNS_NAMES } from './dns-names.js';
import { staleSpki } from './dns.js';
import { answerLabQuery, buildLabZone, GENUINE_SPOOFED_ADDRESS, typeBitmap } from './dns-zone.js';

const secureSpki = staleSpki();
const otherSpki = staleSpki();
const zone = buildLabZone({ address: '127.0.0.1', securePort: 8443, danePort: 9443, secureSpki, staleSpki: otherSpki });

function ask(name: string, type: number, o: { dnssecOk?: boolean; transport?: 'udp' | 'tcp'; id?: number } = {}): DnsMessage {
  const q = encodeQuery(o.id ?? 4242, { name, type }, { dnssecOk: o.dnssecOk ?? true, checkingDisabled: true, recursionDesired: true });
  const a = answerLabQuery(zone, q, o.transport ?? 'tcp');
  assert.ok(a, `an answer for ${name}`);
  return decodeMessage(a);
}

/** Validate through the responder directly: the same answers the UDP/TCP server sends. */
function validate(name: string, type: number) {
  return new Validator({
    anchors: parseAnchors(zone.anchorText, 'lab'),
    ask: async (n, t) => ({ message: ask(n, t), transport: 'tcp', server: 'lab', anomalies: [] }),
  }).validate(name, type);
}

describe('lab DNS zone', () => {
  it('validates the secure name SECURE, the spoofed one BOGUS and the unsigned delegation INSECURE', async () => {
    const secure = await validate(LAB_DNS_NAMES.secure, RR_TYPES.A);
    assert.equal(secure.verdict, 'SECURE', secure.reason?.text);
    assert.deepEqual(secure.answers.map((a) => a.data), ['127.0.0.1']);
    const spoofed = await validate(LAB_DNS_NAMES.spoofed, RR_TYPES.A);
    assert.equal(spoofed.verdict, 'BOGUS');
    assert.match(spoofed.reason!.text, /does not verify/);
    const insecure = await validate(LAB_DNS_NAMES.insecure, RR_TYPES.A);
    assert.equal(insecure.verdict, 'INSECURE');
    assert.match(insecure.reason!.text, /without a DS record/);
  });

  it('serves the edited address under a signature made over the genuine one', () => {
    const m = ask(LAB_DNS_NAMES.spoofed, RR_TYPES.A);
    assert.deepEqual(m.answers.filter((r) => r.type === RR_TYPES.A).map((r) => r.data), [{ type: 'A', address: '127.0.0.1' }]);
    assert.notEqual(GENUINE_SPOOFED_ADDRESS, '127.0.0.1');
    assert.equal(m.answers.filter((r) => r.type === RR_TYPES.RRSIG).length, 1);
  });

  it('publishes signed TLSA 3 1 1 records: the secure one hashes the given key, the dane one another key', async () => {
    const secure = await validate(`_8443._tcp.${LAB_DNS_NAMES.secure}`, RR_TYPES.TLSA);
    assert.equal(secure.verdict, 'SECURE', secure.reason?.text);
    const t = secure.rdata[0] as unknown as TlsaRdata;
    assert.deepEqual([t.usage, t.selector, t.matchingType], [3, 1, 1]);
    assert.deepEqual(Buffer.from(t.data), createHash('sha256').update(secureSpki).digest());
    const dane = await validate(`_9443._tcp.${LAB_DNS_NAMES.dane}`, RR_TYPES.TLSA);
    assert.equal(dane.verdict, 'SECURE');
    assert.deepEqual(Buffer.from((dane.rdata[0] as unknown as TlsaRdata).data), createHash('sha256').update(otherSpki).digest());
  });

  it('publishes CAA allowing the lab CA at the secure name and the apex', async () => {
    for (const n of [LAB_DNS_NAMES.secure, 'lab.mitmguard.test']) {
      const r = await validate(n, RR_TYPES.CAA);
      assert.equal(r.verdict, 'SECURE');
      assert.deepEqual(r.rdata, [{ type: 'CAA', flags: 0, tag: 'issue', value: LAB_CA_ID }]);
    }
  });

  it('proves NXDOMAIN, NODATA and empty non-terminals with NSEC records that validate', async () => {
    const nx = await validate('nothing-here.lab.mitmguard.test', RR_TYPES.A);
    assert.equal(nx.verdict, 'SECURE', nx.reason?.text);
    assert.equal(nx.rcode, 'NXDOMAIN');
    const nodata = await validate(LAB_DNS_NAMES.secure, RR_TYPES.AAAA);
    assert.equal(nodata.verdict, 'SECURE', nodata.reason?.text);
    assert.equal(nodata.rcode, 'NOERROR');
    assert.deepEqual(nodata.answers, []);
    const ent = await validate(`_tcp.${LAB_DNS_NAMES.secure}`, RR_TYPES.A);
    assert.equal(ent.verdict, 'SECURE', ent.reason?.text);
    const deep = await validate(`_25._tcp.${LAB_DNS_NAMES.spoofed}`, RR_TYPES.TLSA);
    assert.equal(deep.verdict, 'SECURE', deep.reason?.text);
    assert.equal(deep.rcode, 'NXDOMAIN');
  });

  it('answers like a recursive resolver passing records through: RA set, question echoed with its case, DNSSEC records only with DO', () => {
    const withDo = ask('SeCuRe.Lab.MitmGuard.Test', RR_TYPES.A, { id: 777 });
    assert.equal(withDo.id, 777);
    assert.equal(withDo.ra, true);
    assert.equal(withDo.qr, true);
    assert.equal(withDo.questions[0]!.name, 'SeCuRe.Lab.MitmGuard.Test.');
    assert.equal(withDo.edns?.dnssecOk, true);
    assert.ok(withDo.answers.some((r) => r.type === RR_TYPES.RRSIG));
    const without = ask(LAB_DNS_NAMES.secure, RR_TYPES.A, { dnssecOk: false });
    assert.deepEqual(without.answers.map((r) => r.type), [RR_TYPES.A]);
    const nx = ask('nothing-here.lab.mitmguard.test', RR_TYPES.A, { dnssecOk: false });
    assert.deepEqual(nx.authorities.map((r) => r.type), [RR_TYPES.SOA], 'without DO the denial is the SOA alone');
  });

  it('serves the unsigned child without signatures and the DS denial from the parent, with NS and no SOA in the NSEC', () => {
    const a = ask(LAB_DNS_NAMES.insecure, RR_TYPES.A);
    assert.deepEqual(a.answers.map((r) => r.type), [RR_TYPES.A]);
    const ds = ask(LAB_DNS_NAMES.insecure, RR_TYPES.DS);
    const nsec = ds.authorities.find((r) => r.type === RR_TYPES.NSEC);
    assert.ok(nsec && nsec.data.type === 'NSEC');
    assert.ok(nsec.data.types.includes(RR_TYPES.NS));
    assert.ok(!nsec.data.types.includes(RR_TYPES.SOA) && !nsec.data.types.includes(RR_TYPES.DS));
  });

  it('refuses names outside the zone', () => {
    assert.equal(ask('www.example.com', RR_TYPES.A).rcode, 5);
    assert.equal(ask('mitmguard.test', RR_TYPES.A).rcode, 5);
  });

  it('sets TC over UDP when the answer exceeds the client\'s payload size, and sends it whole over TCP', () => {
    // 512-byte payload (no EDNS size above it): an NXDOMAIN with two NSEC proofs and their signatures does not fit.
    const q = Buffer.from(encodeQuery(1, { name: 'nothing-here.lab.mitmguard.test', type: RR_TYPES.A }, { dnssecOk: true, checkingDisabled: true, recursionDesired: true }));
    const opt = q.length - 11; // the OPT record: name (1), type (2), then the UDP size
    q.writeUInt16BE(512, opt + 3);
    const udp = decodeMessage(answerLabQuery(zone, q, 'udp')!);
    assert.equal(udp.tc, true);
    assert.deepEqual([udp.answers.length, udp.authorities.length], [0, 0]);
    const tcp = decodeMessage(answerLabQuery(zone, q, 'tcp')!);
    assert.equal(tcp.tc, false);
    assert.ok(tcp.authorities.filter((r) => r.type === RR_TYPES.NSEC).length >= 1);
    assert.ok(answerLabQuery(zone, q, 'tcp')!.length > 512);
  });

  it('answers malformed queries with FORMERR, other opcodes with NOTIMP, and ignores responses and runts', () => {
    assert.equal(answerLabQuery(zone, new Uint8Array(5), 'udp'), null);
    const good = Buffer.from(encodeQuery(9, { name: LAB_DNS_NAMES.secure, type: RR_TYPES.A }, { dnssecOk: true, checkingDisabled: true, recursionDesired: true }));
    const truncated = good.subarray(0, good.length - 3);
    assert.equal(decodeMessage(answerLabQuery(zone, truncated, 'udp')!).rcode, 1);
    const notify = Buffer.from(good);
    notify[2] = (notify[2]! & 0x87) | (4 << 3);
    assert.equal(decodeMessage(answerLabQuery(zone, notify, 'udp')!).rcode, 4);
    const response = Buffer.from(good);
    response[2]! |= 0x80;
    assert.equal(answerLabQuery(zone, response, 'udp'), null);
    assert.equal(decodeMessage(answerLabQuery(zone, new Uint8Array(600), 'udp')!).rcode, 1, 'oversized query');
  });

  it('never throws on mutated queries (bounded: 2000 seeded mutants)', () => {
    const seed = Buffer.from(encodeQuery(9, { name: `_8443._tcp.${LAB_DNS_NAMES.secure}`, type: RR_TYPES.TLSA }, { dnssecOk: true, checkingDisabled: true, recursionDesired: true }));
    let answered = 0;
    for (let i = 0; i < 2000; i++) {
      const m = Buffer.from(seed);
      for (let k = 0; k < 1 + (i % 4); k++) m[randomInt(m.length)] = randomInt(256);
      const out = answerLabQuery(zone, m, i % 2 ? 'udp' : 'tcp');
      if (out) assert.doesNotThrow(() => decodeMessage(out), `mutant ${m.toString('hex')}`), answered++;
    }
    assert.ok(answered > 1000, `only ${answered} of 2000 mutants were answered: the decode check above barely ran`);
  });

  it('encodes NSEC type bitmaps as RFC 4034 §4.1.2 does, across windows', () => {
    assert.deepEqual([...typeBitmap([RR_TYPES.A, RR_TYPES.RRSIG, RR_TYPES.NSEC])], [0, 6, 0x40, 0, 0, 0, 0, 0x03]);
    assert.deepEqual([...typeBitmap([RR_TYPES.CAA])], [1, 1, 0x40]);
  });
});
