/**
 * Reading a file a person named on the command line (`--ca`, `--anchor`, `--policy`, a scan document, a certificate):
 * one message per cause, the same in every command — `<what> <path>: no such file`, `… permission denied`,
 * `… is a directory` — never the raw `ENOENT: no such file or directory, open '…'` string.
 */
import { readFileSync } from 'node:fs';
import { MitmError } from './errors.js';

/** What each errno means to the person who named the file. */
const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory; name a file',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/** The person-readable reason a file could not be read. */
export function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return (code && FILE_PROBLEMS[code]) ?? `cannot be read${code ? ` (${code})` : ''}`;
}

/** The MitmError for a file that could not be read: MG_ERR_IO, `<what> <path>: <reason>`. */
export function fileError(what: string, path: string, err: unknown): MitmError {
  return new MitmError('MG_ERR_IO', `${what} ${path}: ${fileProblem(err)}`, { cause: err, details: { path } });
}

/**
 * Read a file the user named, bounded in size when `maxBytes` is given (MG_ERR_TOO_LARGE beyond it).
 *
 * @example const pem = readInputFile('trust anchors', opts.ca);
 */
export function readInputFile(what: string, path: string, maxBytes?: number): Buffer {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw fileError(what, path, err);
  }
  if (maxBytes !== undefined && buf.length > maxBytes) throw new MitmError('MG_ERR_TOO_LARGE', `${what} ${path} is over ${maxBytes} bytes`, { details: { path, maxBytes } });
  return buf;
}

/** True when bytes are not text a person wrote: a NUL byte or invalid UTF-8 (a binary file passed as a text file). */
export function looksBinary(buf: Uint8Array): boolean {
  if (buf.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return false;
  } catch {
    return true;
  }
}
