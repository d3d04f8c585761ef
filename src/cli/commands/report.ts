/**
 * `mitmguard report <scan.json>`: re-render a saved scan (or report) under a policy in any format. Thin: read, call
 * src/report, write, set the exit code from --fail-on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SEVERITIES } from '../../model/index.js';
import { MitmError } from '../../errors.js';
import { fileError } from '../../input-file.js';
import { ALLOW_UNREACHABLE, checkOutputPath, checkPdfOutput, colors, emitPdf, finishRun, loadPrevious, parseSeverity } from '../output.js';
import { OUTPUT_FORMATS } from '../../report/formats.js';

interface ReportCommandOptions {
  format: string;
  policy?: string;
  inventory?: string;
  output?: string;
  failOn?: string;
  allowUnreachable?: boolean;
  previous?: string;
}

/** The renderers' formats, and pdf: the HTML page printed by headless Chromium. */
const FORMATS = OUTPUT_FORMATS;

export function register(program: Command): void {
  program
    .command('report')
    .description('Render a saved scan as text, JSON, SARIF 2.1.0, JUnit XML or a self-contained HTML page, graded under a policy')
    .argument('<scan.json>', 'a document written by `mitmguard scan --format json` (or a previous report)')
    .option('-f, --format <format>', FORMATS.join(', '), 'text')
    .option('--policy <file|preset>', 'policy file or preset: modern, intermediate (default), nist-800-52r2, ncsc-nl')
    .option('--inventory <file>', 'inventory for tags, owners, names and expectations (default: those of a report given as input)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')} (default: the policy's failOn, high in every preset)`)
    .option(...ALLOW_UNREACHABLE)
    .option('--previous <report.json>', 'an earlier report (JSON) to compare with: the executive summary shows how each grade moved')
    .action(async (file: string, opts: ReportCommandOptions) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new MitmError('MG_ERR_USAGE', `--format must be one of ${FORMATS.join(', ')}`);
      const failOnOption = opts.failOn ? parseSeverity(opts.failOn) : undefined;
      if (opts.output) checkOutputPath(opts.output);
      if (opts.format === 'pdf') checkPdfOutput(opts.output);
      const previous = opts.previous ? await loadPrevious(opts.previous) : undefined;
      const { buildReport, labelsOfReport, notAssessed, parseScanDocument, renderReport } = await import('../../report/index.js');
      const { loadPolicy } = await import('../../policy/file.js');
      const { loadInventory, policyWithExpectations, inventoryLabels } = await import('../../inventory/file.js');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw fileError('scan document', file, err);
      }
      const scan = parseScanDocument(text, file);
      const entries = opts.inventory ? loadInventory(opts.inventory) : [];
      const policy = policyWithExpectations(loadPolicy(opts.policy), entries);
      // Names, owners and tags: the inventory's when given, else those a re-read report already carries.
      const report = buildReport(scan, policy, entries.length ? inventoryLabels(entries) : labelsOfReport(scan));
      if (previous) report.report.previous = previous;
      const failOn = failOnOption ?? policy.failOn;
      const finish = () =>
        finishRun({
          findings: report.report.findings,
          failOn,
          unassessed: notAssessed(report),
          allowUnreachable: Boolean(opts.allowUnreachable),
        });
      if (opts.format === 'pdf') {
        await emitPdf(renderReport(report, 'html'), opts.output);
        finish();
        return;
      }
      const out = renderReport(report, opts.format as Exclude<(typeof FORMATS)[number], 'pdf'>, { color: !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, failOn });
      if (opts.output) {
        writeFileSync(opts.output, out);
        process.stderr.write(colors.dim(`wrote ${opts.output}\n`));
      } else process.stdout.write(out);
      finish();
    });
}
