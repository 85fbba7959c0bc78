/**
 * Runs work for the same key one at a time, in this process (instance state: one lock per owner, never global).
 * Turns of one conversation, writes of one MCP config or OAuth state, a Qdrant user's points.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

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

  /** Runs `task` after every earlier task for `key` (a failed task does not block the next one). */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
