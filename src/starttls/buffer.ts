import { MitmError } from '../errors.js';
import { MAX_DIALOGUE_BYTES } from './lines.js';

/** Accumulates server bytes for the framed (non-line) dialogues, bounded by MAX_DIALOGUE_BYTES. */
export class BoundedBuffer {
  private data = Buffer.alloc(0);
  private total = 0;
  constructor(
    private readonly context: string,
    private readonly max = MAX_DIALOGUE_BYTES,
  ) {}

  push(bytes: Uint8Array): void {
    this.total += bytes.length;
    if (this.total > this.max) {
      throw new MitmError('MG_ERR_TOO_LARGE', `${this.context}: server sent more than ${this.max} bytes before the upgrade`, {
        details: { limit: this.max },
      });
    }
    this.data = this.data.length ? Buffer.concat([this.data, bytes]) : Buffer.from(bytes);
  }
  get bytes(): Buffer {
    return this.data;
  }
  /** Drop the first `n` bytes (a frame that has been handled). */
  consume(n: number): void {
    this.data = this.data.subarray(n);
  }
}
