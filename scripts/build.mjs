#!/usr/bin/env node
// Bundles the CLI (and the library entry points scripts use) into dist/ so `mitmguard` starts without a TypeScript
// loader. `node scripts/build.mjs [outdir]` (default dist/).
//
// Start-up is a large share of a one-endpoint `mitmguard scan`, so (figures in docs/scan.md):
// - splitting: each command module (src/cli/commands/index.ts loads them with import()) and the library code behind it
//   is its own chunk; dist/cli.js loads only commander and the command it runs.
// - dependencies are bundled too: Node resolving and reading the many files of zod, yaml, @peculiar/* and commander
//   from node_modules cost more than reading them from a few chunks. The CommonJS ones call require() for Node's own
//   modules, which an ES module has not got, so every chunk defines one through createRequire.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a content hash, so an old build's chunks would pile up beside the new ones: start empty.
const outdir = process.argv[2] ?? 'dist';
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli/main.ts', pki: 'src/pki/index.ts' },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  banner: { js: "import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);" },
  sourcemap: true,
  // Loaded only by `--format pdf` (src/report/pdf.ts); it finds its own files at run time, so it is not bundled.
  external: ['playwright-core'],
  logLevel: 'warning',
});
