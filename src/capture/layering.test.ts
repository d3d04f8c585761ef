/**
 * The capture wing's promise (DESIGN.md): readers, decoders, detectors and the analyser are pure — no file, socket,
 * process or clock — and only file.ts, live.ts and chain-judge.ts (the I/O bridges) touch the outside. Checked on the
 * import statements of every module, so a later edit that breaks it fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const IO_MODULES = new Set(['file.ts', 'live.ts', 'chain-judge.ts']);
const FORBIDDEN = /from '(node:(fs|net|dgram|child_process|http|https|tls|process|timers)(\/promises)?|.*\/(file|live|chain-judge)\.js|.*\/cli\/.*|.*x509\/(trust-store|assess|fetch)\.js)'/;

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return modules(p);
    return n.endsWith('.ts') && !n.endsWith('.test.ts') && !p.includes('/testdata/') ? [p] : [];
  });
}

it('pure capture modules import no I/O, no clock and none of the wing\'s I/O bridges', () => {
  const offenders: string[] = [];
  for (const file of modules(here)) {
    const rel = relative(here, file);
    if (IO_MODULES.has(rel)) continue;
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) if (/^import /.test(line) && FORBIDDEN.test(line)) offenders.push(`${rel}: ${line}`);
    if (/\bDate\.now\(|performance\.now\(|process\./.test(text)) offenders.push(`${rel}: reads the clock or the process`);
  }
  assert.deepEqual(offenders, []);
  assert.ok(modules(here).length > 20);
});
