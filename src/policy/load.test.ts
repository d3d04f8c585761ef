import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMitmError, MitmError } from '../errors.js';
import { parsePolicy } from './load.js';
import { loadPolicy } from './file.js';
import { PRESET_NAMES } from './presets.js';

const configError = (fn: () => unknown): MitmError => {
  try {
    fn();
  } catch (err) {
    assert.ok(isMitmError(err), `a MitmError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
};

test('the four presets load by name and differ where their sources differ', () => {
  assert.deepEqual(PRESET_NAMES, ['modern', 'intermediate', 'nist-800-52r2', 'ncsc-nl']);
  assert.equal(loadPolicy('modern').tls.minVersion, 'TLSv1.3');
  assert.equal(loadPolicy('intermediate').tls.minVersion, 'TLSv1.2');
  assert.ok(loadPolicy('nist-800-52r2').tls.allowedCipherSuites!.includes('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'));
  assert.ok(!loadPolicy('intermediate').tls.allowedCipherSuites!.includes('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'));
  assert.equal(loadPolicy('ncsc-nl').certificates.minRsaBits, 3072);
  assert.equal(loadPolicy().name, 'intermediate', 'the default policy is intermediate');
});

test('a policy file extends a preset and changes only what it states', () => {
  const p = parsePolicy(`
extends: intermediate
name: acme
tls:
  minVersion: TLSv1.3
targets:
  - tags: [payments]
    requireMtls: true
severityOverrides:
  policy.cert.lifetime-too-long: info
acceptedRisks:
  - id: policy.tls.hsts-missing
    target: "intranet.*"
    reason: internal only, no browsers
    expires: 2027-01-31
`);
  assert.equal(p.name, 'acme');
  assert.equal(p.tls.minVersion, 'TLSv1.3');
  assert.equal(p.certificates.minRsaBits, 2048, 'inherited from intermediate');
  assert.deepEqual(p.targets, [{ tags: ['payments'], requireMtls: true }]);
  assert.equal(p.severityOverrides['policy.cert.lifetime-too-long'], 'info');
  assert.equal(p.acceptedRisks[0]!.expires, '2027-01-31');
});

test('a wrong value is reported with its file, line and column', () => {
  const e = configError(() => parsePolicy('extends: modern\ntls:\n  minVersion: TLSv1.4\n', 'p.yaml'));
  assert.equal(e.code, 'MG_ERR_CONFIG');
  assert.match(e.message, /^p\.yaml:3:15: tls\.minVersion: /);
  assert.deepEqual([e.details?.line, e.details?.col], [3, 15]);
});

test('an unknown key is an error, so a typo cannot weaken a policy', () => {
  const e = configError(() => parsePolicy('tls:\n  minVersoin: TLSv1.2\n', 'p.yaml'));
  assert.equal(e.code, 'MG_ERR_CONFIG');
  assert.match(e.message, /p\.yaml:2:3: tls: .*minVersoin/);
});

test('YAML syntax errors carry line and column', () => {
  const e = configError(() => parsePolicy('tls: [a, b\nfailOn: high\n', 'p.yaml'));
  assert.equal(e.code, 'MG_ERR_CONFIG');
  assert.match(e.message, /^p\.yaml:\d+:\d+: /);
});

test('a bad pin, a bad date and an unknown preset are refused with the path that is wrong', () => {
  assert.match(configError(() => parsePolicy('targets:\n  - pattern: "*"\n    pins: [abc]\n')).message, /:3:12: targets\[0\]\.pins\[0\]: a pin is sha256\/\//);
  assert.match(configError(() => parsePolicy('acceptedRisks:\n  - id: a.b\n    reason: why not\n    expires: soon\n')).message, /acceptedRisks\[0\]\.expires: expected a date/);
  assert.match(configError(() => parsePolicy('extends: paranoid\n')).message, /unknown preset "paranoid"/);
  assert.match(configError(() => parsePolicy('targets:\n  - requireMtls: true\n')).message, /needs tags or a pattern/);
});

test('hostile YAML (alias bomb, huge file, non-mapping) fails with a code instead of eating memory', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
  assert.equal(configError(() => parsePolicy(bomb)).code, 'MG_ERR_CONFIG');
  assert.equal(configError(() => parsePolicy('#'.repeat(1024 * 1024 + 1))).code, 'MG_ERR_TOO_LARGE');
  assert.equal(configError(() => parsePolicy('- just\n- a list\n')).code, 'MG_ERR_CONFIG');
});

test('loadPolicy reads a file, and a missing file is MG_ERR_IO naming the presets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-policy-'));
  const file = join(dir, 'p.yaml');
  writeFileSync(file, 'extends: ncsc-nl\nfailOn: medium\n');
  assert.equal(loadPolicy(file).failOn, 'medium');
  const e = configError(() => loadPolicy(join(dir, 'nope.yaml')));
  assert.equal(e.code, 'MG_ERR_IO');
  assert.match(e.message, /modern, intermediate/);
});
