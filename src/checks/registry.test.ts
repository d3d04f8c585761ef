import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckRegistry, defineCheck } from './registry.js';

declare module './types.js' {
  interface ObservationMap {
    'test-sample': { versions: string[] };
  }
}

const legacy = defineCheck({
  id: 'test.sample.legacy',
  source: 'test-sample',
  pillar: 'encryption',
  severity: 'high',
  title: 'Legacy version enabled',
  description: 'A sample check used by the registry tests.',
  remediation: 'Disable the legacy version.',
  references: [],
  evaluate: (o) => o.versions.filter((v) => v.startsWith('TLSv1.0')).map((v) => ({ evidence: `${v} accepted` })),
});

test('a registry runs the checks of one kind and turns hits into findings with the check data', () => {
  const reg = new CheckRegistry([legacy]);
  const findings = reg.run('test-sample', { versions: ['TLSv1.0', 'TLSv1.2'] }, 'example:443');
  assert.deepEqual(findings, [
    {
      id: 'test.sample.legacy',
      pillar: 'encryption',
      severity: 'high',
      target: 'example:443',
      title: 'Legacy version enabled',
      evidence: 'TLSv1.0 accepted',
      remediation: 'Disable the legacy version.',
      references: [],
    },
  ]);
  assert.deepEqual(reg.run('test-sample', { versions: ['TLSv1.3'] }, 'x'), []);
});

test('a registry refuses duplicate and malformed ids', () => {
  assert.throws(() => new CheckRegistry([legacy, legacy]), /registered twice/);
  assert.throws(() => new CheckRegistry([{ ...legacy, id: 'NoDots' }]), /dotted/);
});
