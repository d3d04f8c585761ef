import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MitmError } from './errors.js';
import { fileProblem, looksBinary, readInputFile } from './input-file.js';

describe('readInputFile: one message per cause', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-input-'));

  it('missing, a directory, a path through a file: MG_ERR_IO with the cause in words', () => {
    const cases: Array<[string, string]> = [
      [join(dir, 'nope.pem'), `trust anchors ${join(dir, 'nope.pem')}: no such file`],
      [dir, `trust anchors ${dir}: is a directory; name a file`],
    ];
    writeFileSync(join(dir, 'f'), 'x');
    cases.push([join(dir, 'f', 'below'), `trust anchors ${join(dir, 'f', 'below')}: no such file (a part of the path is not a directory)`]);
    for (const [path, message] of cases) {
      assert.throws(() => readInputFile('trust anchors', path), (e) => e instanceof MitmError && e.code === 'MG_ERR_IO' && e.message === message, path);
    }
  });

  it('over the named limit: MG_ERR_TOO_LARGE', () => {
    const big = join(dir, 'big');
    writeFileSync(big, 'x'.repeat(100));
    assert.throws(() => readInputFile('anchor file', big, 10), (e) => e instanceof MitmError && e.code === 'MG_ERR_TOO_LARGE');
  });

  it('an errno with no sentence of its own still reads as words', () => {
    assert.equal(fileProblem(Object.assign(new Error('x'), { code: 'EIO' })), 'cannot be read (EIO)');
    assert.equal(fileProblem(new Error('x')), 'cannot be read');
  });

  it('looksBinary: NUL bytes or invalid UTF-8, not text with accents', () => {
    assert.equal(looksBinary(Buffer.from('lab.mitmguard.test. IN DS 1 13 2 AB\n')), false);
    assert.equal(looksBinary(Buffer.from('zone é ü ✓\n')), false);
    assert.equal(looksBinary(Buffer.from([0x41, 0x00, 0x42])), true);
    assert.equal(looksBinary(Buffer.from([0xff, 0xfe, 0x41])), true);
  });
});
