/**
 * The one place the Wi-Fi wing reads capture files (I/O). At merge, the lead swaps the reader below for src/capture's
 * pcap/pcapng reader; nothing else in the wing knows how frames are stored.
 */
import { createReadStream } from 'node:fs';
import { toMitmError } from '../errors.js';
import type { CapturedFrame } from '../model/index.js';
import { PcapClassicReader } from './pcap-classic.js';

/** Every frame of a capture file, in order. Errors are MitmErrors (MG_ERR_IO for the file, MG_ERR_* for its content). */
export async function* readFrames(path: string, signal?: AbortSignal): AsyncGenerator<CapturedFrame> {
  const reader = new PcapClassicReader();
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  try {
    for await (const chunk of stream) yield* reader.push(chunk as Buffer);
  } catch (err) {
    throw toMitmError(err, 'MG_ERR_IO');
  } finally {
    stream.destroy();
  }
  reader.end();
}
