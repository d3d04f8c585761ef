/**
 * Reading a capture file: streams it through the sans-IO decoder into the analyser, in bounded chunks (memory does
 * not grow with the file). The only file I/O of the wing.
 */
import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { MitmError, toMitmError } from '../errors.js';
import type { ErrorInfo, Finding } from '../model/index.js';
import { CaptureAnalyser, type AnalyserOptions, type CaptureSummary } from './analyse.js';
import { CaptureFileDecoder, type CaptureComment, type CaptureFormat, type CaptureInterface } from './file-format.js';

export interface CaptureReport {
  source: string;
  format: CaptureFormat | null;
  interfaces: CaptureInterface[];
  comments: CaptureComment[];
  /** The file ended in the middle of a record (a capture cut short): what came before was analysed. */
  truncatedTail: boolean;
  /** The container could not be read past some point (wrong magic, an oversized block): frames before it were analysed. */
  error: ErrorInfo | null;
  summary: CaptureSummary;
  findings: Finding[];
}

export const READ_CHUNK_BYTES = 1024 * 1024;

/** A random salt for one run's credential hashes. */
export function runSalt(): string {
  return randomBytes(16).toString('hex');
}

/** Feed a byte stream (a file, tcpdump's stdout) through decoder and analyser; the one loop both readers share. */
export async function analyseStream(source: string, chunks: AsyncIterable<Uint8Array>, options: Omit<AnalyserOptions, 'salt'> & { salt?: string; signal?: AbortSignal; maxFrames?: number }): Promise<CaptureReport> {
  const decoder = new CaptureFileDecoder();
  const analyser = new CaptureAnalyser({ ...options, salt: options.salt ?? runSalt() });
  let error: ErrorInfo | null = null;
  try {
    outer: for await (const chunk of chunks) {
      if (options.signal?.aborted) break;
      for (const frame of decoder.push(chunk)) {
        analyser.frame(frame);
        if (options.maxFrames !== undefined && decoder.frameCount >= options.maxFrames) break outer;
      }
    }
    if (options.maxFrames === undefined || decoder.frameCount < options.maxFrames) decoder.end();
  } catch (err) {
    error = toMitmError(err, 'MG_ERR_MALFORMED').toJSON();
  }
  const { summary, findings } = analyser.finish();
  return {
    source,
    format: decoder.format,
    interfaces: [...decoder.closedInterfaces, ...decoder.interfaces],
    comments: decoder.comments,
    truncatedTail: decoder.truncatedTail,
    error,
    summary,
    findings,
  };
}

/**
 * Analyse a pcap or pcapng file.
 *
 * @example
 * const report = await analyseFile('lan.pcapng', { baseline, judge: x509ChainJudge() });
 * for (const f of report.findings) console.log(f.id, f.evidence);
 */
export async function analyseFile(path: string, options: Omit<AnalyserOptions, 'salt'> & { salt?: string; signal?: AbortSignal } = {}): Promise<CaptureReport> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...(options.signal ? { signal: options.signal } : {}) });
  // Open errors (missing file, a directory) surface before any analysis, as MG_ERR_IO.
  await new Promise<void>((resolve, reject) => {
    stream.once('readable', resolve);
    stream.once('error', (err) => reject(new MitmError('MG_ERR_IO', `${path}: ${(err as Error).message}`, { cause: err, details: { path } })));
  });
  try {
    return await analyseStream(path, stream as AsyncIterable<Uint8Array>, options);
  } catch (err) {
    throw toMitmError(err, 'MG_ERR_IO');
  } finally {
    stream.destroy();
  }
}
