/**
 * `mitmguard report <scan.json>`: re-render a saved scan (or report) under a policy in any format. Thin: read, call
 * src/report, write, set the exit code from --fail-on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SEVERITIES } from '../../model/index.js';
import { MitmError, toMitmError } from '../../errors.js';
import { colors, EXIT, parseSeverity } from '../output.js';

interface ReportCommandOptions {
  format: string;
  policy?: string;
  inventory?: string;
  output?: string;
  failOn?: string;
}

const FORMATS = ['text', 'json', 'sarif', 'junit', 'html'] as const;

export function register(program: Command): void {
  program
    .command('report')
    .description('Render a saved scan as text, JSON, SARIF 2.1.0, JUnit XML or a self-contained HTML page, graded under a policy')
    .argument('<scan.json>', 'a document written by `mitmguard scan --format json` (or a previous report)')
    .option('--format <format>', FORMATS.join('|'), 'text')
    .option('--policy <file|preset>', 'policy file or preset: modern, intermediate (default), nist-800-52r2, ncsc-nl')
    .option('--inventory <file>', 'inventory for tags, owners, names and expectations')
    .option('--output <file>', 'write to a file instead of stdout')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')} (default: the policy's failOn)`)
    .action(async (file: string, opts: ReportCommandOptions) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new MitmError('MG_ERR_USAGE', `--format must be one of ${FORMATS.join(', ')}`);
      const failOnOption = opts.failOn ? parseSeverity(opts.failOn) : undefined;
      const { buildReport, parseScanDocument, renderReport, failsAt } = await import('../../report/index.js');
      const { loadPolicy } = await import('../../policy/file.js');
      const { loadInventory, policyWithExpectations, inventoryLabels } = await import('../../inventory/file.js');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new MitmError('MG_ERR_IO', `cannot read ${file}: ${toMitmError(err).message}`, { cause: err });
      }
      const scan = parseScanDocument(text, file);
      const entries = opts.inventory ? loadInventory(opts.inventory) : [];
      const policy = policyWithExpectations(loadPolicy(opts.policy), entries);
      const report = buildReport(scan, policy, inventoryLabels(entries));
      const failOn = failOnOption ?? policy.failOn;
      const out = renderReport(report, opts.format as (typeof FORMATS)[number], { color: !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, failOn });
      if (opts.output) {
        writeFileSync(opts.output, out);
        process.stderr.write(colors.dim(`wrote ${opts.output}\n`));
      } else process.stdout.write(out);
      process.exitCode = failsAt(report, failOn) ? EXIT.FINDINGS : EXIT.OK;
    });
}
