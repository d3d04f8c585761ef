/**
 * `mitmguard watch --interface IF`: the capture analysis live, from tcpdump spawned by us. Alerts as JSON lines on
 * stdout as they are raised (`--format json`: one JSON document at the end instead); stops at --count frames,
 * --duration seconds or SIGINT, then prints the summary. Exit codes as `capture`.
 */
import type { Command } from 'commander';
import { watchInterface } from '../../capture/live.js';
import { SEVERITIES } from '../../model/index.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { collect, EXIT, parseFormat, parsePositiveInt, parseSeverity, printJson } from '../output.js';
import { BaselineLearner } from '../../capture/learn.js';
import { analysisOptions, renderCaptureText, reportFindings, setExit, writeLearnt, type CaptureCliOptions } from './capture.js';

interface WatchCliOptions extends CaptureCliOptions {
  interface: string;
  count?: string;
  duration?: string;
  filter?: string;
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('Watch an interface live (tcpdump -w -) for the attacks `capture` finds; alerts as JSON lines on stdout')
    .requiredOption('--interface <if>', 'the interface to capture on')
    .option('--count <n>', 'stop after this many frames')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option('--filter <bpf>', 'tcpdump filter expression')
    .option('--baseline <file>', 'YAML baseline (docs/capture.md)')
    .option('--learn <file>', 'write the baseline this watch saw to a YAML file when it stops')
    .option('--ca <file>', 'extra trust anchor for judging TLS chains; repeatable', collect)
    .option('--detectors <names>', 'comma-separated detectors to run (default all)')
    .option('--format <format>', 'alerts: JSON lines then a text summary (text), or one JSON document at the end (json)', 'text')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .action(async (o: WatchCliOptions) => {
      const format = parseFormat(o.format, ['text', 'json']);
      const failOn = parseSeverity(o.failOn);
      const opts = analysisOptions(o);
      const count = o.count ? parsePositiveInt('--count', o.count, 1_000_000_000) : undefined;
      const durationMs = o.duration ? parsePositiveInt('--duration', o.duration, 31 * 86_400) * 1000 : undefined;
      const learner = o.learn ? new BaselineLearner(opts.judge) : undefined;
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stderr.write(`mitmguard: watching ${o.interface}${count ? `, ${count} frames` : ''}${durationMs ? `, ${durationMs / 1000} s` : ''} (Ctrl-C to stop)\n`);
      try {
        const report = await watchInterface({
          ...opts,
          interface: o.interface,
          ...(count ? { count } : {}),
          ...(durationMs ? { durationMs } : {}),
          ...(o.filter ? { filter: o.filter } : {}),
          ...(learner ? { learner } : {}),
          signal: ac.signal,
          onFinding: (f) => {
            if (format === 'text') process.stdout.write(JSON.stringify({ alert: f }) + '\n');
          },
        });
        if (learner) writeLearnt(o.learn!, learner, `interface ${o.interface}`);
        const findings = reportFindings(report);
        if (format === 'json') printJson({ tool: TOOL_NAME, version: VERSION, watch: { ...report, findings }, findings });
        else process.stdout.write(JSON.stringify({ summary: { frames: report.summary.frames, flows: report.summary.flows, encryption: report.summary.encryption, droppedByKernel: report.droppedByKernel, findings: findings.length } }) + '\n');
        if (format === 'text') process.stderr.write(renderCaptureText(report, findings));
        setExit(findings, failOn, report.error !== null);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      if (process.exitCode === undefined) process.exitCode = EXIT.OK;
    });
}
