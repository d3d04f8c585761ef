/**
 * Beyond loopback, anyone on the network can talk to the hostile endpoint. Only the audited client's connections
 * count: a fixed address (`--client`) or the first address to connect; the rest are refused and said so in the
 * evidence. Loopback only: the "other hosts" are other 127.0.0.0/8 source addresses of this machine.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { bindsBeyondLoopback, startAudit, type AuditSession } from '../../src/audit/index.js';
import { runCli } from '../e2e/helpers.js';

const run = promisify(execFile);
const sessions: AuditSession[] = [];
after(async () => {
  for (const s of sessions) await s.stop();
});

/** One HTTPS request with the canary from `localAddress`; resolves when the server is done with it. */
function requestFrom(s: AuditSession, id: string, localAddress: string): Promise<void> {
  return new Promise((resolve) => {
    const raw = netConnect({ host: '127.0.0.1', port: Number(s.placeholders(id).port), localAddress });
    const socket = tlsConnect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' });
    socket.on('secureConnect', () => socket.write(`GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic ${Buffer.from(`a:${s.token}`).toString('base64')}\r\n\r\n`));
    socket.on('data', () => {});
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

test('with --client, a forged scenario accepted by another host does not count against the audited client', async () => {
  const s = await startAudit({ protocol: 'https', only: ['self-signed'], clientAddress: '127.0.0.2' });
  sessions.push(s);
  await requestFrom(s, 'self-signed', '127.0.0.3'); // a careless bystander accepts the forged certificate
  await run('curl', ['-sS', '--max-time', '10', '--interface', '127.0.0.2', '--cacert', s.caFile, '-u', `audit:${s.token}`, s.placeholders('baseline').url]);
  await s.endpoint.settle('self-signed', 2000);
  await s.endpoint.settle('baseline', 2000);
  const results = s.results();
  const forged = results.find((r) => r.scenario === 'self-signed')!;
  assert.notEqual(forged.verdict, 'accepted');
  assert.match(forged.evidence, /1 connection\(s\) from other hosts than the audited client 127\.0\.0\.2 not counted/);
  assert.equal(results.find((r) => r.scenario === 'baseline')!.verdict, 'accepted');
});

test('by default beyond loopback (policy first), the first address to connect is the audited client', async () => {
  const s = await startAudit({ protocol: 'https', only: ['self-signed'], clientAddress: 'first' });
  sessions.push(s);
  await requestFrom(s, 'self-signed', '127.0.0.4');
  await requestFrom(s, 'self-signed', '127.0.0.5');
  await s.endpoint.settle('self-signed', 2000);
  assert.equal(s.endpoint.records('self-signed').length, 1);
  assert.equal(s.endpoint.foreign('self-signed'), 1);
  assert.equal(s.endpoint.auditedClient, '127.0.0.4');
});

test('audit-client --bind 0.0.0.0 warns on stderr (and a bad --client is a usage error before anything listens)', async () => {
  assert.equal(bindsBeyondLoopback('0.0.0.0'), true);
  assert.equal(bindsBeyondLoopback('127.0.0.1'), false);
  const r = await runCli(['audit-client', '--exec', 'true', '--bind', '0.0.0.0', '--client', 'not-an-address', '--scenario', 'self-signed']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /warning: --bind 0\.0\.0\.0 serves the hostile endpoint beyond this machine/);
  assert.match(r.stderr, /--client must be an IP address/);
});
