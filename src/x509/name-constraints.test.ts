import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNameConstraints, constraintDefect, MAX_NAME_CONSTRAINT_CHECKS } from './name-constraints.js';
import type { Certificate } from './certificate.js';
import type { GeneralName } from './general-name.js';
import { parseIp } from './general-name.js';

const dns = (text: string): GeneralName => ({ type: 'dns', text, bytes: new Uint8Array() });
const email = (text: string): GeneralName => ({ type: 'email', text, bytes: new Uint8Array() });
const ipNet = (addr: string, mask: string): GeneralName => ({ type: 'ip', text: addr, bytes: Uint8Array.from([...parseIp(addr)!, ...parseIp(mask)!]) });
const ip = (addr: string): GeneralName => ({ type: 'ip', text: addr, bytes: parseIp(addr)! });
/** Just enough of a certificate for name constraints: SANs and an empty subject. */
const cert = (sans: GeneralName[]): Certificate =>
  ({ ext: { subjectAltName: sans }, subject: { rdns: [], der: new Uint8Array(), key: '', text: '' } }) as unknown as Certificate;
const ok = (sans: GeneralName[], nc: { permitted?: GeneralName[]; excluded?: GeneralName[] }) =>
  checkNameConstraints(cert(sans), { permitted: nc.permitted?.map((base) => ({ base })), excluded: nc.excluded?.map((base) => ({ base })) }).ok;

test('a DNS subtree covers the name itself and names under it, not look-alike suffixes', () => {
  assert.equal(ok([dns('example.com')], { permitted: [dns('example.com')] }), true);
  assert.equal(ok([dns('a.b.example.com')], { permitted: [dns('example.com')] }), true);
  assert.equal(ok([dns('notexample.com')], { permitted: [dns('example.com')] }), false);
  assert.equal(ok([dns('x.example.com')], { excluded: [dns('example.com')] }), false);
});

test('excluded wins over permitted, and constraints of another form do not apply', () => {
  assert.equal(ok([dns('example.com')], { permitted: [dns('example.com')], excluded: [dns('example.com')] }), false);
  assert.equal(ok([dns('example.com')], { permitted: [ipNet('192.0.2.0', '255.255.255.0')] }), true);
});

test('a wildcard SAN is permitted only when all its expansions are, and excluded when any could be (CVE-2025-61727)', () => {
  assert.equal(ok([dns('*.foo.com')], { permitted: [dns('foo.com')] }), true);
  assert.equal(ok([dns('*.example.com')], { permitted: [dns('foo.example.com')] }), false);
  assert.equal(ok([dns('*.example.com')], { excluded: [dns('bar.example.com')] }), false);
  assert.equal(ok([dns('*.example.com')], { excluded: [dns('a.bar.example.com')] }), true);
});

test('IP subtrees match by mask, per address family', () => {
  assert.equal(ok([ip('192.0.2.55')], { permitted: [ipNet('192.0.2.0', '255.255.255.0')] }), true);
  assert.equal(ok([ip('192.0.3.1')], { permitted: [ipNet('192.0.2.0', '255.255.255.0')] }), false);
  assert.equal(ok([ip('::1')], { excluded: [ipNet('::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')] }), false);
});

test('email constraints: a mailbox is exact, a host matches its mailboxes, a leading period matches subdomains only', () => {
  assert.equal(ok([email('*@example.com')], { permitted: [email('*@example.com')] }), true);
  assert.equal(ok([email('user@example.com')], { permitted: [email('*@example.com')] }), false);
  assert.equal(ok([email('foo@example.com')], { permitted: [email('example.com')] }), true);
  assert.equal(ok([email('foo@mail.example.com')], { permitted: [email('.example.com')] }), true);
  assert.equal(ok([email('foo@example.com')], { permitted: [email('.example.com')] }), false);
  assert.equal(ok([email('bad@@example.com')], { permitted: [email('example.com')] }), false);
});

test('malformed constraints are refused: DNS wildcard or leading period, IP without a contiguous mask, email with two @', () => {
  assert.match(constraintDefect(dns('*.example.com')) ?? '', /not a DNS name/);
  assert.match(constraintDefect(dns('.example.com')) ?? '', /not a DNS name/);
  assert.match(constraintDefect(ip('192.0.2.1')) ?? '', /not address\+mask/);
  assert.match(constraintDefect(ipNet('192.0.2.0', '255.0.255.0')) ?? '', /not contiguous/);
  assert.match(constraintDefect(email('a@b@example.com')) ?? '', /more than one @/);
});

test('name forms mitmguard cannot evaluate fail closed only when present', () => {
  const other: GeneralName = { type: 'other', text: '1.2.3.4', bytes: new Uint8Array() };
  assert.equal(ok([other], { excluded: [other] }), false);
  assert.equal(ok([dns('example.com')], { excluded: [other] }), true);
});

test('quadratic blow-ups stop at the named limit with a failure', () => {
  const names = Array.from({ length: 300 }, (_, i) => dns(`n${i}.example.com`));
  const subtrees = Array.from({ length: Math.ceil(MAX_NAME_CONSTRAINT_CHECKS / 300) + 1 }, (_, i) => dns(`c${i}.example.org`));
  const r = checkNameConstraints(cert(names), { excluded: subtrees.map((base) => ({ base })) });
  assert.equal(r.ok, false);
  assert.match(r.reason ?? '', /exceeds the limit/);
});
