import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_AREAS, checksFor } from '../checks/areas.js';
import { catalogue } from '../checks/catalogue.js';

describe('the check registry', () => {
  it('loads for the scanner exactly the catalogue checks that read the tls observation', async () => {
    const fromCatalogue = catalogue.all().filter((c) => c.source === 'tls').map((c) => c.id);
    assert.ok(fromCatalogue.length > 0);
    assert.deepEqual((await checksFor('tls')).all().map((c) => c.id), fromCatalogue);
  });

  it('has every catalogue check in exactly one area, and each area reads only its own kinds', async () => {
    const all = (await Promise.all(CHECK_AREAS.map(async (a) => ({ a, checks: await a.load() }))));
    for (const { a, checks } of all) {
      assert.ok(checks.length > 0, `${a.name} has checks`);
      for (const c of checks) assert.ok(a.kinds.includes(c.source), `${c.id} reads ${c.source}, not a kind of ${a.name}`);
    }
    const ids = all.flatMap(({ checks }) => checks.map((c) => c.id)).sort();
    assert.deepEqual(ids, catalogue.all().map((c) => c.id).sort());
    const kinds = CHECK_AREAS.flatMap((a) => a.kinds);
    assert.equal(new Set(kinds).size, kinds.length, 'a kind belongs to one area');
  });

  it('gives the same registry for the same kinds, in any order', async () => {
    assert.equal(await checksFor('http', 'mtls'), await checksFor('mtls', 'http'));
  });
});
