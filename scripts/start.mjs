#!/usr/bin/env node
// The main job (`npm start`): until the embedded lab lands, start one local TLS server on loopback and scan it.
// The lab (`mitmguard lab run`) replaces this with the full set of deliberately flawed endpoints.
import { spawn } from 'node:child_process';
import { createServer } from 'node:tls';
import { fileURLToPath } from 'node:url';

const { createAuthority, issueLeaf, privateKeyPem } = await import('../dist/pki.js').catch(() => ({}));
if (!createAuthority) {
  console.error('start: dist/pki.js is missing; run `npm run build`');
  process.exit(2);
}
const root = createAuthority('mitmguard demo CA');
const leaf = issueLeaf(root, { names: ['localhost', '127.0.0.1'] });
const server = createServer({ cert: leaf.pem + root.cert.pem, key: privateKeyPem(leaf.keyPair), minVersion: 'TLSv1.2' }, (s) => s.end());
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const target = `127.0.0.1:${server.address().port}`;
const bin = fileURLToPath(new URL('../bin/mitmguard.js', import.meta.url));
// Asynchronous on purpose: the server above lives in this process and must keep answering while the scan runs.
const child = spawn(process.execPath, [bin, 'scan', target, ...process.argv.slice(2)], { stdio: 'inherit' });
const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 2)));
server.close();
process.exit(status);
