import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthority } from '../pki/index.js';
import { loadTrustStore, nodeTrustStore } from './trust-store-files.js';
import { isMitmError } from '../errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('Node\'s bundled roots load and parse, indexed by subject', () => {
  const s = nodeTrustStore();
  assert.ok(s.size > 100, `only ${s.size} roots`);
  assert.deepEqual(s.rejected, []);
  const any = s.anchors[0]!;
  assert.ok(s.withSubject(any.subject.key).includes(any));
});

test('a directory of PEM files is loaded; duplicates count once; garbage is recorded, not fatal', () => {
  const a = createAuthority('Store A'), b = createAuthority('Store B');
  mkdirSync(join(dir, 'cas'));
  writeFileSync(join(dir, 'cas', 'a.pem'), a.cert.pem);
  writeFileSync(join(dir, 'cas', 'a-again.crt'), a.cert.pem);
  writeFileSync(join(dir, 'cas', 'b.cer'), b.cert.der);
  writeFileSync(join(dir, 'cas', 'bad.pem'), '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n');
  writeFileSync(join(dir, 'cas', 'notes.txt'), 'ignored');
  const s = loadTrustStore({ paths: [join(dir, 'cas')] });
  assert.equal(s.size, 2);
  assert.equal(s.rejected.length, 1);
  assert.match(s.rejected[0]!.source, /bad\.pem$/);
});

test('a missing path is an MG_ERR_IO error naming it', () => {
  assert.throws(() => loadTrustStore({ paths: [join(dir, 'nope.pem')] }), (e: unknown) => isMitmError(e, 'MG_ERR_IO') && /nope\.pem/.test((e as Error).message));
});

test('the system store loads from /etc/ssl/certs', () => {
  const s = loadTrustStore({ system: true });
  assert.ok(s.size > 50, `system store has ${s.size} anchors`);
});
