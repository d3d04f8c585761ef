import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describeSecret, newRunSalt, redactCredentials, redactRequestTarget, redactSecret, scrubClientText, scrubToken } from './redact.js';

const TOKEN = 'mgc0ffee1234abcd';

test('a redacted secret keeps a run-keyed HMAC and a length range, not a hash a guess can be checked against', () => {
  const salt = newRunSalt();
  const r = redactSecret('hunter2', undefined, salt);
  assert.deepEqual(r.lengthRange, [1, 8]);
  assert.equal(r.hmac.length, 16);
  assert.equal(JSON.stringify(r).includes('hunter2'), false);
  assert.equal(createHash('sha256').update('hunter2').digest('hex').includes(r.hmac), false, 'not the unsalted SHA-256');
  assert.equal(redactSecret('hunter2', undefined, salt).hmac, r.hmac, 'comparable within one run');
  assert.notEqual(redactSecret('hunter2', undefined, newRunSalt()).hmac, r.hmac, 'not across runs');
  assert.deepEqual(redactSecret('x'.repeat(20), undefined, salt).lengthRange, [17, 32]);
});

test('the canary token is found inside a larger secret', () => {
  const salt = newRunSalt();
  assert.equal(redactSecret('user:mg-abc123', 'mg-abc123', salt).containsToken, true);
  assert.equal(redactSecret('user:other', 'mg-abc123', salt).containsToken, false);
  assert.equal(redactSecret('anything', '', salt).containsToken, false);
});

test('the evidence line for a secret never contains the secret or its exact length', () => {
  const line = describeSecret(redactSecret('s3cret-value', 's3cret', newRunSalt()));
  assert.match(line, /\(redacted, 9–16 bytes, run hmac [0-9a-f]{8}…, holds the canary token\)/);
  assert.equal(line.includes('s3cret'), false);
});

test('the token is scrubbed from client text in every encoding: plain, base64 (Basic), base64url, hex, percent', () => {
  const basic = Buffer.from(`admin:${TOKEN}`).toString('base64');
  const stderr = [
    `> authorization: Basic ${basic}`,
    `token ${TOKEN} and ${Buffer.from(TOKEN).toString('hex')} and ${Buffer.from(TOKEN).toString('hex').toUpperCase()}`,
    `jwt ${Buffer.from(`{"sub":"${TOKEN}"}`).toString('base64url')}`,
    `url /?t=${[...TOKEN].map((c) => '%' + c.charCodeAt(0).toString(16)).join('')}`,
    `base64 at an offset ${Buffer.from(`xy${TOKEN}`).toString('base64')}`,
  ].join('\n');
  const scrubbed = scrubToken(stderr, TOKEN);
  assert.equal(scrubbed.includes(TOKEN), false);
  assert.equal(scrubbed.includes(basic), false);
  for (const line of scrubbed.split('\n')) assert.match(line, /<token>/, line);
  // And nothing that merely looks like base64 is lost.
  assert.equal(scrubToken('curl: (7) Failed to connect to localhost port 443', TOKEN), 'curl: (7) Failed to connect to localhost port 443');
});

test('credentials in a command template or a client log are redacted, placeholders kept', () => {
  assert.equal(redactCredentials('curl -u admin:hunter2 https://x/'), 'curl -u admin:<redacted> https://x/');
  assert.equal(redactCredentials('curl https://admin:hunter2@x/'), 'curl https://admin:<redacted>@x/');
  assert.equal(redactCredentials('redis-cli -a hunter2 --pass s3cret -p 6379 GET k'), 'redis-cli -a <redacted> --pass <redacted> -p 6379 GET k');
  assert.equal(redactCredentials('PGPASSWORD=hunter2 psql "host=x password=s3cret"'), 'PGPASSWORD=<redacted> psql "host=x password=<redacted>"');
  assert.equal(redactCredentials("curl -H 'Authorization: Bearer abc.def' x"), "curl -H 'Authorization: Bearer <redacted> x");
  assert.equal(redactCredentials('curl -u audit:{token} {url}'), 'curl -u audit:{token} {url}');
  assert.equal(scrubClientText(`x -u admin:${TOKEN} ok`, TOKEN, 600), 'x -u admin:<redacted> ok');
});

test('query values are hidden in request targets', () => {
  assert.equal(redactRequestTarget('/login?user=a&pw=b&flag'), '/login?user=<redacted>&pw=<redacted>&flag');
  assert.equal(redactRequestTarget('/plain'), '/plain');
});
