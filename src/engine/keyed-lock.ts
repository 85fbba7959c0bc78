/** Runs work for the same key one at a time (turns of one conversation never interleave). */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for earlier holders of `key`; returns the release function. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
