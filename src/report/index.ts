import type { Severity } from '../model/index.js';
import { MitmError } from '../errors.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import type { ReportDocument } from './model.js';
import { findingsToSarif } from './sarif.js';
import { renderText } from './text.js';

export * from './model.js';
export { findingsToSarif } from './sarif.js';
export { renderText } from './text.js';
export { renderJunit } from './junit.js';
export { renderHtml } from './html.js';
export { targetUri } from './target-uri.js';
export { mergeSameFlaw, SAME_FLAW } from './merge.js';
export { executiveSummary, previousRun, TOP_RISKS, type ExecutiveSummary, type PreviousRun } from './summary.js';

import { REPORT_FORMATS, type ReportFormat } from './formats.js';
export { REPORT_FORMATS, isReportFormat, type ReportFormat } from './formats.js';

/** Render a report in one of the formats (`--format`). */
export function renderReport(doc: ReportDocument, format: ReportFormat, opts: { color?: boolean; failOn?: Severity } = {}): string {
  const renderers: Record<ReportFormat, () => string> = {
    text: () => renderText(doc, { color: opts.color ?? false }),
    json: () => JSON.stringify(doc, null, 2) + '\n',
    sarif: () => JSON.stringify(findingsToSarif(doc.report.findings, { owners: Object.fromEntries(doc.report.targets.map((t) => [t.target, t.owner])) }), null, 2) + '\n',
    junit: () => renderJunit(doc, opts.failOn ?? doc.report.policy.failOn),
    html: () => renderHtml(doc),
  };
  const r = renderers[format];
  if (!r) throw new MitmError('MG_ERR_USAGE', `unknown report format ${JSON.stringify(format)} (one of ${REPORT_FORMATS.join(', ')})`);
  return r();
}
