/**
 * `mitmguard` loads only the module of the command it runs (src/cli/main.ts); help, `help`, no command and errors load
 * every module. These tests pin what the user sees, for the source (through tsx) and for the bundle scripts/build.mjs
 * makes (built here into a scratch directory, so a stale or concurrently rebuilt dist/ does not matter).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commands } from '../../src/cli/commands/index.js';
import { EXIT } from '../../src/cli/output.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Generous: other engineers' tests share this 2-core machine. */
const TIMEOUT_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(argv: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: ROOT, timeout: TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The command names in the "Commands:" section of a help text, in order. */
function listedCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

const bundleDir = mkdtempSync(join(tmpdir(), 'mg-cli-startup-'));
before(async () => {
  const b = await run([join(ROOT, 'scripts/build.mjs'), bundleDir]);
  assert.equal(b.code, 0, `build failed:\n${b.stdout}\n${b.stderr}`);
});
after(() => rmSync(bundleDir, { recursive: true, force: true }));

const runners: { name: string; cli: (args: string[]) => Promise<Run> }[] = [
  { name: 'source', cli: (args) => run(['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args]) },
  // Outside the repository: the bundle carries its dependencies and needs no node_modules.
  { name: 'bundle', cli: (args) => run([join(bundleDir, 'cli.js'), ...args]) },
];

for (const { name, cli } of runners) {
  describe(`mitmguard start-up (${name})`, () => {
    it('lists every command of the table, in table order, for --help, `help` and no command', async () => {
      const names = commands.map((c) => c.name);
      const help = await cli(['--help']);
      assert.equal(help.code, EXIT.OK, help.stderr);
      assert.deepEqual(listedCommands(help.stdout), [...names, 'help']);

      const helpCommand = await cli(['help']);
      assert.equal(helpCommand.code, EXIT.OK, helpCommand.stderr);
      assert.deepEqual(listedCommands(helpCommand.stdout), [...names, 'help']);

      // No command: commander prints the help on stderr and exits with a usage error.
      const none = await cli([]);
      assert.equal(none.code, EXIT.ERROR);
      assert.deepEqual(listedCommands(none.stdout + none.stderr), [...names, 'help']);
    });

    it('exits 2 on an unknown command and still lists every command after the error', async () => {
      const r = await cli(['no-such-command']);
      assert.equal(r.code, EXIT.ERROR);
      assert.match(r.stderr, /unknown command 'no-such-command'/);
      assert.deepEqual(listedCommands(r.stderr), [...commands.map((c) => c.name), 'help']);
    });

    it('exits 2 on an unknown option, before or after the command', async () => {
      const root = await cli(['--no-such-option', 'scan']);
      assert.equal(root.code, EXIT.ERROR);
      assert.match(root.stderr, /unknown option '--no-such-option'/);
      assert.deepEqual(listedCommands(root.stderr), [...commands.map((c) => c.name), 'help']);

      const sub = await cli(['scan', '--no-such-option']);
      assert.equal(sub.code, EXIT.ERROR);
      assert.match(sub.stderr, /unknown option '--no-such-option'/);
      assert.match(sub.stderr, /Usage: mitmguard scan/);
    });

    it('shows the scan options, --sni among them, for scan --help and help scan', async () => {
      for (const args of [['scan', '--help'], ['help', 'scan']]) {
        const r = await cli(args);
        assert.equal(r.code, EXIT.OK, r.stderr);
        assert.match(r.stdout, /Usage: mitmguard scan/);
        assert.match(r.stdout, /--sni/);
      }
    });

    it('prints the package version for --version and -V, alone or after a command', async () => {
      for (const args of [['--version'], ['-V'], ['scan', '--version']]) {
        const r = await cli(args);
        assert.equal(r.code, EXIT.OK, r.stderr);
        assert.equal(r.stdout, `${VERSION}\n`);
      }
    });

    it('gives every command its own help from its module', async () => {
      for (const { name: command } of commands) {
        const r = await cli([command, '--help']);
        assert.equal(r.code, EXIT.OK, `${command}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: mitmguard ${command}\\b`, 'm'));
      }
    });
  });
}
