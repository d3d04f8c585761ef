/**
 * The scanner's path, end to end against real `openssl s_server` peers on loopback: fetch the presented chain,
 * assessServerChain with the organisation's CA as extra anchors (loaded from a directory, as `--ca DIR` does), and
 * turn the assessment into findings through the global catalogue.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { assessServerChain, loadTrustStore, nodeTrustStore } from '../../src/x509/index.js';
import { fetchPeerChain } from '../../src/tls/scan/peer-chain.js';
import { catalogue } from '../../src/checks/catalogue.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-cert-assess-'));
const servers: ChildProcess[] = [];
after(() => {
  for (const s of servers) s.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const root = createAuthority([['CN', 'Assess Org Root'], ['O', 'Example Org']]);
const ica = createAuthority('Assess Org ICA', { issuer: root, pathLen: 0 });
mkdirSync(join(dir, 'ca'));
writeFileSync(join(dir, 'ca', 'org-root.pem'), root.cert.pem);
const extraAnchors = loadTrustStore({ paths: [join(dir, 'ca')] });

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Start `openssl s_server` with a leaf, its key and optionally a chain file; resolve once it accepts. */
async function sServer(name: string, leaf: ReturnType<typeof issueLeaf>, chain: string | null): Promise<number> {
  const port = await freePort();
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  writeFileSync(certFile, leaf.pem);
  writeFileSync(keyFile, privateKeyPem(leaf.keyPair), { mode: 0o600 });
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', certFile, '-key', keyFile, '-www', '-quiet'];
  if (chain) {
    const chainFile = join(dir, `${name}-chain.pem`);
    writeFileSync(chainFile, chain);
    args.push('-cert_chain', chainFile);
  }
  const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(child);
  // s_server prints nothing with -quiet; poll the port until it accepts (bounded).
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((res) => {
      const c = createServer().listen(port, '127.0.0.1');
      c.once('listening', () => c.close(() => res(false)));
      c.once('error', () => res(true));
    });
    if (up) return port;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('openssl s_server did not start');
}

const ids = (f: Array<{ id: string }>) => [...new Set(f.map((x) => x.id))].sort();

test('a complete chain from the organisation CA, for the right name, gives a valid assessment and no findings', async () => {
  const leaf = issueLeaf(ica, { names: ['app.example.test'] });
  const port = await sServer('good', leaf, ica.cert.pem);
  const chain = await fetchPeerChain('127.0.0.1', port, { servername: 'app.example.test', timeoutMs: 20_000 });
  assert.equal(chain.length, 2);
  const a = assessServerChain(chain, { host: 'app.example.test', anchors: nodeTrustStore(), extraAnchors });
  assert.equal(a.valid, true, JSON.stringify(a.errors));
  assert.equal(a.path.length, 3);
  assert.deepEqual(catalogue.run('certificate-chain', a, `127.0.0.1:${port}`), []);
});

test('a server that omits its intermediate is reported as cert.chain.incomplete', async () => {
  const leaf = issueLeaf(ica, { names: ['app.example.test'] });
  const port = await sServer('nochain', leaf, null);
  const a = assessServerChain(await fetchPeerChain('127.0.0.1', port, { servername: 'app.example.test', timeoutMs: 20_000 }), { host: 'app.example.test', anchors: nodeTrustStore(), extraAnchors });
  assert.equal(a.valid, false);
  assert.deepEqual(ids(catalogue.run('certificate-chain', a, `127.0.0.1:${port}`)), ['cert.chain.incomplete']);
});

test('an expired leaf served with its chain is reported as cert.chain.expired; without --ca the chain ends in a root nobody trusts (untrusted root: every intermediate was sent)', async () => {
  const leaf = issueLeaf(ica, { names: ['old.example.test'], notBefore: new Date(Date.now() - 200 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
  const port = await sServer('expired', leaf, ica.cert.pem);
  const chain = await fetchPeerChain('127.0.0.1', port, { servername: 'old.example.test', timeoutMs: 20_000 });
  const withCa = assessServerChain(chain, { host: 'old.example.test', anchors: nodeTrustStore(), extraAnchors });
  assert.deepEqual(ids(catalogue.run('certificate-chain', withCa, 't')), ['cert.chain.expired']);
  const withoutCa = assessServerChain(chain, { host: 'old.example.test', anchors: nodeTrustStore() });
  assert.deepEqual(ids(catalogue.run('certificate-chain', withoutCa, 't')), ['cert.chain.expired', 'cert.chain.untrusted-root']);
});

test('a host name the certificate does not cover is reported as cert.chain.hostname-mismatch', async () => {
  const leaf = issueLeaf(ica, { names: ['app.example.test'] });
  const port = await sServer('mismatch', leaf, ica.cert.pem);
  const a = assessServerChain(await fetchPeerChain('127.0.0.1', port, { timeoutMs: 20_000 }), { host: '127.0.0.1', anchors: nodeTrustStore(), extraAnchors });
  assert.deepEqual(ids(catalogue.run('certificate-chain', a, `127.0.0.1:${port}`)), ['cert.chain.hostname-mismatch']);
});
