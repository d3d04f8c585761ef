/**
 * Watching an interface live: we spawn `tcpdump -w -` (pcap on stdout, packet-buffered) and feed its bytes to the
 * same analyser a file goes through, so a live interface and its capture file give the same findings. Bounded by a
 * frame count and a duration; the AbortSignal (SIGINT in the CLI) stops tcpdump cleanly. Drops are read from
 * tcpdump's closing statistics.
 */
import { spawn } from 'node:child_process';
import { MitmError } from '../errors.js';
import type { AnalyserOptions } from './analyse.js';
import { analyseStream, type CaptureReport } from './file.js';

export interface WatchOptions extends Omit<AnalyserOptions, 'salt'> {
  interface: string;
  /** Stop after this many frames (tcpdump -c). */
  count?: number;
  /** Stop after this many milliseconds. */
  durationMs?: number;
  /** A BPF filter expression for tcpdump. */
  filter?: string;
  salt?: string;
  signal?: AbortSignal;
  /** The tcpdump binary (default `tcpdump` on PATH). */
  tcpdump?: string;
}

export interface WatchReport extends CaptureReport {
  interfaceName: string;
  /** Packets tcpdump says the kernel dropped (null when it did not say). */
  droppedByKernel: number | null;
  /** Packets tcpdump says it received by filter. */
  receivedByFilter: number | null;
}

/** Capture live until count, duration or abort; findings arrive through `onFinding` as they are raised. */
export async function watchInterface(o: WatchOptions): Promise<WatchReport> {
  if (!/^[A-Za-z0-9_.:@-]{1,64}$/.test(o.interface)) throw new MitmError('MG_ERR_USAGE', `interface name ${JSON.stringify(o.interface)} is not valid`);
  const args = ['-i', o.interface, '-w', '-', '-U', '-s', '0', '-n', '--immediate-mode', '-Z', 'root'];
  if (o.count) args.push('-c', String(o.count));
  if (o.filter) args.push(o.filter);
  const child = spawn(o.tcpdump ?? 'tcpdump', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 65_536) stderr += s;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new MitmError('MG_ERR_IO', `could not run tcpdump: ${err.message}`, { cause: err })));
    child.once('close', (code) => resolve(code));
  });
  exited.catch(() => {});
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGINT');
  };
  const timer = o.durationMs ? setTimeout(stop, o.durationMs) : null;
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    const report = await analyseStream(`interface:${o.interface}`, child.stdout as AsyncIterable<Uint8Array>, { ...o, signal: undefined });
    const code = await exited;
    const dropped = /(\d+) packets? dropped by kernel/.exec(stderr);
    const received = /(\d+) packets? received by filter/.exec(stderr);
    if (report.summary.frames === 0 && code !== 0 && code !== null) {
      throw new MitmError('MG_ERR_IO', `tcpdump exited with ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`, { details: { code } });
    }
    // An empty stream because we stopped before the first packet is not an error.
    const error = report.error?.code === 'MG_ERR_TRUNCATED' && report.summary.frames === 0 ? null : report.error;
    return { ...report, error, interfaceName: o.interface, droppedByKernel: dropped ? Number(dropped[1]) : null, receivedByFilter: received ? Number(received[1]) : null };
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', stop);
    stop();
  }
}
