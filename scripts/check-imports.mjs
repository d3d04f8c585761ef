#!/usr/bin/env node
// The import rules of docs/architecture.md, checked by dependency-cruiser (.dependency-cruiser.cjs): no import circle,
// the model at the ground floor, pure wings without I/O, no library wing importing the CLI, reports without probes.
// `npm test` runs this before the tests; a violation fails the run. Usage: node scripts/check-imports.mjs [ROOT]
// (ROOT: a checkout to check, default this one; the test of the rules points it at a scratch copy).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
const cli = join(new URL('..', import.meta.url).pathname, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`check-imports: dependency-cruiser needs Node >= 22; this is ${process.version} (run it with the pinned Node)`);
  process.exit(2);
}
const r = spawnSync(process.execPath, [cli, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root, encoding: 'utf8' });
// dependency-cruiser warns that it has no TypeScript compiler of its own (typescript 7 has no JS API); it parses
// the sources with swc instead (options.parser), which sees type-only imports as such.
const out = (r.stdout + r.stderr).split('\n\n').filter((block) => !block.includes('missing-tsc-transpiler') && !block.includes('Support for typescript@>=7')).join('\n\n').trim();
if (r.status !== 0) {
  console.error(out);
  console.error('check-imports: the import rules are broken (see docs/architecture.md, "Import rules")');
  process.exit(1);
}
console.error(`check-imports: ${out.split('\n').find((l) => l.includes('no dependency violations')) ?? out}`.trim());
