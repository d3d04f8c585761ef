import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMitmError } from '../errors.js';
import { cleanEnvironment, fillCommand, runClient } from './runner.js';

test('placeholders are filled, and an unknown one is a usage error', () => {
  assert.equal(fillCommand('curl --cacert {ca} {url}', { ca: '/tmp/x/ca.pem', url: 'https://localhost:1234/' }), 'curl --cacert /tmp/x/ca.pem https://localhost:1234/');
  assert.throws(() => fillCommand('curl {uri}', {}), (e) => isMitmError(e, 'MG_ERR_USAGE'));
  assert.throws(() => fillCommand('curl {pin}', {}), (e) => isMitmError(e, 'MG_ERR_USAGE'));
});

test('a value that would need shell quoting is never substituted', () => {
  assert.throws(() => fillCommand('echo {host}', { host: 'a; rm -rf /' }), (e) => isMitmError(e, 'MG_ERR_INTERNAL'));
});

test('the client environment drops proxies and TLS overrides and has its own HOME', () => {
  process.env.HTTPS_PROXY = 'http://proxy.invalid:3128';
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    const env = cleanEnvironment('/tmp/home-x', { EXTRA: '1' });
    assert.equal(env.HOME, '/tmp/home-x');
    assert.equal(env.EXTRA, '1');
    assert.equal(env.HTTPS_PROXY, undefined);
    assert.equal(env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    assert.equal(env.PATH, process.env.PATH);
  } finally {
    delete process.env.HTTPS_PROXY;
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  }
});

test('a client that hangs is killed at the timeout, and the token is scrubbed from its stderr', async () => {
  const facts = await runClient({ command: 'echo "secret-tok failed" >&2; sleep 30', env: cleanEnvironment('/tmp'), cwd: '/tmp', timeoutMs: 300, token: 'secret-tok' });
  assert.equal(facts.timedOut, true);
  assert.equal(facts.stderrTail, '<token> failed');
  const ok = await runClient({ command: 'exit 3', env: cleanEnvironment('/tmp'), cwd: '/tmp', timeoutMs: 5000 });
  assert.equal(ok.exitCode, 3);
  assert.equal(ok.timedOut, false);
});
