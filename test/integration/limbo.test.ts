/**
 * x509-limbo conformance: the current figures are asserted exactly, so any regression (or silent improvement that
 * should be recorded in docs/x509.md) fails CI. The suite is the copy in ../shared/x509-limbo beside the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLimboSuite, runLimboTestcase, summarise } from '../../src/x509/limbo.js';

const repo = resolve(new URL('../..', import.meta.url).pathname);
/** The suite beside the repository (CI lays shared/ there); X509_LIMBO_SUITE overrides it for other checkouts. */
const suitePath = process.env.X509_LIMBO_SUITE ?? resolve(repo, '../shared/x509-limbo/limbo.json');

/**
 * Wrongly rejected on purpose, each explained in docs/x509.md:
 * - a CA certificate as the leaf (RFC 5280 allows it; the web PKI profile, webpki::ca-as-leaf, forbids it);
 * - leaves whose CN is a host name absent from the SAN, which the suite's webpki::cn::* cases require rejecting
 *   (CABF BR §7.1.4.3) while these cases, built by the same generator, expect acceptance.
 */
const EXPECTED_WRONGLY_REJECTED = [
  'pathlen::validation-ignores-pathlen-in-leaf',
  'rfc5280::nc::permitted-dns-match-more',
  'rfc5280::nc::permitted-ipv4-match',
  'rfc5280::nc::permitted-ipv6-match',
  'webpki::nc::nc-permits-dns-san-pattern',
  'webpki::san::exact-localhost-ip-san',
  'webpki::san::leftmost-wildcard-san',
];
const EXPECTED_SKIPPED = [
  'rfc5280::aki::cross-signed-root-missing-aki',
  'rfc5280::eku::ee-without-eku',
  'rfc5280::nc::permitted-dns-match-noncritical',
  'rfc5280::ca-as-leaf',
];

test('x509-limbo: nothing is wrongly accepted, and the wrongly rejected and skipped testcases are exactly the documented ones', () => {
  const cases = parseLimboSuite(readFileSync(suitePath, 'utf8'));
  assert.equal(cases.length, 208);
  const results = cases.map(runLimboTestcase);
  const s = summarise(cases, results);
  assert.deepEqual(s.wronglyAccepted, []);
  assert.deepEqual([...s.wronglyRejected].sort(), [...EXPECTED_WRONGLY_REJECTED].sort());
  assert.deepEqual(s.skipped.map((x) => x.id).sort(), [...EXPECTED_SKIPPED].sort());
  assert.equal(s.passed, 208 - EXPECTED_WRONGLY_REJECTED.length - EXPECTED_SKIPPED.length);
  for (const x of s.skipped) assert.ok(x.reason.length > 20, `skip of ${x.id} names its reason`);
});

test('npm run limbo writes upstream harness JSON with one result per testcase', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mg-limbo-')), 'results.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/limbo.ts', '--suite', suitePath, '--out', out], { cwd: repo, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrongly accepted:\s+0/);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { version: number; harness: string; results: Array<{ id: string; actual_result: string }> };
  assert.equal(doc.version, 1);
  assert.match(doc.harness, /^mitmguard-/);
  assert.equal(doc.results.length, 208);
  assert.ok(doc.results.every((x) => ['SUCCESS', 'FAILURE', 'SKIPPED'].includes(x.actual_result)));
});
