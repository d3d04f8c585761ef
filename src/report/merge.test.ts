import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../model/index.js';
import { mergeSameFlaw, SAME_FLAW } from './merge.js';

const f = (id: string, severity: Finding['severity'], target = 'h:443', evidence = `${id} seen`): Finding => ({
  id, pillar: 'encryption', severity, target, title: id, evidence, remediation: 'fix', references: [],
});

describe('mergeSameFlaw: one finding per flaw', () => {
  it('folds TLS 1.0 and 1.1 into the policy minimum-version finding, with every evidence', () => {
    const out = mergeSameFlaw([f('tls.protocol.tls10-enabled', 'medium'), f('tls.protocol.tls11-enabled', 'medium'), f('policy.tls.min-version', 'high'), f('tls.cipher.cbc', 'low')]);
    assert.deepEqual(out.map((x) => x.id), ['policy.tls.min-version', 'tls.cipher.cbc']);
    assert.equal(out[0]!.severity, 'high');
    assert.deepEqual(out[0]!.relatedTo, ['tls.protocol.tls10-enabled', 'tls.protocol.tls11-enabled']);
    assert.equal(out[0]!.evidence, 'policy.tls.min-version seen; tls.protocol.tls10-enabled: tls.protocol.tls10-enabled seen; tls.protocol.tls11-enabled: tls.protocol.tls11-enabled seen');
  });

  it('keeps the policy finding\'s severity, so an organisation\'s severity override of it decides', () => {
    const out = mergeSameFlaw([f('tls.protocol.tls10-enabled', 'medium'), f('policy.tls.min-version', 'low')]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.severity, 'low');
  });

  it('never merges across targets, and leaves a check alone when no policy finding restates it', () => {
    const out = mergeSameFlaw([f('cert.chain.expired', 'critical', 'a:443'), f('policy.cert.expired', 'critical', 'b:443'), f('http.hsts.missing', 'medium')]);
    assert.deepEqual(out.map((x) => `${x.id}@${x.target}`), ['cert.chain.expired@a:443', 'policy.cert.expired@b:443', 'http.hsts.missing@h:443']);
    assert.ok(out.every((x) => x.relatedTo === undefined));
  });

  it('the SMTP service without STARTTLS is one finding, not three', () => {
    const out = mergeSameFlaw([f('policy.tls.plaintext', 'critical'), f('policy.tls.starttls-required', 'high'), f('starttls.not-offered', 'high'), f('starttls.auth-before-tls', 'medium')]);
    assert.deepEqual(out.map((x) => x.id), ['policy.tls.plaintext', 'starttls.auth-before-tls']);
    assert.deepEqual(out[0]!.relatedTo, ['policy.tls.starttls-required', 'starttls.not-offered']);
  });

  it('every id in the table is a distinct flaw group (no id absorbed by two policy findings)', () => {
    const all = Object.values(SAME_FLAW).flat();
    assert.equal(new Set(all).size, all.length);
  });
});
