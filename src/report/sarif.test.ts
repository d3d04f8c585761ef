import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sarifErrors } from '../../test/helpers/sarif-schema.js';
import type { Finding } from '../model/index.js';
import { defineCheck } from '../checks/registry.js';
import { findingsToSarif } from './sarif.js';
import { targetUri } from './target-uri.js';

const finding = (over: Partial<Finding> = {}): Finding => ({
  id: 'tls.protocol.tls10-enabled',
  pillar: 'encryption',
  severity: 'high',
  target: '127.0.0.1:8443',
  title: 'TLS 1.0 is enabled',
  evidence: 'the server completed a TLS 1.0 handshake',
  remediation: 'Disable TLS 1.0 and 1.1.',
  references: ['RFC 8996', 'https://www.rfc-editor.org/rfc/rfc8996'],
  ...over,
});

const known = defineCheck({
  id: 'tls.protocol.tls10-enabled',
  source: 'never' as never,
  pillar: 'encryption',
  severity: 'high',
  title: 'TLS 1.0 accepted',
  description: 'The server accepts TLS 1.0, deprecated by RFC 8996.',
  remediation: 'Set the minimum protocol version to TLS 1.2.',
  references: ['https://www.rfc-editor.org/rfc/rfc8996'],
  evaluate: () => undefined,
});
const lookup = (id: string) => (id === known.id ? (known as never) : undefined);

test('SARIF log has one result per finding, ruleId = check id, and validates against the SARIF 2.1.0 schema', () => {
  const findings = [
    finding(),
    finding({ target: 'smtp://mail.example.test:25', severity: 'medium' }),
    finding({ id: 'cert.expired', pillar: 'certificates', severity: 'critical', title: 'Expired', target: '[::1]:443' }),
    finding({ id: 'net.dnssec.absent', pillar: 'network', severity: 'info', target: 'example.test' }),
  ];
  const log = findingsToSarif(findings, { lookup }) as any;
  assert.deepEqual(sarifErrors(log), []);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  assert.equal(run.results.length, 4);
  assert.deepEqual(run.results.map((r: any) => r.ruleId), findings.map((f) => f.id));
  assert.equal(run.tool.driver.rules.length, 3, 'one rule per distinct check id');
  assert.deepEqual(run.results.map((r: any) => r.level), ['error', 'warning', 'error', 'note']);
  for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
});

test('SARIF rules take title, description and remediation from the catalogue when the id is known', () => {
  const log = findingsToSarif([finding()], { lookup }) as any;
  const rule = log.runs[0].tool.driver.rules[0];
  assert.equal(rule.shortDescription.text, 'TLS 1.0 accepted');
  assert.match(rule.help.text, /minimum protocol version to TLS 1\.2/);
  assert.equal(rule.helpUri, 'https://www.rfc-editor.org/rfc/rfc8996');
  assert.equal(rule.properties['security-severity'], '8.0');
});

test('SARIF locations are target URIs', () => {
  const log = findingsToSarif([finding(), finding({ target: 'smtp://mail.example.test:25' })], { lookup }) as any;
  const uris = log.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri);
  assert.deepEqual(uris, ['tls://127.0.0.1:8443', 'smtp://mail.example.test:25']);
});

test('SARIF tool name, version and informationUri can be set by the caller', () => {
  const log = findingsToSarif([], { toolName: 'mitmguard-audit', version: '9.9.9', informationUri: 'https://example.test/x' }) as any;
  assert.deepEqual(sarifErrors(log), []);
  assert.deepEqual(
    [log.runs[0].tool.driver.name, log.runs[0].tool.driver.version, log.runs[0].tool.driver.informationUri],
    ['mitmguard-audit', '9.9.9', 'https://example.test/x'],
  );
  assert.deepEqual(log.runs[0].results, []);
});

test('both SARIF schemas (the official one and ours) reject a log with an invented property or a bad level', () => {
  const log = findingsToSarif([finding()], { lookup }) as any;
  log.runs[0].results[0].level = 'fatal';
  const errors = sarifErrors(log);
  assert.ok(errors.some((e) => e.startsWith('official')) && errors.some((e) => e.startsWith('mitmguard')), errors.join('\n'));
  const log2 = findingsToSarif([finding()], { lookup }) as any;
  log2.runs[0].results[0].severity = 'high';
  const errors2 = sarifErrors(log2);
  assert.ok(errors2.some((e) => e.startsWith('official')) && errors2.some((e) => e.startsWith('mitmguard')), errors2.join('\n'));
});

test('targetUri turns host:port, URIs, IPv6 and other targets into URIs', () => {
  assert.equal(targetUri('Example.TEST:443'), 'tls://example.test:443');
  assert.equal(targetUri('[::1]:8443'), 'tls://[::1]:8443');
  assert.equal(targetUri('https://a.test/x y'), 'https://a.test/x%20y');
  assert.equal(targetUri('example.test'), 'tls://example.test:443');
  assert.equal(targetUri('curl -k https://x'), 'urn:mitmguard:target:curl%20-k%20https%3A%2F%2Fx');
});
