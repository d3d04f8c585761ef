/**
 * An MTA-STS server that trickles its policy a byte at a time never trips an idle timeout; the fetch has a total
 * deadline too (DNS_LIMITS.mtaStsDeadlineMs), and ends with MG_ERR_TIMEOUT. HTTPS on loopback.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import type net from 'node:net';
import { after, before, test } from 'node:test';
import { fetchMtaStsPolicy } from '../../src/dns/mail.js';
import { isMitmError } from '../../src/errors.js';
import { createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';

const ca = createAuthority('mta-sts deadline test CA');
const leaf = issueLeaf(ca, { names: ['mta-sts.slow.test'] });
let web: https.Server;
let port = 0;
const timers = new Set<NodeJS.Timeout>();

before(async () => {
  web = https.createServer({ key: privateKeyPem(leaf.keyPair), cert: leaf.pem + ca.cert.pem }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const body = 'version: STSv1\nmode: enforce\nmx: mx.slow.test\nmax_age: 86400\n';
    let i = 0;
    // One byte every 100 ms: always inside the idle timeout, never done before the deadline (bounded by the body).
    const drip = setInterval(() => {
      if (i >= body.length || res.destroyed) {
        clearInterval(drip);
        res.end();
        return;
      }
      res.write(body[i++]!);
    }, 100);
    timers.add(drip);
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  port = (web.address() as net.AddressInfo).port;
});
after(() => {
  for (const t of timers) clearInterval(t);
  web.closeAllConnections();
  web.close();
});

test('a byte-a-second MTA-STS server is cut off at the total deadline with MG_ERR_TIMEOUT', async () => {
  await assert.rejects(
    fetchMtaStsPolicy('slow.test', { connect: { host: '127.0.0.1', port }, ca: ca.cert.pem, timeoutMs: 2000, deadlineMs: 1000 }),
    (e) => isMitmError(e, 'MG_ERR_TIMEOUT') && /in total/.test((e as Error).message),
  );
});

test('the same server within a generous deadline delivers the whole policy', async () => {
  const r = await fetchMtaStsPolicy('slow.test', { connect: { host: '127.0.0.1', port }, ca: ca.cert.pem, timeoutMs: 2000, deadlineMs: 60_000 });
  assert.match(r.text, /mode: enforce/);
});
