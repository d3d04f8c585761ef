import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { applyResolve, connectHost, parseResolve, parseTarget } from './target.js';

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

  it('reads --resolve NAME:PORT:ADDR as curl does, IPv4 and IPv6 (bracketed or not)', () => {
    assert.deepEqual(parseResolve('WWW.Example.test:443:127.0.0.1'), { host: 'www.example.test', port: 443, address: '127.0.0.1' });
    assert.deepEqual(parseResolve('www.example.test.:8443:[::1]'), { host: 'www.example.test', port: 8443, address: '::1' });
    assert.deepEqual(parseResolve('a.test:25:::1'), { host: 'a.test', port: 25, address: '::1' });
  });

  it('rejects malformed --resolve values with MG_ERR_USAGE', () => {
    for (const bad of ['', 'www.example:443', 'www.example:443:', 'www.example:0:127.0.0.1', 'www.example:70000:127.0.0.1', 'www.example:x:127.0.0.1',
      'www.example:443:not-an-ip', 'www.example:443:999.1.1.1', '127.0.0.1:443:127.0.0.2', 'bad..name:443:127.0.0.1', 'a b:443:127.0.0.1']) {
      assert.throws(() => parseResolve(bad), (e) => isMitmError(e, 'MG_ERR_USAGE'), bad);
    }
  });

  it('applies a --resolve entry only to the same host and port, and connects there while SNI keeps the name', () => {
    const entries = [parseResolve('secure.example.test:8443:127.0.0.1')];
    const hit = applyResolve(parseTarget('https://Secure.Example.Test:8443/'), entries);
    assert.equal(hit.address, '127.0.0.1');
    assert.equal(connectHost(hit), '127.0.0.1');
    assert.equal(hit.sni, 'Secure.Example.Test');
    assert.equal(applyResolve(parseTarget('https://secure.example.test'), entries).address, undefined, 'port 443 is not 8443');
    assert.equal(connectHost(applyResolve(parseTarget('other.example.test:8443'), entries)), 'other.example.test');
  });
});
