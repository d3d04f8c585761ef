/**
 * The import rules hold on this tree, and a deliberately wrong import in a scratch copy breaks them: the check can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/check-imports.mjs');

function check(root: string) {
  return spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8', timeout: 120_000 });
}

function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-imports-'));
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  return dir;
}

test('the tree keeps every import rule', () => {
  const r = check(ROOT);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /no dependency violations found \(\d+ modules/);
});

const BREAKS: Array<[string, string, string, RegExp]> = [
  ['a codec that opens a socket', 'src/tls/wire/alert.ts', "import 'node:net';\n", /pure-wings-do-no-io: src\/tls\/wire\/alert\.ts → net/],
  ['the model importing a wing', 'src/model/finding.ts', "import '../scan/scan.js';\n", /model-is-the-ground-floor: src\/model\/finding\.ts → src\/scan\/scan\.ts/],
  ['a library wing importing the CLI', 'src/report/text.ts', "import '../cli/output.js';\n", /no-library-imports-cli: src\/report\/text\.ts → src\/cli\/output\.ts/],
  ['an import circle', 'src/dns/name.ts', "import './message.js';\n", /no-circular/],
  ['a check importing a probe', 'src/checks/tls.ts', "import '../posture/probe.js';\n", /pure-wings-import-no-io-wing: src\/checks\/tls\.ts → src\/posture\/probe\.ts/],
];

for (const [what, file, line, rule] of BREAKS) {
  test(`a scratch copy with ${what} fails the check and names the rule`, () => {
    const dir = scratchCopy();
    try {
      appendFileSync(join(dir, file), line);
      const r = check(dir);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, rule);
      assert.match(r.stderr, /the import rules are broken/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
