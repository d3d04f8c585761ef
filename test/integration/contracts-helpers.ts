/**
 * Helpers for the contract tests (issue 16): run the built CLI exactly as a user does (`node bin/mitmguard.js`, after
 * `npm run build`) and start the embedded lab in the background on ephemeral ports, with its state in a temp dir.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'mitmguard.js');
/** Generous: other engineers' tests share this machine. A run past it is killed and fails its test. */
export const RUN_LIMIT_MS = 120_000;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function mg(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface BackgroundLab {
  dir: string;
  state: string;
  root: string;
  anchor: string;
  dns: string;
  /** host:port of a lab endpoint by its name (`legacy`, `modern`, …). */
  hostPort(name: string): string;
  target(name: string): string;
  stop(): Promise<void>;
}

/** `lab up` on ephemeral ports (no --base-port), state and certificates in a fresh temp dir. */
export async function startBackgroundLab(): Promise<BackgroundLab> {
  const dir = mkdtempSync(join(tmpdir(), 'mg-contracts-'));
  const state = join(dir, 'lab.json');
  const up = await mg(['lab', 'up', '--state', state, '--format', 'json']);
  if (up.code !== 0) throw new Error(`lab up failed (${up.code}): ${up.stderr}`);
  const s = JSON.parse(readFileSync(state, 'utf8')) as { endpoints: Array<{ name: string; target: string; port: number }>; dns: { host: string; port: number } };
  const byName = (name: string) => {
    const e = s.endpoints.find((x) => x.name === name);
    if (!e) throw new Error(`no lab endpoint ${name}`);
    return e;
  };
  return {
    dir,
    state,
    root: join(dir, 'lab-root.pem'),
    anchor: join(dir, 'lab-anchor.txt'),
    dns: `${s.dns.host}:${s.dns.port}`,
    hostPort: (name) => `127.0.0.1:${byName(name).port}`,
    target: (name) => byName(name).target,
    stop: async () => {
      await mg(['lab', 'down', '--state', state]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
