/**
 * The one place the Wi-Fi wing reads capture files (I/O). At merge, the lead swaps the reader below for src/capture's
 * pcap/pcapng reader; nothing else in the wing knows how frames are stored.
 */
import { createReadStream } from 'node:fs';
import { toMitmError } from '../errors.js';
import type { CapturedFrame } from '../model/index.js';
import { PcapClassicReader } from './pcap-classic.js';

/**
 * Every frame of a capture, in order, from a file or from a stream (`tcpdump -w -` piped in: frames are yielded as they
 * arrive, so the detectors alert live). Errors are MitmErrors (MG_ERR_IO for the file, MG_ERR_* for its content).
 */
export async function* readFrames(source: string | NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<CapturedFrame> {
  const reader = new PcapClassicReader();
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) }) : source;
  try {
    for await (const chunk of stream) yield* reader.push(chunk as Buffer);
  } catch (err) {
    throw toMitmError(err, 'MG_ERR_IO');
  } finally {
    if (typeof source === 'string') (stream as ReturnType<typeof createReadStream>).destroy();
  }
  reader.end();
}
