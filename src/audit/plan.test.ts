import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMitmError } from '../errors.js';
import { planScenarios } from './plan.js';

test('a selection always includes the baseline, and exclusions never remove it', () => {
  assert.deepEqual(planScenarios({ protocol: 'https', only: ['expired'] }).map((p) => p.scenario.id), ['baseline', 'expired']);
  assert.ok(planScenarios({ protocol: 'https', exclude: ['baseline', 'expired'] }).some((p) => p.scenario.id === 'baseline'));
});

test('scenarios outside the protocol are planned as skipped with a reason, not silently dropped', () => {
  const plan = planScenarios({ protocol: 'smtp' });
  const hsts = plan.find((p) => p.scenario.id === 'hsts-downgrade')!;
  assert.equal(hsts.status, 'skipped');
  assert.match(hsts.reason ?? '', /https/);
  assert.equal(plan.find((p) => p.scenario.id === 'starttls-not-offered')!.status, 'run');
});

test('an unknown scenario id is a usage error', () => {
  assert.throws(() => planScenarios({ protocol: 'https', only: ['nope'] }), (e) => isMitmError(e, 'MG_ERR_USAGE'));
});
