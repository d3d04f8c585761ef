import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MitmError } from '../errors.js';
import { checkOutputPath, contractExitCode, MAX_MESSAGE_CHARS, numberOption, printable } from './output.js';

describe('the exit-code contract', () => {
  const high = [{ severity: 'high' as const }];
  it('2 when something could not be assessed, whatever the findings; --allow-unreachable judges the rest', () => {
    assert.equal(contractExitCode({ findings: [], failOn: 'high', unassessed: ['x:1 (MG_ERR_CONNECT: refused)'] }), 2);
    assert.equal(contractExitCode({ findings: high, failOn: 'high', unassessed: ['x:1'] }), 2);
    assert.equal(contractExitCode({ findings: high, failOn: 'high', unassessed: ['x:1'], allowUnreachable: true }), 1);
    assert.equal(contractExitCode({ findings: [], failOn: 'high', unassessed: ['x:1'], allowUnreachable: true }), 0);
  });
  it('1 at or above --fail-on, 0 below it', () => {
    assert.equal(contractExitCode({ findings: high, failOn: 'high' }), 1);
    assert.equal(contractExitCode({ findings: high, failOn: 'critical' }), 0);
    assert.equal(contractExitCode({ findings: [{ severity: 'info' }], failOn: 'info' }), 1);
  });
});

describe('messages and options', () => {
  it('printable: control bytes and escape sequences never reach the terminal; long messages are cut', () => {
    assert.equal(printable('bad \u001b[31mred\u0000\u0007 end'), 'bad ?[31mred?? end');
    const long = printable('x'.repeat(MAX_MESSAGE_CHARS + 50));
    assert.equal(long, `${'x'.repeat(MAX_MESSAGE_CHARS)}… (50 more characters)`);
    assert.equal(printable('tab\tand\nnewline stay'), 'tab\tand\nnewline stay');
  });

  it('checkOutputPath: a directory, a path under a file and an unwritable place are usage errors before any work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-out-'));
    writeFileSync(join(dir, 'file'), '');
    assert.throws(() => checkOutputPath(dir), (e) => e instanceof MitmError && e.code === 'MG_ERR_USAGE' && /is a directory; name a file/.test(e.message));
    assert.throws(() => checkOutputPath(join(dir, 'file', 'x.txt')), (e) => e instanceof MitmError && e.message === `--output ${join(dir, 'file', 'x.txt')}: ${join(dir, 'file')} is a file, not a directory`);
    assert.doesNotThrow(() => checkOutputPath(join(dir, 'new', 'deeper', 'report.html')), 'missing directories are created later');
  });

  it('numberOption shows its default as a number and keeps the value a string for the parsers', () => {
    const o = numberOption('-t, --timeout <ms>', 'per-connection timeout', 5000);
    assert.equal(o.defaultValue, '5000');
    assert.equal(o.defaultValueDescription, '5000');
  });
});
