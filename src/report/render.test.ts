import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { presetPolicy } from '../policy/load.js';
import { parsePolicy } from '../policy/load.js';
import { isMitmError } from '../errors.js';
import { buildReport, failsAt, parseScanDocument, renderHtml, renderJunit, renderReport, renderText } from './index.js';
import { sampleScanDocument } from './sample.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const report = () => buildReport(sampleScanDocument(NOW), presetPolicy('intermediate'), { now: NOW, names: { 'https://127.0.0.1:8443': 'modern' }, tags: { 'https://127.0.0.1:8443': ['web'] } });

test('the report keeps the scan document and adds grades, findings and a summary under `report`', () => {
  const r = report();
  assert.equal(r.tool, 'mitmguard');
  assert.equal(r.targets.length, 4);
  assert.equal(r.report.summary.targets, 4);
  assert.equal(r.report.summary.unreachable, 1);
  assert.equal(r.report.grades.pillars.certificates.grade, 'T', 'the expired certificate makes the certificate pillar T');
  assert.equal(r.report.grades.pillars.certificates.worstTarget, 'https://127.0.0.1:8445');
  const modern = r.report.targets.find((t) => t.target === 'https://127.0.0.1:8443')!;
  assert.equal(modern.grades.pillars.encryption.grade, 'A+');
  assert.deepEqual(modern.findings, []);
  assert.equal(r.report.summary.findings, r.report.findings.length);
  assert.equal(r.report.certificates.length, 3);
  assert.ok(r.report.certificates[0]!.daysLeft < 0, 'the timeline is ordered by expiry, expired first');
});

test('re-grading a report under another policy starts from the scan, not from the previous report', () => {
  const first = report();
  const again = buildReport(first, presetPolicy('modern'), { now: NOW });
  assert.equal(again.report.policy.name, 'modern');
  assert.ok(again.report.findings.some((f) => f.id === 'policy.tls.min-version' && f.target === 'https://127.0.0.1:8443'));
  assert.equal(new Set(again.report.findings.map((f) => `${f.id}|${f.target}|${f.evidence}`)).size, again.report.findings.length, 'no duplicates');
});

test('--fail-on: failsAt is true only when a counted finding is at or above the threshold', () => {
  const r = report();
  assert.equal(failsAt(r, 'critical'), true, 'the expired certificate is critical');
  const accepting = parsePolicy('extends: intermediate\nacceptedRisks:\n  - id: policy.cert.expired\n    reason: lab certificate\n    expires: 2026-12-31\n');
  const r2 = buildReport(sampleScanDocument(NOW), accepting, { now: NOW });
  assert.equal(failsAt(r2, 'critical'), false);
  assert.equal(r2.report.accepted.length, 1);
});

test('the terminal report starts with the one-screen summary, then details with remediation', () => {
  const text = renderText(report());
  const lines = text.split('\n');
  assert.match(lines[0]!, /policy intermediate — 4 target\(s\), 3 reachable/);
  assert.match(text, /Overall grade {2}T/);
  assert.match(text, /Certificate validation +T/);
  assert.match(text, /modern https:\/\/127\.0\.0\.1:8443 +A /);
  assert.match(text, /not scanned: MG_ERR_CONNECT/);
  const details = text.indexOf('Details (');
  assert.ok(details > 0 && details < text.indexOf('[CRITICAL] policy.cert.expired'));
  assert.match(text, /fix: +Renew the certificate/);
  assert.ok(!text.includes('\x1b['), 'no colour unless asked');
  assert.ok(renderText(report(), { color: true }).includes('\x1b['));
  assert.ok(lines.indexOf('') < 40, 'the summary fits on one screen');
});

test('JUnit XML: one suite per target, failures at or above --fail-on, errors for unreachable targets, well-formed', () => {
  const xml = renderJunit(report(), 'high');
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  assert.equal((xml.match(/<testsuite /g) ?? []).length, 4);
  assert.match(xml, /<testcase classname="https:\/\/127\.0\.0\.1:8445\.certificates" name="policy\.cert\.expired" time="0\.000">\s*<failure type="critical"/);
  assert.match(xml, /<error type="MG_ERR_CONNECT"/);
  assert.match(xml, /<skipped message="medium \(below --fail-on high\)/);
  // python3's expat parser is the judge of well-formedness.
  const out = execFileSync('python3', ['-c', 'import sys,xml.etree.ElementTree as E; r=E.fromstring(sys.stdin.read()); print(r.tag, r.get("failures"), r.get("errors"))'], { input: xml }).toString().trim();
  const failures = report().report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
  assert.equal(out, `testsuites ${failures} 1`);
});

test('JUnit escapes markup in evidence', () => {
  const doc = sampleScanDocument(NOW);
  doc.targets[1]!.findings[0]!.evidence = '<script>&"\'\u0001';
  const xml = renderJunit(buildReport(doc, presetPolicy('intermediate'), { now: NOW }), 'info');
  assert.ok(xml.includes('&lt;script&gt;&amp;&quot;&apos;\uFFFD'));
});

test('the HTML report is one self-contained page: CSP forbids external loads, charts are inline SVG, findings carry remediation', () => {
  const html = renderHtml(report());
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
  assert.ok(!/<(link|img|iframe)\b[^>]*\b(src|href)="(https?:)?\/\//i.test(html), 'no external resource');
  assert.ok(!/<script[^>]+src=/i.test(html));
  for (const id of ['summary', 'chart-severity', 'chart-pillars', 'cert-timeline', 'findings', 'overall-grade']) assert.match(html, new RegExp(`id="${id}"`));
  assert.match(html, /data-id="policy\.cert\.expired"/);
  assert.match(html, /Renew the certificate now/);
});

test('the HTML report escapes everything it did not write itself', () => {
  const doc = sampleScanDocument(NOW);
  doc.targets[1]!.findings[0]!.evidence = '<img src=x onerror=alert(1)>';
  const html = renderHtml(buildReport(doc, presetPolicy('intermediate'), { now: NOW }));
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
});

test('renderReport covers every format and refuses an unknown one', () => {
  const r = report();
  assert.equal(JSON.parse(renderReport(r, 'json')).report.policy.name, 'intermediate');
  assert.equal(JSON.parse(renderReport(r, 'sarif')).version, '2.1.0');
  assert.throws(() => renderReport(r, 'pdf' as never), (e) => isMitmError(e, 'MG_ERR_USAGE'));
});

test('parseScanDocument rejects what is not a scan document, by code', () => {
  for (const bad of ['', 'nope', '[]', '{"tool":"other","targets":[]}', '{"tool":"mitmguard","targets":[{"target":1}]}']) {
    assert.throws(() => parseScanDocument(bad, 'x.json'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'), bad);
  }
  assert.equal(parseScanDocument(JSON.stringify(sampleScanDocument(NOW))).targets.length, 4);
});

test('peer-supplied control characters reach neither the text nor the HTML report raw', () => {
  const r = report();
  const hostile = 'GET /\x1b[2J\x1b[H\x07 all clean \u202eevil\x9b31m';
  r.report.findings[0]!.evidence = hostile;
  r.report.findings[0]!.target = 'https://x\x1b]0;title\x07/';
  const text = renderText(r, { color: false });
  const html = renderHtml(r);
  for (const out of [text, html]) {
    assert.equal(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(out), false, 'no raw control character');
  }
  assert.ok(text.includes('GET /\\x1b[2J\\x1b[H\\x07 all clean \\u202eevil\\x9b31m'), 'shown as visible escapes');
  assert.ok(html.includes('\\x1b[2J'));
});
