import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../model/index.js';
import { MitmError } from '../errors.js';
import { previousRun, topRisks, trendText } from './summary.js';

const f = (target: string, severity: Finding['severity'], id = `x.${target}.${severity}`): Finding => ({ id, pillar: 'encryption', severity, target, title: id, evidence: '', remediation: '', references: [] });

describe('executive summary', () => {
  it('top risks: worst first, spread over targets before a second one of the same target', () => {
    const all = [f('a', 'critical', 'a1'), f('a', 'critical', 'a2'), f('a', 'critical', 'a3'), f('b', 'high'), f('c', 'medium'), f('d', 'low'), f('e', 'low'), f('f', 'info')];
    assert.deepEqual(topRisks(all).map((x) => x.id), ['a1', 'x.b.high', 'x.c.medium', 'x.d.low', 'x.e.low']);
  });

  it('top risks: with fewer targets than five, the rest come from the worst remaining findings', () => {
    const all = [f('a', 'critical', 'a1'), f('a', 'high', 'a2'), f('b', 'medium', 'b1'), f('a', 'low', 'a3')];
    assert.deepEqual(topRisks(all).map((x) => x.id), ['a1', 'a2', 'b1', 'a3']);
  });

  it('a previous run must be a report, not a bare scan: MG_ERR_MALFORMED naming the field', () => {
    assert.throws(() => previousRun({ tool: 'mitmguard', targets: [] }, 'old.json'), (e) => e instanceof MitmError && e.code === 'MG_ERR_MALFORMED' && /old\.json: not a mitmguard report/.test(e.message));
  });

  it('trend words: up, down, unchanged, nothing without a previous report', () => {
    assert.equal(trendText({ from: 'C', movement: 'better' }), '▲ up from C');
    assert.equal(trendText({ from: 'A', movement: 'worse' }), '▼ down from A');
    assert.equal(trendText({ from: 'B', movement: 'same' }), '= unchanged');
    assert.equal(trendText({ from: null, movement: 'new' }), '');
  });
});
