/**
 * In-process job queue for the embedded default: named jobs, retries with exponential backoff, per-key
 * serialisation (jobs sharing a key run one at a time in enqueue order) and a global concurrency limit.
 * Jobs live in memory: `stop({ runDelayed: true })` (a graceful shutdown) runs what waits for its delay before the
 * process leaves, but a crash loses what was pending. A durable queue (pg-boss) is not built.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { JobDefinition, JobOptions, JobQueue, JobQueueStats } from './types.js';

interface Job {
  id: string;
  name: string;
  payload: unknown;
  key: string | undefined;
  attempt: number;
  readyAt: number;
}

export interface InProcessJobQueueOptions {
  /** Jobs running at once across all keys (default 4). */
  concurrency?: number;
  logger?: Pick<Logger, 'warn' | 'error' | 'debug'>;
  now?: () => number;
}

export class InProcessJobQueue implements JobQueue {
  private readonly definitions = new Map<string, JobDefinition<unknown>>();
  private readonly ready: Job[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Jobs waiting for their `delayMs`, by their timer. */
  private readonly delayed = new Map<NodeJS.Timeout, Job>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly now: () => number;
  private running = 0;
  private waiting = 0;
  private completed = 0;
  private failed = 0;
  private started = false;
  /** No new jobs and no more retries; what is queued may still run (`stop` with `runDelayed`). */
  private closing = false;
  /** Nothing more starts. */
  private stopped = false;

  constructor(private readonly options: InProcessJobQueueOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.now = options.now ?? Date.now;
  }

  register<P>(name: string, definition: JobDefinition<P>): void {
    if (this.definitions.has(name)) throw new Error(`Job "${name}" is already registered.`);
    this.definitions.set(name, definition as JobDefinition<unknown>);
  }

  enqueue<P>(name: string, payload: P, options: JobOptions = {}): string {
    if (this.closing) throw new Error(`The job queue is stopped; job "${name}" was not accepted.`);
    if (!this.definitions.has(name)) throw new Error(`Unknown job "${name}": register it before enqueueing.`);
    const job: Job = {
      id: randomUUID(),
      name,
      payload,
      key: options.key,
      attempt: 1,
      readyAt: this.now() + (options.delayMs ?? 0),
    };
    this.schedule(job, options.delayMs ?? 0);
    return job.id;
  }

  start(): void {
    this.started = true;
    this.pump();
  }

  async stop(options: { timeoutMs?: number; runDelayed?: boolean } = {}): Promise<void> {
    const deadline = this.now() + (options.timeoutMs ?? 10_000);
    this.closing = true;
    if (options.runDelayed && this.started) {
      this.runDelayedNow();
      await this.idleBefore(deadline);
    }
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.delayed.clear();
    const abandoned = this.ready.length + this.waiting;
    this.ready.length = 0;
    this.waiting = 0;
    if (abandoned > 0) this.options.logger?.warn({ abandoned }, 'job queue stopped with jobs still pending');
    if (this.running === 0) return this.notifyIdle();
    await this.idleBefore(deadline);
    if (this.running > 0) this.options.logger?.warn({ running: this.running }, 'job queue stop timed out');
  }

  private async idleBefore(deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - this.now()));
      }),
    ]);
    clearTimeout(timer);
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): JobQueueStats {
    return {
      pending: this.ready.length + this.waiting,
      running: this.running,
      completed: this.completed,
      failed: this.failed,
    };
  }

  private schedule(job: Job, delayMs: number): void {
    if (delayMs <= 0) {
      this.ready.push(job);
      this.pump();
      return;
    }
    this.waiting++;
    const timer = setTimeout(() => this.release(timer), delayMs);
    timer.unref();
    this.timers.add(timer);
    this.delayed.set(timer, job);
  }

  /** A delayed job becomes ready (its delay passed, or `runDelayedNow`). */
  private release(timer: NodeJS.Timeout): void {
    const job = this.delayed.get(timer);
    if (!job) return;
    clearTimeout(timer);
    this.timers.delete(timer);
    this.delayed.delete(timer);
    this.waiting--;
    this.ready.push(job);
    this.pump();
  }

  runDelayedNow(): void {
    for (const timer of [...this.delayed.keys()]) this.release(timer);
  }

  private pump(): void {
    if (!this.started || this.stopped) return;
    while (this.running < this.concurrency) {
      const index = this.ready.findIndex((job) => job.key === undefined || !this.busyKeys.has(job.key));
      if (index < 0) break;
      const [job] = this.ready.splice(index, 1);
      if (job) this.run(job);
    }
  }

  private run(job: Job): void {
    const definition = this.definitions.get(job.name)!;
    this.running++;
    if (job.key !== undefined) this.busyKeys.add(job.key);
    const meta = { attempt: job.attempt, name: job.name, id: job.id };
    Promise.resolve()
      .then(() => definition.handler(job.payload, meta))
      .then(
        () => {
          this.completed++;
          this.finish(job);
        },
        (error: unknown) => this.handleFailure(job, definition, error),
      );
  }

  private handleFailure(job: Job, definition: JobDefinition<unknown>, error: unknown): void {
    const retries = definition.retries ?? 3;
    const log = { job: job.name, jobId: job.id, attempt: job.attempt, err: error };
    if (job.attempt <= retries && !this.closing) {
      const delay = (definition.backoffMs ?? 1_000) * 2 ** (job.attempt - 1);
      this.options.logger?.warn({ ...log, retryInMs: delay }, `job ${job.name} failed; retrying`);
      // The key stays busy while the job waits to retry, so later jobs of the same key keep their order.
      this.running--;
      this.waiting++;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.waiting--;
        this.run({ ...job, attempt: job.attempt + 1 });
      }, delay);
      timer.unref();
      this.timers.add(timer);
      return;
    }
    this.failed++;
    this.options.logger?.error(log, `job ${job.name} failed after ${job.attempt} attempt(s)`);
    this.finish(job);
  }

  private finish(job: Job): void {
    this.running--;
    if (job.key !== undefined) this.busyKeys.delete(job.key);
    this.pump();
    if (this.isIdle()) this.notifyIdle();
  }

  private isIdle(): boolean {
    return this.running === 0 && this.waiting === 0 && (this.ready.length === 0 || this.stopped);
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
