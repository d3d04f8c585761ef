/**
 * The I/O side of MRT: open a file (plain, gzip or bzip2, told apart by their magic bytes), stream it through the
 * sans-IO splitter and decoder, and hand on records. gzip is node:zlib; bzip2 is Debian's `bzip2 -dc` as a child
 * process (no npm decoder needed), so memory stays bounded by one record plus one chunk either way.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { MitmError, toMitmError } from '../errors.js';
import { decodeMrtRecord, MrtSplitter, type MrtContext, type MrtRecord } from './mrt.js';

export type Compression = 'none' | 'gzip' | 'bzip2';

/** gzip: RFC 1952 §2.3.1 ID1 ID2; bzip2: "BZh" and a block size digit. */
export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bzip2';
  return 'none';
}

async function sniff(path: string): Promise<Compression> {
  const fh = await open(path, 'r').catch((err: unknown) => {
    throw new MitmError('MG_ERR_IO', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  });
  try {
    const head = new Uint8Array(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return detectCompression(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

const CHUNK = 1 << 20;

function openStream(path: string, compression: Compression, signal?: AbortSignal): { stream: Readable; done: () => Promise<void> } {
  const file = createReadStream(path, { highWaterMark: CHUNK, ...(signal ? { signal } : {}) });
  if (compression === 'gzip') {
    const gunzip = createGunzip({ chunkSize: CHUNK });
    file.on('error', (e) => gunzip.destroy(e));
    return { stream: file.pipe(gunzip), done: async () => {} };
  }
  if (compression === 'bzip2') {
    const child = spawn('bzip2', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 2000) stderr += d; });
    file.on('error', (e) => child.stdout.destroy(e));
    child.stdin.on('error', () => {});
    file.pipe(child.stdin);
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', (e) => reject(new MitmError('MG_ERR_IO', `cannot run bzip2 (Debian package bzip2): ${e.message}`, { cause: e })));
      child.on('close', (code) => resolve(code));
    });
    exited.catch(() => {});
    return {
      stream: child.stdout,
      done: async () => {
        const code = await exited;
        if (code !== 0) throw new MitmError('MG_ERR_MALFORMED', `bzip2 could not decompress ${path}: ${stderr.trim() || `exit ${code}`}`);
      },
    };
  }
  return { stream: file, done: async () => {} };
}

export interface ReadMrtOptions {
  signal?: AbortSignal;
  /** Stop after this many records (a bounded look at a file). */
  maxRecords?: number;
}

/**
 * Stream the records of an MRT file. A malformed record fails the read with its code and the byte offset where it
 * starts (in the decompressed stream).
 */
export async function* readMrtFile(path: string, options: ReadMrtOptions = {}): AsyncGenerator<MrtRecord> {
  const compression = await sniff(path);
  const { stream, done } = openStream(path, compression, options.signal);
  const splitter = new MrtSplitter();
  const ctx: MrtContext = {};
  let count = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const start = splitter.position;
      let at = start;
      for (const raw of splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        let record: MrtRecord;
        try {
          record = decodeMrtRecord(raw, ctx);
        } catch (err) {
          const e = toMitmError(err, 'MG_ERR_MALFORMED');
          throw new MitmError(e.code, `${path}: MRT record at byte ${at}: ${e.message}`, { cause: e, details: { file: path, offset: at } });
        }
        at += raw.length;
        yield record;
        if (options.maxRecords !== undefined && ++count >= options.maxRecords) return;
      }
    }
    splitter.end();
    await done();
  } catch (err) {
    if (err instanceof MitmError) throw err;
    const e = err as { code?: string; message?: string };
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR') throw new MitmError('MG_ERR_MALFORMED', `${path}: gzip data is corrupt: ${e.message}`, { cause: err });
    throw toMitmError(err, 'MG_ERR_IO');
  } finally {
    stream.destroy();
  }
}
