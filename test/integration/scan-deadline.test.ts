/**
 * One deadline bounds the whole scan of a target (TLS, posture, HTTP, mTLS and DNS steps): a silent endpoint — it
 * accepts connections and never says a word — ends within it, with the error code it has always had (MG_ERR_TIMEOUT).
 * No timing is asserted beyond "before the deadline plus one second".
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/mitmguard.js');
let silent: Server;
const held: Socket[] = [];
let target: string;

before(async () => {
  silent = createServer((s) => void held.push(s.on('error', () => {})));
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  target = `127.0.0.1:${(silent.address() as { port: number }).port}`;
});

after(() => {
  for (const s of held) s.destroy();
  silent?.close();
});

function scan(args: string[]): Promise<{ status: number; target: Record<string, any> }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [BIN, 'scan', '--format', 'json', ...args, target], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      try {
        done({ status: err ? Number(err.code) : 0, target: JSON.parse(stdout).targets[0] });
      } catch {
        fail(new Error(`no JSON document: ${stderr}`));
      }
    });
  });
}

test('a silent endpoint ends within the default deadline (4 × --timeout) with MG_ERR_TIMEOUT', async () => {
  const { status, target: t } = await scan(['--timeout', '1000']);
  assert.equal(status, 2, 'a target that could not be scanned is exit 2');
  assert.equal(t.ok, false);
  assert.equal(t.error.code, 'MG_ERR_TIMEOUT');
  assert.ok(t.durationMs <= 4 * 1000 + 1000, `took ${t.durationMs} ms, deadline 4000 ms`);
});

test('--deadline bounds the target below the sum of its steps', async () => {
  const { target: t } = await scan(['--timeout', '1000', '--deadline', '1500']);
  assert.equal(t.error.code, 'MG_ERR_TIMEOUT');
  assert.ok(t.durationMs <= 1500 + 1000, `took ${t.durationMs} ms, deadline 1500 ms`);
});

test('a malformed --deadline is a usage error before any connection', async () => {
  const before = held.length;
  const r = await new Promise<{ code: number; stderr: string }>((done) =>
    execFile(process.execPath, [BIN, 'scan', '--deadline', 'soon', target], { encoding: 'utf8' }, (err, _o, stderr) => done({ code: Number(err?.code ?? 0), stderr })),
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /MG_ERR_USAGE.*--deadline/);
  assert.equal(held.length, before, 'no connection was opened');
});
