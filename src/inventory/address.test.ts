import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMitmError } from '../errors.js';
import { parseInventory } from './file.js';

test('an inventory entry may name the address to connect to; without one the host is resolved', () => {
  const [a, b] = parseInventory('targets:\n  - target: https://secure.example.test:8443\n    address: 127.0.0.1\n  - target: https://www.example.test\n');
  assert.equal(a!.address, '127.0.0.1');
  assert.equal(b!.address ?? null, null);
  assert.equal(parseInventory('targets:\n  - target: https://v6.example.test\n    address: "::1"\n')[0]!.address, '::1');
});

test('an address that is not an IP address is a configuration error that names the field', () => {
  for (const bad of ['localhost', '127.0.0.256', '', '[::1]']) {
    assert.throws(
      () => parseInventory(`targets:\n  - target: https://secure.example.test\n    address: "${bad}"\n`),
      (e) => isMitmError(e, 'MG_ERR_CONFIG') && /address/.test((e as Error).message),
      bad,
    );
  }
});
