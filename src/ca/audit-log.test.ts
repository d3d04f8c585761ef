import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainRecord, foldState, verifyChain, type AuditRecord } from './audit-log.js';

const t = new Date('2026-01-01T00:00:00Z');
function log(): AuditRecord[] {
  const out: AuditRecord[] = [];
  const add = (e: Parameters<typeof chainRecord>[1]) => out.push(chainRecord(out.at(-1), e, t, 'tester'));
  add({ type: 'init', root: 'r', intermediate: 'i', responder: 'o' });
  add({ type: 'issue', serial: '01', profile: 'server', subject: 'CN=a', names: ['dns:a'], notBefore: t.toISOString(), notAfter: t.toISOString(), fingerprint: 'f', keyAlgorithm: 'ec-prime256v1' });
  add({ type: 'revoke', serial: '01', reason: 'keyCompromise' });
  add({ type: 'crl', crlNumber: 3, revoked: 1, nextUpdate: t.toISOString() });
  return out;
}
const text = (rs: AuditRecord[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('an untouched log verifies and folds into the CA state', () => {
  const v = verifyChain(text(log()));
  assert.equal(v.ok, true);
  const s = foldState(v.records);
  assert.equal(s.issued.get('01')?.revoked?.reason, 'keyCompromise');
  assert.equal(s.lastCrlNumber, 3);
});

test('an edited, removed or reordered line breaks the chain at that line', () => {
  const edited = text(log()).replace('keyCompromise', 'superseded');
  assert.deepEqual(verifyChain(edited).brokenAt?.line, 3);
  const rs = log();
  assert.deepEqual(verifyChain(text([rs[0]!, rs[2]!, rs[3]!])).brokenAt?.line, 2);
  assert.deepEqual(verifyChain(text([rs[0]!, rs[2]!, rs[1]!, rs[3]!])).brokenAt?.line, 2);
  // Re-hashing an edited line does not help: the line after it no longer chains to it.
  const forged = log();
  forged[2] = chainRecord(forged[1], { type: 'revoke', serial: '01', reason: 'superseded' }, t, 'tester');
  assert.equal(verifyChain(text(forged)).brokenAt?.line, 4);
  assert.equal(verifyChain('not json\n').brokenAt?.line, 1);
});

test('a garbled log is a verdict, never a crash (seeded mutations)', () => {
  const base = text(log());
  let seed = 3;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 2000; i++) {
    const chars = [...base];
    for (let j = 0; j < 1 + rand(4); j++) chars[rand(chars.length)] = String.fromCharCode(rand(128));
    const v = verifyChain(chars.join(''));
    assert.equal(typeof v.ok, 'boolean');
    if (!v.ok) assert.ok(v.brokenAt && v.brokenAt.line >= 1);
  }
  for (const odd of ['null\n', '[]\n', '"x"\n', '{"hash":1}\n', '{}\n']) assert.equal(verifyChain(odd).ok, false, odd);
});
