import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaObservation } from '../ca/observation.js';
import { CheckRegistry } from './registry.js';
import { caChecks } from './ca.js';

const registry = new CheckRegistry(caChecks);
const healthy: CaObservation = {
  dir: '/ca', at: '2026-06-01T00:00:00.000Z', name: 'X', encrypted: true, rootKeyOnline: false, exposedKeys: [],
  intermediate: { subject: 'CN=X Intermediate', notAfter: '2028-01-01T00:00:00.000Z' },
  responder: { notAfter: '2026-06-20T00:00:00.000Z' },
  crl: { number: 4, nextUpdate: '2026-06-01T12:00:00.000Z' },
  audit: { ok: true, events: 10 },
  certificates: [{ serial: '01', profile: 'server', names: ['dns:a'], notBefore: '2026-05-20T00:00:00.000Z', notAfter: '2026-06-19T00:00:00.000Z', status: 'valid', keyAlgorithm: 'ec-prime256v1', renewed: false }],
};
const ids = (o: CaObservation) => registry.run('ca', o, 'ca:/ca').map((f) => `${f.id}:${f.severity}`);

test('a healthy CA has no findings', () => {
  assert.deepEqual(ids(healthy), []);
});

test('hygiene findings: broken audit, exposed and clear keys, online root, stale CRL, expiring authorities and leaves, weak keys', () => {
  const bad: CaObservation = {
    ...healthy,
    encrypted: false,
    rootKeyOnline: true,
    exposedKeys: [{ file: 'intermediate.key', mode: '0644' }],
    intermediate: { ...healthy.intermediate, notAfter: '2026-06-10T00:00:00.000Z' },
    responder: { notAfter: '2026-06-03T00:00:00.000Z' },
    crl: { number: 4, nextUpdate: '2026-05-31T00:00:00.000Z' },
    audit: { ok: false, events: 3, brokenAt: { line: 4, reason: 'edited' } },
    certificates: [
      { ...healthy.certificates[0]!, notAfter: '2026-06-03T00:00:00.000Z' },
      { ...healthy.certificates[0]!, serial: '02', keyAlgorithm: 'rsa-1024' },
      { ...healthy.certificates[0]!, serial: '03', notAfter: '2026-06-03T00:00:00.000Z', renewed: true },
      { ...healthy.certificates[0]!, serial: '04', keyAlgorithm: 'rsa-1024', status: 'revoked' },
    ],
  };
  assert.deepEqual(ids(bad).sort(), [
    'ca.audit.chain-broken:critical', 'ca.certificate.expiring:low', 'ca.certificate.weak-key:high', 'ca.crl.stale:high',
    'ca.intermediate.expiring:high', 'ca.key.readable-by-others:high', 'ca.key.unencrypted:medium', 'ca.responder.expiring:medium',
    'ca.root-key.online:medium',
  ]);
});
