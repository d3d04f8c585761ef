#!/usr/bin/env node
// Bundles the CLI (and the library entry points scripts use) into dist/ so `mitmguard` starts without a TypeScript
// loader. Dependencies stay external.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts', pki: 'src/pki/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
