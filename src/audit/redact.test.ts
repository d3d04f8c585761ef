import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describeSecret, redactRequestTarget, redactSecret, scrubToken } from './redact.js';

test('a redacted secret keeps only its SHA-256 and length', () => {
  const r = redactSecret('hunter2');
  assert.equal(r.length, 7);
  assert.equal(r.sha256, createHash('sha256').update('hunter2').digest('hex'));
  assert.equal(JSON.stringify(r).includes('hunter2'), false);
});

test('the canary token is found inside a larger secret', () => {
  assert.equal(redactSecret('user:mg-abc123', 'mg-abc123').containsToken, true);
  assert.equal(redactSecret('user:other', 'mg-abc123').containsToken, false);
  assert.equal(redactSecret('anything', '').containsToken, false);
});

test('the evidence line for a secret never contains the secret', () => {
  const line = describeSecret(redactSecret('s3cret-value', 's3cret'));
  assert.match(line, /12 bytes/);
  assert.match(line, /canary token/);
  assert.equal(line.includes('s3cret'), false);
});

test('query values are hidden in request targets and tokens are scrubbed from text', () => {
  assert.equal(redactRequestTarget('/login?user=a&pw=b&flag'), '/login?user=<redacted>&pw=<redacted>&flag');
  assert.equal(redactRequestTarget('/plain'), '/plain');
  assert.equal(scrubToken('curl: tok123 failed tok123', 'tok123'), 'curl: <token> failed <token>');
});
