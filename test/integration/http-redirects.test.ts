/**
 * A scanned server chooses where its redirects point. The probe follows only the scanned host by default, never a
 * link-local address or another address class, and records what it did not fetch. Scripted servers on loopback
 * (127.0.0.1 and 127.0.0.2); the link-local and private targets are never contacted, which is what is asserted.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { probeHttp } from '../../src/posture/http.js';

interface Counted { server: Server; port: number; hits: number }

async function redirector(host: string, location: (port: number) => string | null): Promise<Counted> {
  const c: Counted = { server: createServer(), port: 0, hits: 0 };
  c.server.on('request', (_req, res) => {
    c.hits++;
    const to = location(c.port);
    if (to) res.writeHead(302, { location: to }).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((r) => c.server.listen(0, host, r));
  c.port = (c.server.address() as { port: number }).port;
  return c;
}

const OPTIONS = { timeoutMs: 3000 };

describe('HTTP redirect policy', () => {
  let other: Counted;
  let samePort: Counted;
  const servers: Counted[] = [];
  const start = async (location: (port: number) => string | null) => {
    const s = await redirector('127.0.0.1', location);
    servers.push(s);
    return s;
  };
  before(async () => {
    other = await redirector('127.0.0.2', () => null);
    samePort = await redirector('127.0.0.1', () => null);
  });
  after(() => {
    for (const s of [other, samePort, ...servers]) s.server.close();
  });
  const probe = (port: number, redirects?: 'same-host' | 'same-class' | 'any') =>
    probeHttp({ target: 't', host: '127.0.0.1', httpsPort: null, httpPort: port }, { ...OPTIONS, ...(redirects ? { redirects } : {}) });

  it('follows a redirect to another port of the scanned host', async () => {
    const s = await start(() => `http://127.0.0.1:${samePort.port}/next`);
    const before = samePort.hits;
    const obs = await probe(s.port);
    assert.deepEqual(obs.httpChain.map((h) => h.status), [302, 200]);
    assert.equal(samePort.hits, before + 1);
    assert.equal(obs.redirectsNotFollowed, undefined);
  });

  it('by default records a redirect to another host without fetching it', async () => {
    const s = await start(() => `http://127.0.0.2:${other.port}/`);
    const before = other.hits;
    const obs = await probe(s.port);
    assert.equal(obs.httpChain.length, 1);
    assert.equal(obs.httpChain[0]!.location, `http://127.0.0.2:${other.port}/`);
    assert.equal(other.hits, before, 'the other host was not contacted');
    assert.deepEqual(obs.redirectsNotFollowed, [{ from: `http://127.0.0.1:${s.port}/`, to: `http://127.0.0.2:${other.port}/`, reason: 'another host (redirects are followed on the scanned host only)' }]);
  });

  it('with same-class follows another loopback host, but never link-local (cloud metadata) or a private address', async () => {
    const s = await start(() => `http://127.0.0.2:${other.port}/`);
    const before = other.hits;
    const followed = await probe(s.port, 'same-class');
    assert.deepEqual(followed.httpChain.map((h) => h.status), [302, 200]);
    assert.equal(other.hits, before + 1);

    const metadata = await start(() => 'http://169.254.169.254/latest/meta-data/');
    const m = await probe(metadata.port, 'same-class');
    assert.equal(m.httpChain.length, 1);
    assert.equal(m.redirectsNotFollowed![0]!.reason, 'a link-local address (169.254.169.254)');

    const v6 = await start(() => 'http://[fe80::1]/');
    assert.match((await probe(v6.port, 'same-class')).redirectsNotFollowed![0]!.reason, /link-local/);

    const internal = await start(() => 'http://10.1.2.3/admin');
    const i = await probe(internal.port, 'same-class');
    assert.equal(i.redirectsNotFollowed![0]!.reason, 'a private address (10.1.2.3), the scanned host is loopback');
  });
});
