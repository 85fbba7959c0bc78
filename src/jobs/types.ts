/**
 * Background work (memory extraction, summaries, …) runs as named jobs so the reply path never waits on it.
 * The in-process queue serves the embedded default and is the only one built; a durable PostgreSQL queue (pg-boss)
 * for scale-out is not.
 */

export interface JobOptions {
  /** Jobs sharing a key run one at a time, in enqueue order (e.g. one memory extraction per user). */
  key?: string;
  /** Start no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobDefinition<P> {
  /** Attempts after the first failure (default 3). */
  retries?: number;
  /** First retry delay; doubles each attempt (default 1 000 ms). */
  backoffMs?: number;
  handler: (payload: P, meta: { attempt: number; name: string; id: string }) => Promise<void>;
}

export interface JobQueueStats {
  pending: number;
  running: number;
  completed: number;
  failed: number;
}

export interface JobQueue {
  register<P>(name: string, definition: JobDefinition<P>): void;
  /** Returns the job id. Throws for an unknown job name. */
  enqueue<P>(name: string, payload: P, options?: JobOptions): string;
  start(): void;
  /**
   * Stops taking new work and retrying failures; waits for running jobs up to `timeoutMs`, then abandons the rest.
   * With `runDelayed`, jobs waiting for their delay (and those queued behind them) run first, within the same time.
   */
  stop(options?: { timeoutMs?: number; runDelayed?: boolean }): Promise<void>;
  /** Resolves when nothing is pending or running (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Makes jobs that wait for their `delayMs` ready now (a short-lived process, such as a piped `clara chat`, runs
   * its batched work before it leaves instead of waiting out the delay).
   */
  runDelayedNow(): void;
  stats(): JobQueueStats;
}
