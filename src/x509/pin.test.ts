import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePin, PIN_PATTERN, pinOfSpki } from './pin.js';

// A pin whose base64 holds '/' characters, so the prefix is not found by the last slash.
const B64 = 'BewxhE/HM4OWKb7ua4O1SWBEvn3NrxuQVf4T3/Eek9U=';

test('both accepted syntaxes normalise to curl\'s sha256// form, slashes inside the base64 kept', () => {
  assert.equal(normalizePin(`sha256//${B64}`), `sha256//${B64}`);
  assert.equal(normalizePin(`sha256/${B64}`), `sha256//${B64}`);
  assert.equal(normalizePin(`  sha256//${B64}\n`), `sha256//${B64}`);
});

test('a legacy pin whose base64 begins with a slash is told apart from the curl form by its length', () => {
  const slashFirst = '/' + B64.slice(1);
  assert.equal(normalizePin(`sha256/${slashFirst}`), `sha256//${slashFirst}`);
  assert.equal(normalizePin(`sha256//${slashFirst}`), `sha256//${slashFirst}`);
});

test('anything else is not a pin', () => {
  for (const bad of ['', B64, `sha1//${B64}`, `sha256///${B64}`, `sha256//${B64.slice(2)}`, `sha256:${B64}`]) {
    assert.equal(normalizePin(bad), null, bad);
    assert.equal(PIN_PATTERN.test(bad), false, bad);
  }
});

test('the pin of an SPKI is RFC 7469 pin-sha256 in curl form (RFC 7469 §2.4 over the DER)', () => {
  // SHA-256 of the empty input, base64: the well-known 47DEQ… value.
  assert.equal(pinOfSpki(new Uint8Array(0)), 'sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
});
