/** A counting semaphore: bounds concurrent connections per target and across a whole scan. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over without touching the count
    else this.active--;
  }

  /** Run `fn` while holding one slot of every limiter given, acquired in order. */
  static async run<T>(limiters: readonly Limiter[], fn: () => Promise<T>): Promise<T> {
    const held: Limiter[] = [];
    try {
      for (const l of limiters) {
        await l.acquire();
        held.push(l);
      }
      return await fn();
    } finally {
      for (const l of held.reverse()) l.release();
    }
  }
}

/**
 * The one worker pool: run `work` for every item, at most `concurrency` at once, items taken in order. Once
 * `stopped()` says so no new item is started (those in flight finish). `work` must not throw: a pool over many
 * targets never dies because one misbehaves.
 *
 * @example await runPool(targets, 8, async (t, i) => { reports[i] = await scanTarget(t); });
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopped()) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(items.length, 1)) }, worker));
}
