import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option } from 'commander';
import pc from 'picocolors';
import { MitmError, toMitmError } from '../errors.js';
import { atLeast, SEVERITIES, type Severity } from '../model/index.js';
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

/** The longest error message printed; a message quoting outside input is cut here. */
export const MAX_MESSAGE_CHARS = 400;

/**
 * A message safe for a terminal: control characters, escape sequences and undecodable bytes from outside input (a binary
 * file read as an anchor file) become `?`, and a long message is cut at MAX_MESSAGE_CHARS.
 */
export function printable(message: string): string {
  // Newlines and tabs stay (a message may list several causes); other controls are replaced, as undecodable bytes are.
  const clean = message.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffd]/g, '?');
  return clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}… (${clean.length - MAX_MESSAGE_CHARS} more characters)` : clean;
}

/** Report an error by code on stderr, never as a stack trace, and set exit code 2. */
export function reportError(err: unknown): void {
  const e = toMitmError(err);
  process.stderr.write(`mitmguard: ${e.code}: ${printable(e.message)}\n`);
  if (process.env.MITMGUARD_DEBUG && e.stack) process.stderr.write(e.stack + '\n');
  process.exitCode = EXIT.ERROR;
}

/**
 * The one default per-connection timeout (ms). Commands that wait for something else document their own default and why:
 * `dns` waits per query (retried), `audit-client` per scenario (a whole client process, e.g. a JVM, starts).
 */
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * An option whose default is a number: help shows `(default: 5000)`, not `(default: "5000")`; the value stays a string
 * for the parse helpers (parsePositiveInt) so a bad value is a usage error with the flag's name.
 */
export function numberOption(flags: string, description: string, value: number): Option {
  return new Option(flags, description).default(String(value), String(value));
}

/** What could not be assessed, one entry per target or name: `127.0.0.1:1 (MG_ERR_CONNECT: …)`. */
export interface ExitInput {
  findings: readonly { severity: Severity }[];
  failOn: Severity;
  /** Targets or names that could not be assessed (unreachable, inconclusive, INDETERMINATE). */
  unassessed?: readonly string[];
  allowUnreachable?: boolean;
}

/**
 * The exit-code contract, the same for every command and format (README "Exit codes"): 2 when something could not be
 * assessed (unless --allow-unreachable), else 1 when a finding is at or above --fail-on, else 0.
 */
export function contractExitCode(input: ExitInput): 0 | 1 | 2 {
  if (input.unassessed?.length && !input.allowUnreachable) return EXIT.ERROR;
  return input.findings.some((f) => atLeast(f.severity, input.failOn)) ? EXIT.FINDINGS : EXIT.OK;
}

/** Set process.exitCode by the contract and, for exit 2, say on stderr what could not be assessed and how to proceed. */
export function finishRun(input: ExitInput): 0 | 1 | 2 {
  const code = contractExitCode(input);
  if (code === EXIT.ERROR && input.unassessed?.length) {
    const n = input.unassessed.length;
    process.stderr.write(
      `mitmguard: could not assess ${n === 1 ? input.unassessed[0] : `${n} targets: ${input.unassessed.join('; ')}`}; exit 2 (--allow-unreachable judges the rest by --fail-on)\n`,
    );
  }
  process.exitCode = code;
  return code;
}

/** The `--allow-unreachable` option, worded the same in every command. */
export const ALLOW_UNREACHABLE = ['--allow-unreachable', 'exit 0 or 1 by --fail-on even when a target could not be assessed (default: exit 2)'] as const;

/**
 * Check before any work that `--output FILE` can be written: its directory exists (or can be created under an existing
 * directory) and is writable, and FILE is not a directory. A long scan must not end in "EEXIST … mkdir".
 */
export function checkOutputPath(path: string, flag = '--output'): void {
  const full = resolve(path);
  if (existsSync(full) && statSync(full).isDirectory()) throw new MitmError('MG_ERR_USAGE', `${flag} ${path} is a directory; name a file`);
  let dir = dirname(full);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new MitmError('MG_ERR_USAGE', `${flag} ${path}: ${dir} is a file, not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new MitmError('MG_ERR_USAGE', `${flag} ${path}: the directory ${dir} is not writable`);
  }
}

/** `--format pdf` writes binary: to `--output`, or stdout when stdout is not a terminal (a pipe or a file). */
export function checkPdfOutput(output: string | undefined): void {
  if (!output && process.stdout.isTTY) throw new MitmError('MG_ERR_USAGE', '--format pdf writes a binary file: name it with --output FILE (or redirect stdout)');
}

/**
 * Print the HTML report to PDF through headless Chromium (src/report/pdf.ts) and write it. The browser is
 * /usr/bin/chromium unless MITMGUARD_CHROMIUM names another binary.
 */
export async function emitPdf(html: string, output: string | undefined, signal?: AbortSignal): Promise<void> {
  const { renderPdf } = await import('../report/pdf.js');
  const pdf = await renderPdf(html, { ...(process.env.MITMGUARD_CHROMIUM ? { executablePath: process.env.MITMGUARD_CHROMIUM } : {}), ...(signal ? { signal } : {}) });
  if (output) {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(dirname(resolve(output)), { recursive: true });
    writeFileSync(output, pdf);
    process.stderr.write(colors.dim(`wrote ${output} (${pdf.length} bytes)\n`));
  } else process.stdout.write(pdf);
}

/** `--previous FILE`: the earlier report the executive summary compares with (read before any work). */
export async function loadPrevious(path: string): Promise<import('../report/summary.js').PreviousRun> {
  const [{ readInputFile }, { previousRun }] = await Promise.all([import('../input-file.js'), import('../report/summary.js')]);
  const text = readInputFile('previous report', path).toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new MitmError('MG_ERR_MALFORMED', `${path}: not JSON (${(err as Error).message})`, { cause: err, details: { file: path } });
  }
  return previousRun(doc, path);
}
