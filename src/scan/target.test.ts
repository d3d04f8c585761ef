import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { parseTarget } from './target.js';

describe('target parsing', () => {
  it('defaults a bare host to port 443 with SNI', () => {
    assert.deepEqual(parseTarget('example.com'), { input: 'example.com', scheme: null, host: 'example.com', port: 443, starttls: null, sni: 'example.com' });
  });

  it('reads host:port and sends no SNI for an IP address', () => {
    const t = parseTarget('127.0.0.1:8443');
    assert.equal(t.port, 8443);
    assert.equal(t.sni, null);
  });

  it('gives each scheme its default port and STARTTLS protocol', () => {
    assert.deepEqual((({ port, starttls }) => ({ port, starttls }))(parseTarget('smtp://mail.example')), { port: 25, starttls: 'smtp' });
    assert.deepEqual((({ port, starttls }) => ({ port, starttls }))(parseTarget('imaps://mail.example')), { port: 993, starttls: null });
    assert.deepEqual((({ port, starttls }) => ({ port, starttls }))(parseTarget('postgres://db.example:6543/app')), { port: 6543, starttls: 'postgres' });
    assert.equal(parseTarget('https://www.example/path?q=1').port, 443);
  });

  it('lets --starttls override the scheme', () => {
    assert.equal(parseTarget('127.0.0.1:2525', { starttls: 'smtp' }).starttls, 'smtp');
  });

  it('reads bracketed and bare IPv6 addresses', () => {
    assert.deepEqual((({ host, port }) => ({ host, port }))(parseTarget('[::1]:8443')), { host: '::1', port: 8443 });
    assert.equal(parseTarget('::1').port, 443);
  });

  it('rejects bad targets with MG_ERR_TARGET', () => {
    for (const bad of ['', 'gopher://x', 'host:0', 'host:70000', 'host:abc', 'user@host', '[::1', 'bad_label-.-x..y', 'a:b:c']) {
      assert.throws(() => parseTarget(bad), (e) => isMitmError(e, 'MG_ERR_TARGET'), bad);
    }
    assert.throws(() => parseTarget('host', { starttls: 'gopher' }), (e) => isMitmError(e, 'MG_ERR_TARGET'));
  });
});
