/**
 * Bad input from the network: servers that send garbage, a truncated ServerHello, a 16 MB record, an alert storm, or
 * nothing at all. The scan must come back with an error code, within its time limit, having read a bounded amount.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { scanTarget } from '../../src/scan/index.js';
import { freePort, startHostileServer } from '../helpers/tls-servers.js';

const TIMEOUT_MS = 1500;
/** scanTarget's own bound on one target (10 × the per-connection timeout). */
const TARGET_LIMIT_MS = TIMEOUT_MS * 10;

/** Answer the first bytes of every connection with `reply`. */
const onFirstData = (reply: (s: Socket) => void) => (s: Socket) => s.once('data', () => reply(s));

describe('scan of hostile servers', () => {
  it('reports MG_ERR_PROTOCOL for a server that answers with garbage', async (t) => {
    const server = await startHostileServer(onFirstData((s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
    t.after(() => server.close());
    const r = await scanTarget(server.target, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_PROTOCOL');
    assert.equal(r.tls, null);
  });

  it('reports MG_ERR_TRUNCATED for a ServerHello cut short before the connection closes', async (t) => {
    // A handshake record announcing 80 bytes, of which only 10 arrive.
    const server = await startHostileServer(onFirstData((s) => s.end(Buffer.from([22, 3, 3, 0, 80, 2, 0, 0, 76, 3, 3, 1, 2, 3, 4]))));
    t.after(() => server.close());
    const r = await scanTarget(server.target, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_TRUNCATED');
  });

  it('reports MG_ERR_TRUNCATED for a complete record whose ServerHello body is too short', async (t) => {
    const body = [2, 0, 0, 6, 3, 3, 9, 9, 9, 9]; // ServerHello claiming 6 bytes: version and 4 of 32 random bytes
    const server = await startHostileServer(onFirstData((s) => s.end(Buffer.from([22, 3, 3, 0, body.length, ...body]))));
    t.after(() => server.close());
    const r = await scanTarget(server.target, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_TRUNCATED');
  });

  it('stops reading a 16 MB handshake message at the size limit and reports MG_ERR_TOO_LARGE', async (t) => {
    const total = 16 * 1024 * 1024;
    const pushed: number[] = [];
    const server = await startHostileServer(
      onFirstData((s) => {
        // One handshake message declaring 16 MB - 1, streamed in maximal records until the client hangs up. The server
        // shares the event loop with the scanner, so it yields after every record.
        const slot = pushed.push(0) - 1;
        const header = Buffer.from([22, 3, 3, 0x40, 0x00, 2, 0xff, 0xff, 0xff]);
        const record = Buffer.concat([Buffer.from([22, 3, 3, 0x40, 0x00]), Buffer.alloc(0x4000, 0x41)]);
        const pump = (): void => {
          if (pushed[slot]! >= total || s.destroyed) return;
          const chunk = pushed[slot] === 0 ? Buffer.concat([header, Buffer.alloc(0x4000 - 4, 0x41)]) : record;
          pushed[slot]! += chunk.length;
          if (s.write(chunk)) setImmediate(pump);
          else s.once('drain', pump);
        };
        pump();
      }),
    );
    t.after(() => server.close());
    const r = await scanTarget(server.target, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_TOO_LARGE');
    assert.ok(r.durationMs < TARGET_LIMIT_MS, `returned after ${r.durationMs} ms`);
    // Every connection was hung up long before the server could push its 16 MB.
    assert.ok(pushed.length > 0 && pushed.every((n) => n < total), `server pushed ${pushed.join(', ')} bytes`);
  });

  it('reports MG_ERR_PROTOCOL for an endless storm of warning alerts', async (t) => {
    const warning = Buffer.from([21, 3, 3, 0, 2, 1, 112]); // unrecognized_name, warning level
    const server = await startHostileServer(
      onFirstData((s) => {
        let sent = 0;
        // Bounded: at most 100 000 alerts per connection, or until the scanner hangs up; yields between alerts.
        const storm = (): void => {
          if (sent >= 100_000 || s.destroyed) return;
          sent++;
          if (s.write(warning)) setImmediate(storm);
          else s.once('drain', storm);
        };
        storm();
      }),
    );
    t.after(() => server.close());
    const r = await scanTarget(server.target, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_PROTOCOL');
    assert.match(r.error!.message, /alert/);
  });

  it('reports MG_ERR_PROTOCOL for a server that picks a cipher suite nobody offered', async (t) => {
    // A well-formed TLS 1.2 ServerHello choosing the GREASE value 0xFAFA (RFC 8701), which no client offers.
    const body = [3, 3, ...new Array(32).fill(5), 0, 0xfa, 0xfa, 0];
    const hello = [2, 0, 0, body.length, ...body];
    const server = await startHostileServer(onFirstData((s) => s.end(Buffer.from([22, 3, 3, 0, hello.length, ...hello]))));
    t.after(() => server.close());
    const r = await scanTarget(server.target, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_PROTOCOL');
    // Whichever probe reports first: the TLS 1.2 probe (a suite not offered) or an older-version probe (a newer
    // version than it asked for) — both are the server breaking RFC 5246 §7.4.1.3.
    assert.match(r.error!.message, /not offered|answered 303/);
  });

  it('reports MG_ERR_TIMEOUT for a server that accepts and never answers, within the scan limit', async (t) => {
    const server = await startHostileServer(() => {});
    t.after(() => server.close());
    const r = await scanTarget(server.target, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_TIMEOUT');
    assert.ok(r.durationMs < TARGET_LIMIT_MS, `returned after ${r.durationMs} ms`);
  });

  it('reports MG_ERR_CONNECT for a port nobody listens on', async () => {
    const port = await freePort();
    const r = await scanTarget(`127.0.0.1:${port}`, { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_CONNECT');
  });

  it('reports MG_ERR_TARGET for a target that does not parse, without connecting', async () => {
    const r = await scanTarget('gopher://127.0.0.1:70', { timeoutMs: TIMEOUT_MS });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_TARGET');
  });
});
