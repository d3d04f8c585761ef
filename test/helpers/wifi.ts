/** Helpers of the Wi-Fi integration tests: scapy-built captures (Debian python3-scapy) and the CLI as a user runs it. */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Debian's python3 (python3-scapy lives in its dist-packages, whatever `python3` is first on PATH). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Build a scenario capture with test/helpers/wifi_frames.py; returns its path. */
export function scapyCapture(dir: string, scenario: string, ...args: string[]): string {
  const out = join(dir, `${scenario}.pcap`);
  execFileSync(DEBIAN_PYTHON, [join(ROOT, 'test/helpers/wifi_frames.py'), scenario, out, ...args], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
  return out;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
