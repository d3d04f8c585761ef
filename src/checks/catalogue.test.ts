import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { catalogue } from './catalogue.js';
import { renderChecksDoc } from './doc.js';
import { PILLARS, SEVERITIES } from '../model/index.js';

test('docs/checks.md is generated from the catalogue and is not stale (run `npm run docs:checks`)', () => {
  const onDisk = readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8');
  assert.equal(onDisk, renderChecksDoc(catalogue.all()));
});

test('every check has a pillar, a severity, a title, a description, a remediation and a dotted id', () => {
  for (const c of catalogue.all()) {
    assert.ok(PILLARS.includes(c.pillar), `${c.id}: pillar`);
    assert.ok(SEVERITIES.includes(c.severity), `${c.id}: severity`);
    assert.ok(c.title.length > 3 && c.description.length > 10 && c.remediation.length > 10, `${c.id}: texts`);
    assert.match(c.id, /^[a-z0-9]+(\.[a-z0-9-]+)+$/);
  }
});
