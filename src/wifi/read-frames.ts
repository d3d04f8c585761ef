/**
 * The one place the Wi-Fi wing reads capture files (I/O), through the capture wing's pcap/pcapng decoder
 * (src/capture/file-format.ts): the same reader, byte orders, time resolutions and limits as `mitmguard capture`.
 */
import { createReadStream } from 'node:fs';
import { MitmError, toMitmError } from '../errors.js';
import type { CapturedFrame } from '../model/index.js';
import { CaptureFileDecoder } from '../capture/file-format.js';

/**
 * Every frame of a capture, in order, from a file or from a stream (`tcpdump -w -` piped in: frames are yielded as they
 * arrive, so the detectors alert live). Errors are MitmErrors (MG_ERR_IO for the file, MG_ERR_* for its content).
 */
export async function* readFrames(source: string | NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<CapturedFrame> {
  const reader = new CaptureFileDecoder();
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) }) : source;
  try {
    for await (const chunk of stream) yield* reader.push(chunk as Buffer);
  } catch (err) {
    throw toMitmError(err, 'MG_ERR_IO');
  } finally {
    if (typeof source === 'string') (stream as ReturnType<typeof createReadStream>).destroy();
  }
  reader.end();
  // The frames before a cut-off record were handed on; the caller decides whether a cut capture is still worth a report.
  if (reader.truncatedTail) throw new MitmError('MG_ERR_TRUNCATED', `${reader.format}: a truncated last record`);
}
