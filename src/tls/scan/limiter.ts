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
