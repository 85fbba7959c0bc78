/**
 * Per-channel task queue with active-mode batching (spec §1.8). One task runs per channel; later messages wait in
 * FIFO order. When a task ends, consecutive batchable messages (active-mode chatter: not DMs, not mentions) are
 * handled together as one request; a DM or a mention is handled on its own.
 */

export interface QueuedInfo {
  /** 1-based position in the channel's queue. */
  position: number;
}

export interface StartInfo {
  /** Milliseconds the earliest of the items waited in the queue (0 when it ran at once). */
  waitedMs: number;
  /** The items waited behind another task. */
  fromQueue: boolean;
}

export interface ChannelQueueOptions<T> {
  run(channelId: string, items: T[], info: StartInfo, signal: AbortSignal): Promise<void>;
  onQueued?(item: T, info: QueuedInfo): void;
  /** A task threw (the items it was running are passed along for the log). */
  onError?(channelId: string, error: unknown, items: T[]): void;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  batchable: boolean;
  queuedAt: number;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

export class ChannelQueue<T> {
  private readonly queues = new Map<string, Entry<T>[]>();
  private readonly running = new Map<string, Running>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: ChannelQueueOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  /** Runs the item now when the channel is idle; otherwise queues it. Returns its position (0 = running). */
  submit(channelId: string, value: T, batchable: boolean): number {
    if (this.closed) return -1;
    const entry = { value, batchable, queuedAt: this.now() };
    if (!this.running.has(channelId)) {
      this.start(channelId, [entry], false);
      return 0;
    }
    const queue = this.queues.get(channelId) ?? [];
    queue.push(entry);
    this.queues.set(channelId, queue);
    this.options.onQueued?.(value, { position: queue.length });
    return queue.length;
  }

  /** Stop phrase: aborts the running task and clears the channel's queue. */
  cancel(channelId: string): { cancelled: boolean; cleared: T[] } {
    const cleared = (this.queues.get(channelId) ?? []).map((e) => e.value);
    this.queues.delete(channelId);
    const running = this.running.get(channelId);
    running?.controller.abort(new Error('stopped by a stop phrase'));
    return { cancelled: running !== undefined, cleared };
  }

  stats(): { activeTasks: number; totalQueued: number; channelsBusy: number } {
    let totalQueued = 0;
    for (const queue of this.queues.values()) totalQueued += queue.length;
    return { activeTasks: this.running.size, totalQueued, channelsBusy: this.running.size };
  }

  /** Queued items that never started (for shutdown: they stay stored nowhere, so the caller decides). */
  pending(): T[] {
    return [...this.queues.values()].flat().map((e) => e.value);
  }

  /**
   * Shutdown: no new work starts; running tasks get `timeoutMs` to finish, then they are aborted and awaited.
   * Returns the items that were still queued.
   */
  async close(timeoutMs: number): Promise<T[]> {
    this.closed = true;
    const left = this.pending();
    this.queues.clear();
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const running of this.running.values())
        running.controller.abort(new Error('Clara is shutting down'));
      await all;
    }
    return left;
  }

  private start(channelId: string, entries: Entry<T>[], fromQueue: boolean): void {
    const controller = new AbortController();
    const earliest = Math.min(...entries.map((e) => e.queuedAt));
    const info = { waitedMs: fromQueue ? this.now() - earliest : 0, fromQueue };
    const done = (async () => {
      try {
        await this.options.run(
          channelId,
          entries.map((e) => e.value),
          info,
          controller.signal,
        );
      } catch (error) {
        this.options.onError?.(
          channelId,
          error,
          entries.map((e) => e.value),
        );
      }
    })().finally(() => {
      this.running.delete(channelId);
      this.next(channelId);
    });
    this.running.set(channelId, { controller, done });
  }

  private next(channelId: string): void {
    if (this.closed) return;
    const queue = this.queues.get(channelId);
    if (!queue || queue.length === 0) {
      this.queues.delete(channelId);
      return;
    }
    const batch: Entry<T>[] = [];
    if (queue[0]?.batchable) {
      while (queue[0]?.batchable) batch.push(queue.shift() as Entry<T>);
    } else {
      batch.push(queue.shift() as Entry<T>);
    }
    if (queue.length === 0) this.queues.delete(channelId);
    this.start(channelId, batch, true);
  }
}
