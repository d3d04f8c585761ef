/**
 * HTTP posture against nginx on loopback: HSTS variants, redirect chains, cookies and mixed content. Each site
 * configuration must produce exactly the http.* findings listed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { probeHttp, probePosture, type HttpTarget } from '../../src/posture/index.js';
import { CheckRegistry } from '../../src/checks/registry.js';
import { postureChecks } from '../../src/checks/posture.js';
import { startNginx, type Daemon } from '../helpers/daemons.js';

const registry = new CheckRegistry(postureChecks);
const OPTIONS = { timeoutMs: 15_000 };

const GOOD_PAGE = '<html><head><script src="https://cdn.example.test/app.js"></script></head><body>ok</body></html>';
const WEAK_PAGE = '<html><head><script src="http://cdn.example.test/app.js"></script></head><body><img src="http://img.example.test/x.png"></body></html>';

describe('HTTP posture against nginx', () => {
  let nginx: Daemon;
  before(async () => {
    nginx = await startNginx({
      ports: ['goodTls', 'goodHttp', 'weakTls', 'weakHttp', 'chainHttp', 'chainTls', 'chainPlain', 'invalidTls', 'noHstsTls'],
      files: { 'good/index.html': GOOD_PAGE, 'weak/index.html': WEAK_PAGE, 'plain/index.html': '<p>plain</p>' },
      servers: ({ ports: p, tls, dir }) => {
        const ssl = `ssl_certificate ${tls.certFile}; ssl_certificate_key ${tls.keyFile};`;
        return `
  server { listen 127.0.0.1:${p.goodTls} ssl; ${ssl} root ${dir}/good;
    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;
    add_header Set-Cookie "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax" always; }
  server { listen 127.0.0.1:${p.goodHttp}; return 301 https://$host:${p.goodTls}$request_uri; }
  server { listen 127.0.0.1:${p.weakTls} ssl; ${ssl} root ${dir}/weak;
    add_header Strict-Transport-Security "max-age=300" always;
    add_header Set-Cookie "session=abc; Path=/; HttpOnly" always; }
  server { listen 127.0.0.1:${p.weakHttp}; root ${dir}/plain; add_header Strict-Transport-Security "max-age=31536000" always; }
  server { listen 127.0.0.1:${p.chainHttp}; return 302 https://127.0.0.1:${p.chainTls}/; }
  server { listen 127.0.0.1:${p.chainTls} ssl; ${ssl} return 302 http://127.0.0.1:${p.chainPlain}/; }
  server { listen 127.0.0.1:${p.chainPlain}; root ${dir}/plain; }
  server { listen 127.0.0.1:${p.invalidTls} ssl; ${ssl} root ${dir}/good; add_header Strict-Transport-Security "includeSubDomains" always; }
  server { listen 127.0.0.1:${p.noHstsTls} ssl; ${ssl} root ${dir}/good; }
`;
      },
    });
  });
  after(async () => {
    await nginx?.stop();
  });

  async function ids(t: Omit<HttpTarget, 'target' | 'host'>): Promise<string[]> {
    const obs = await probeHttp({ target: 'site', host: '127.0.0.1', name: 'localhost', ...t }, OPTIONS);
    return registry.run('http', obs, 'site').map((f) => f.id).sort();
  }

  test('HSTS of two years with includeSubDomains and preload, a same-host redirect and Secure cookies: no finding', async () => {
    assert.deepEqual(await ids({ httpsPort: nginx.ports.goodTls!, httpPort: nginx.ports.goodHttp! }), []);
  });

  test('short HSTS, an insecure cookie, mixed content and plain HTTP serving content with HSTS: each is reported', async () => {
    assert.deepEqual(await ids({ httpsPort: nginx.ports.weakTls!, httpPort: nginx.ports.weakHttp! }), [
      'http.cookie.not-secure',
      'http.hsts.no-include-subdomains',
      'http.hsts.not-preload-ready',
      'http.hsts.over-http',
      'http.hsts.short-max-age',
      'http.mixed-content',
      'http.redirect.missing',
    ]);
  });

  test('a chain that leaves the host, then downgrades to plain HTTP, is reported hop by hop', async () => {
    const obs = await probeHttp({ target: 'chain', host: '127.0.0.1', name: 'localhost', httpsPort: null, httpPort: nginx.ports.chainHttp! }, OPTIONS);
    assert.equal(obs.httpChain.length, 3);
    assert.deepEqual(obs.httpChain.map((h) => h.status), [302, 302, 200]);
    assert.deepEqual(registry.run('http', obs, 'chain').map((f) => f.id).sort(), ['http.redirect.downgrade', 'http.redirect.first-hop', 'http.redirect.missing']);
  });

  test('an HSTS header without max-age is reported invalid, and a missing one as missing', async () => {
    assert.deepEqual(await ids({ httpsPort: nginx.ports.invalidTls!, httpPort: null }), ['http.hsts.invalid']);
    assert.deepEqual(await ids({ httpsPort: nginx.ports.noHstsTls!, httpPort: null }), ['http.hsts.missing']);
  });

  test('the weak site reports short max-age at medium severity (under one day) and mixed content at medium (a script)', async () => {
    const obs = await probeHttp({ target: 's', host: '127.0.0.1', name: 'localhost', httpsPort: nginx.ports.weakTls!, httpPort: null }, OPTIONS);
    const f = registry.run('http', obs, 's');
    assert.equal(f.find((x) => x.id === 'http.hsts.short-max-age')?.severity, 'medium');
    assert.equal(f.find((x) => x.id === 'http.mixed-content')?.severity, 'medium');
    assert.ok(!JSON.stringify(obs).includes('session=abc'), 'cookie values are never recorded');
  });

  test('a plain-HTTP port without a scheme is sniffed as HTTP: posture.plaintext.http', async () => {
    const obs = await probePosture({ target: 'p', host: '127.0.0.1', port: nginx.ports.chainPlain!, protocol: null }, { timeoutMs: 15_000, bannerMs: 500 });
    assert.equal(obs.service?.protocol, 'http');
    assert.deepEqual(registry.run('posture', obs, 'p').map((f) => f.id), ['posture.plaintext.http']);
  });

  test('an HTTPS port without a scheme is sniffed as TLS with no plain-text finding', async () => {
    const obs = await probePosture({ target: 'p', host: '127.0.0.1', port: nginx.ports.goodTls!, protocol: null }, { timeoutMs: 15_000, bannerMs: 500 });
    assert.deepEqual([obs.service?.protocol, obs.service?.encrypted], ['tls', true]);
    assert.deepEqual(registry.run('posture', obs, 'p'), []);
  });
});
