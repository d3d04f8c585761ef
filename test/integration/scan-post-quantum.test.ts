/**
 * Post-quantum key exchange, against real servers: node:tls on the pinned Node 24 (OpenSSL 3.5 serves the hybrid
 * X25519MLKEM768, RFC draft-ietf-tls-ecdhe-mlkem) configured with and without it, and nginx on Debian 12's OpenSSL 3.0,
 * which has no ML-KEM at all. The scanner names the groups the server accepts (TLS 1.3: by HelloRetryRequest, no key
 * share sent, so no ML-KEM arithmetic is needed on our side); the policy option `requirePostQuantum` turns a server
 * without one into `policy.tls.post-quantum-missing`.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { scanTarget } from '../../src/scan/index.js';
import { evaluatePolicy } from '../../src/policy/apply.js';
import { parsePolicy } from '../../src/policy/load.js';
import { isPostQuantumGroup } from '../../src/tls/wire/registry.js';
import { startNginx, startNodeTlsServer, type TestServer } from '../helpers/tls-servers.js';

const OPTIONS = { beyondHandshake: false, timeoutMs: 10_000 } as const;
const REQUIRE_PQ = parsePolicy('version: 1\nextends: intermediate\ntls:\n  requirePostQuantum: true\n');
const ZONE_PQ = parsePolicy("version: 1\nextends: intermediate\ntargets:\n  - pattern: '127.0.0.1:*'\n    requirePostQuantum: true\n");
const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const started = async (s: Promise<TestServer>) => {
  const server = await s;
  servers.push(server);
  return server;
};
const pqFinding = (r: Awaited<ReturnType<typeof scanTarget>>, policy = REQUIRE_PQ) =>
  evaluatePolicy(r, policy).find((f) => f.id === 'policy.tls.post-quantum-missing');

describe('post-quantum key exchange', () => {
  it('finds X25519MLKEM768 first on a Node 24 server that offers it, and no finding under requirePostQuantum', async () => {
    assert.ok(Number(process.versions.node.split('.')[0]) >= 24, `the pinned Node 24 runs the tests, not ${process.version}`);
    const server = await started(startNodeTlsServer({ minVersion: 'TLSv1.2', ecdhCurve: 'X25519MLKEM768:X25519:P-256' }));
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.tls!.groups[0], 'X25519MLKEM768');
    assert.ok(r.tls!.groups.includes('x25519') && r.tls!.groups.includes('secp256r1'), r.tls!.groups.join(', '));
    assert.equal(pqFinding(r), undefined);
    assert.equal(pqFinding(r, ZONE_PQ), undefined);
  });

  it('finds Node 24\'s default groups post-quantum too (OpenSSL 3.5 puts X25519MLKEM768 first by default)', async () => {
    const server = await started(startNodeTlsServer({ minVersion: 'TLSv1.3' }));
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.ok(r.tls!.groups.some(isPostQuantumGroup), `no PQ group in ${r.tls!.groups.join(', ')}`);
  });

  it('reports no post-quantum group on a Node 24 server configured without it, and the finding when policy requires one', async () => {
    const server = await started(startNodeTlsServer({ minVersion: 'TLSv1.2', ecdhCurve: 'X25519:P-256' }));
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.deepEqual(r.tls!.groups.filter(isPostQuantumGroup), []);
    assert.ok(r.tls!.groups.includes('x25519'));
    const f = pqFinding(r);
    assert.ok(f, 'policy.tls.post-quantum-missing expected');
    assert.equal(f.severity, 'medium');
    assert.match(f.evidence, /x25519.*none is post-quantum/);
    assert.ok(pqFinding(r, ZONE_PQ), 'the target rule alone requires it too');
    // Without the option the policy says nothing about it.
    assert.equal(evaluatePolicy(r, parsePolicy('version: 1\nextends: intermediate\n')).find((x) => x.id === 'policy.tls.post-quantum-missing'), undefined);
  });

  it('reports no post-quantum group on nginx with Debian 12\'s OpenSSL 3.0 (no ML-KEM), and the finding under requirePostQuantum', async () => {
    const server = await started(startNginx({ protocols: 'TLSv1.2 TLSv1.3' }));
    const r = await scanTarget(server.target, OPTIONS);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.ok(r.tls!.groups.length > 0);
    assert.deepEqual(r.tls!.groups.filter(isPostQuantumGroup), []);
    assert.ok(pqFinding(r));
  });
});
