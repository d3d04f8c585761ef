import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHsts, preloadBlockers } from './hsts.js';

test('HSTS with max-age, includeSubDomains and preload parses as valid and preload-eligible', () => {
  const p = parseHsts('max-age=63072000; includeSubDomains; preload');
  assert.deepEqual([p.valid, p.maxAge, p.includeSubDomains, p.preload], [true, 63072000, true, true]);
  assert.deepEqual(preloadBlockers(p, true), []);
});

test('HSTS directive names are case-insensitive and a quoted max-age is accepted (RFC 6797 §6.1)', () => {
  const p = parseHsts('MAX-AGE="31536000";INCLUDESUBDOMAINS');
  assert.equal(p.valid, true);
  assert.equal(p.maxAge, 31536000);
  assert.equal(p.includeSubDomains, true);
});

test('HSTS without max-age, with a repeated directive or a non-numeric max-age is invalid', () => {
  assert.equal(parseHsts('includeSubDomains').valid, false);
  assert.equal(parseHsts('max-age=1; max-age=2').valid, false);
  assert.equal(parseHsts('max-age=abc').valid, false);
  assert.equal(parseHsts('max-age=-5').valid, false);
  assert.equal(parseHsts('max-age="5').valid, false);
  assert.equal(parseHsts('x'.repeat(5000)).valid, false);
});

test('HSTS ignores unknown directives but notes them', () => {
  const p = parseHsts('max-age=10; report-uri=x');
  assert.equal(p.valid, true);
  assert.match(p.problems.join(), /unknown directive report-uri/);
});

test('preload blockers name each unmet requirement', () => {
  const b = preloadBlockers(parseHsts('max-age=300'), false);
  assert.equal(b.length, 4);
  assert.deepEqual(preloadBlockers(null, null), ['no valid HSTS header over HTTPS']);
});
