import pc from 'picocolors';
import { MitmError, toMitmError } from '../errors.js';
import { SEVERITIES, type Severity } from '../model/index.js';
import { textStyle } from '../report/style.js';

/** Exit codes (DESIGN.md): 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or runtime error. */
export const EXIT = { OK: 0, FINDINGS: 1, ERROR: 2 } as const;

export type OutputFormat = 'text' | 'json';

/** Colours only when stdout is a TTY and NO_COLOR is unset; picocolors decides at import. */
export const colors = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);

/** The text style of this process's stdout (src/report/style.ts): coloured on a TTY unless NO_COLOR. */
export const STYLE = textStyle(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
export const SEVERITY_COLOR: Record<Severity, (s: string) => string> = STYLE.severity;

/** `--format json` prints exactly one JSON document on stdout. */
export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

export function parseFormat(value: string, allowed: readonly string[] = ['text', 'json']): string {
  if (!allowed.includes(value)) throw new MitmError('MG_ERR_USAGE', `--format must be one of ${allowed.join(', ')}`);
  return value;
}

/** `--fail-on <severity>`: one of SEVERITIES, else a usage error. */
export function parseSeverity(value: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new MitmError('MG_ERR_USAGE', `--fail-on must be one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
}

/** Commander accumulator for a repeatable option: `--ca a --ca b` gives `['a', 'b']`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function parsePositiveInt(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new MitmError('MG_ERR_USAGE', `${name} must be an integer from 1 to ${max}`);
  return n;
}

/** Report an error by code on stderr, never as a stack trace, and set exit code 2. */
export function reportError(err: unknown): void {
  const e = toMitmError(err);
  process.stderr.write(`mitmguard: ${e.code}: ${e.message}\n`);
  if (process.env.MITMGUARD_DEBUG && e.stack) process.stderr.write(e.stack + '\n');
  process.exitCode = EXIT.ERROR;
}
