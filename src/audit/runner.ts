/**
 * `--exec`: run the user's client command once per scenario, with placeholders filled in, a timeout, and a clean
 * environment — its own HOME, no proxy variables, no NODE_TLS_REJECT_UNAUTHORIZED or SSL_CERT_FILE inherited — so the
 * verdict reflects the command as written, not the auditor's shell.
 */
import { spawn } from 'node:child_process';
import { MitmError } from '../errors.js';
import { scrubClientText } from './redact.js';
import type { ClientRunFacts } from './types.js';

/** The placeholders a command may use. */
export const PLACEHOLDERS = ['url', 'host', 'port', 'sni', 'ca', 'token', 'pin', 'proxy', 'scenario', 'home'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Values are substituted unquoted, so they are restricted to characters that need no shell quoting. */
const SAFE_VALUE = /^[A-Za-z0-9._:/+=@%\[\]-]*$/;
const MAX_STDERR_TAIL = 600;

/** Variables carried over from the auditor's environment; everything else is dropped. */
const KEPT_VARIABLES = ['PATH', 'LANG', 'TZ', 'JAVA_HOME', 'PYENV_ROOT', 'GOROOT'];

/** Fill `{url}`-style placeholders; unknown `{name}`s are a usage error so typos do not run a wrong command. */
export function fillCommand(template: string, values: Partial<Record<Placeholder, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) throw new MitmError('MG_ERR_USAGE', `unknown placeholder ${whole} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`);
    const value = values[name as Placeholder];
    if (value === undefined) throw new MitmError('MG_ERR_USAGE', `placeholder ${whole} has no value in this mode`);
    if (!SAFE_VALUE.test(value)) throw new MitmError('MG_ERR_INTERNAL', `placeholder ${whole} value needs quoting`);
    return value;
  });
}

/** The environment a client runs in: the kept variables, HOME, and what the user added with --env. */
export function cleanEnvironment(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { HOME: home, LC_ALL: 'C.UTF-8', TERM: 'dumb', GIT_TERMINAL_PROMPT: '0' };
  for (const k of KEPT_VARIABLES) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

export interface ClientRunOptions {
  command: string;
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
  token?: string;
}

/** Run one client command through /bin/sh; kill its whole process group at the timeout. Never throws on the client's failure. */
export function runClient(options: ClientRunOptions): Promise<ClientRunFacts> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4 * MAX_STDERR_TAIL);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end();
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const done = (exitCode: number | null, signal: string | null) => {
      clearTimeout(timer);
      // Children the client left behind (a credential helper, a pager) go with it.
      kill();
      resolve({
        exitCode,
        signal,
        timedOut,
        durationMs: Date.now() - started,
        stderrTail: scrubClientText(stderr, options.token, MAX_STDERR_TAIL),
      });
    };
    child.on('error', (err) => {
      stderr += err.message;
      done(null, null);
    });
    child.on('close', (code, signal) => done(code, signal));
  });
}
