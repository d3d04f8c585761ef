/**
 * The CLI bundled as `npm run build` bundles it (esbuild, packages external), into a private directory under
 * node_modules/.cache so parallel test files never overwrite each other's dist/, plus helpers to run it and other
 * programs with a bounded time.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repo = resolve(new URL('../..', import.meta.url).pathname);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string; input?: string } = {}): Promise<Run> {
  return new Promise((res) => {
    const child = execFile(cmd, args, { cwd: options.cwd ?? repo, timeout: options.timeoutMs ?? 60_000, env: { ...process.env, NO_COLOR: '1', ...options.env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      res({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export interface BundledCli {
  path: string;
  run(args: string[], options?: { env?: Record<string, string>; timeoutMs?: number; cwd?: string }): Promise<Run>;
  /** Start a long-running command; the caller stops it with `child.kill()`. */
  spawn(args: string[], options?: { env?: Record<string, string> }): ChildProcess;
  dispose(): void;
}

export async function bundleCli(label: string): Promise<BundledCli> {
  const { build } = await import('esbuild');
  mkdirSync(join(repo, 'node_modules', '.cache'), { recursive: true });
  const outdir = mkdtempSync(join(repo, 'node_modules', '.cache', `mg-${label}-`));
  await build({ entryPoints: { cli: join(repo, 'src/cli/main.ts') }, outdir, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error', outExtension: { '.js': '.mjs' } });
  const path = join(outdir, 'cli.mjs');
  return {
    path,
    run: (args, options = {}) => run(process.execPath, [path, ...args], options),
    spawn: (args, options = {}) => spawn(process.execPath, [path, ...args], { cwd: repo, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] }),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Resolve with the first stdout line of `child` that parses as JSON and satisfies `pick`, or reject after `ms`. */
export function waitForJsonLine<T>(child: ChildProcess, pick: (doc: Record<string, unknown>) => T | undefined, ms = 30_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no matching line within ${ms} ms; stderr: ${err.slice(-2000)}`)), ms);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const v = pick(JSON.parse(line) as Record<string, unknown>);
          if (v !== undefined) {
            clearTimeout(timer);
            resolvePromise(v);
          }
        } catch {
          /* not JSON */
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the line; stderr: ${err.slice(-2000)}`));
    });
  });
}
