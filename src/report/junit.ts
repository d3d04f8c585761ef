/**
 * JUnit XML for CI dashboards (the de-facto schema read by Jenkins, GitLab and GitHub test reporters): one test suite
 * per target, one test case per check that ran against it, a <failure> for each finding at or above --fail-on and a
 * <skipped> note for findings below it, so the dashboard's red matches the exit code.
 */
import type { Severity } from '../model/index.js';
import { SEVERITIES } from '../model/index.js';
import type { ReportDocument } from './model.js';

/** XML 1.0 §2.2: escape markup and drop characters XML cannot carry. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');

/**
 * Render a report as JUnit XML.
 *
 * @example writeFileSync('mitmguard.junit.xml', renderJunit(report, 'high'))
 */
export function renderJunit(doc: ReportDocument, failOn: Severity = doc.report.policy.failOn): string {
  const limit = SEVERITIES.indexOf(failOn);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  for (const t of doc.report.targets) {
    const scan = doc.targets.find((x) => x.target === t.target);
    const cases: string[] = [];
    let tFail = 0;
    let tErr = 0;
    let tSkip = 0;
    if (!t.ok) {
      tErr++;
      cases.push(`    <testcase ${attrs({ classname: t.target, name: 'reachable', time: seconds(scan?.durationMs ?? 0) })}>\n      <error ${attrs({ type: t.error?.code ?? 'MG_ERR_INTERNAL', message: t.error?.message ?? 'target could not be scanned' })}/>\n    </testcase>`);
    } else {
      cases.push(`    <testcase ${attrs({ classname: t.target, name: 'scan', time: seconds(scan?.durationMs ?? 0) })}/>`);
    }
    for (const f of t.findings) {
      const failing = SEVERITIES.indexOf(f.severity) <= limit;
      const body = `${f.evidence}\nOwner: ${t.owner ?? 'no owner'}\nRemediation: ${f.remediation}${f.references.length ? `\nReferences: ${f.references.join(', ')}` : ''}`;
      const inner = failing
        ? `<failure ${attrs({ type: f.severity, message: `${f.title}: ${f.evidence}` })}>${xmlEscape(body)}</failure>`
        : `<skipped ${attrs({ message: `${f.severity} (below --fail-on ${failOn}): ${f.title}` })}/>`;
      if (failing) tFail++;
      else tSkip++;
      cases.push(`    <testcase ${attrs({ classname: `${t.target}.${f.pillar}`, name: f.id, time: '0.000' })}>\n      ${inner}\n    </testcase>`);
    }
    total += cases.length;
    failures += tFail;
    errors += tErr;
    const g = t.grades.overall ?? 'n/a';
    suites.push(
      `  <testsuite ${attrs({ name: t.target, tests: cases.length, failures: tFail, errors: tErr, skipped: tSkip, time: seconds(scan?.durationMs ?? 0), timestamp: doc.startedAt })}>\n` +
        `    <properties>\n      <property ${attrs({ name: 'grade', value: g })}/>\n      <property ${attrs({ name: 'owner', value: t.owner ?? '' })}/>\n      <property ${attrs({ name: 'tags', value: t.tags.join(',') })}/>\n    </properties>\n` +
        `${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites ${attrs({ name: `mitmguard (policy ${doc.report.policy.name})`, tests: total, failures, errors, time: ((Date.parse(doc.finishedAt) - Date.parse(doc.startedAt)) / 1000 || 0).toFixed(3) })}>\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
