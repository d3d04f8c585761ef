import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogue } from '../checks/catalogue.js';
import { SCAN_CHECKS } from './scan.js';

describe('scanner default checks', () => {
  it('are exactly the catalogue checks that read the tls observation', () => {
    const fromCatalogue = catalogue.all().filter((c) => c.source === 'tls').map((c) => c.id);
    assert.ok(fromCatalogue.length > 0);
    assert.deepEqual(SCAN_CHECKS.all().map((c) => c.id), fromCatalogue);
  });
});
