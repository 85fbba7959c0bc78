import { describe, expect, it } from 'vitest';
import { InProcessJobQueue } from './in-process.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InProcessJobQueue', () => {
  it('runs registered jobs with their payload once started', async () => {
    const queue = new InProcessJobQueue();
    const seen: string[] = [];
    queue.register<{ text: string }>('echo', { handler: async ({ text }) => void seen.push(text) });
    queue.enqueue('echo', { text: 'a' });
    await tick();
    expect(seen).toEqual([]); // not started yet
    queue.start();
    queue.enqueue('echo', { text: 'b' });
    await queue.idle();
    expect(seen.sort()).toEqual(['a', 'b']);
    expect(queue.stats()).toMatchObject({ completed: 2, failed: 0, pending: 0, running: 0 });
  });

  it('refuses unknown job names and duplicate registrations', () => {
    const queue = new InProcessJobQueue();
    expect(() => queue.enqueue('nope', {})).toThrow(/Unknown job "nope"/);
    queue.register('x', { handler: async () => {} });
    expect(() => queue.register('x', { handler: async () => {} })).toThrow(/already registered/);
  });

  it('serialises jobs that share a key, in order, while other keys run in parallel', async () => {
    const queue = new InProcessJobQueue({ concurrency: 4 });
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    queue.register<{ id: string }>('work', {
      handler: ({ id }) =>
        new Promise<void>((resolve) => {
          events.push(`start ${id}`);
          gates.set(id, () => {
            events.push(`end ${id}`);
            resolve();
          });
        }),
    });
    queue.start();
    queue.enqueue('work', { id: 'a1' }, { key: 'a' });
    queue.enqueue('work', { id: 'a2' }, { key: 'a' });
    queue.enqueue('work', { id: 'b1' }, { key: 'b' });
    await tick();
    expect(events).toEqual(['start a1', 'start b1']);
    gates.get('a1')!();
    await tick();
    expect(events).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    gates.get('a2')!();
    gates.get('b1')!();
    await queue.idle();
    expect(queue.stats().completed).toBe(3);
  });

  it('respects the concurrency limit', async () => {
    const queue = new InProcessJobQueue({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    queue.register('slow', {
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
      },
    });
    queue.start();
    for (let i = 0; i < 6; i++) queue.enqueue('slow', {});
    await queue.idle();
    expect(peak).toBe(2);
  });

  it('retries a failing job with backoff and keeps later jobs of the same key waiting', async () => {
    const queue = new InProcessJobQueue();
    const order: string[] = [];
    let failures = 2;
    queue.register<{ id: string }>('flaky', {
      retries: 3,
      backoffMs: 1,
      handler: async ({ id }, meta) => {
        order.push(`${id}#${meta.attempt}`);
        if (id === 'first' && failures-- > 0) throw new Error('boom');
      },
    });
    queue.start();
    queue.enqueue('flaky', { id: 'first' }, { key: 'k' });
    queue.enqueue('flaky', { id: 'second' }, { key: 'k' });
    await queue.idle();
    expect(order).toEqual(['first#1', 'first#2', 'first#3', 'second#1']);
    expect(queue.stats()).toMatchObject({ completed: 2, failed: 0 });
  });

  it('gives up after the configured retries and logs the failure', async () => {
    const errors: unknown[] = [];
    const logger = { warn: () => {}, debug: () => {}, error: (obj: unknown) => void errors.push(obj) };
    const queue = new InProcessJobQueue({ logger: logger as never });
    let attempts = 0;
    queue.register('broken', {
      retries: 1,
      backoffMs: 1,
      handler: async () => {
        attempts++;
        throw new Error('always');
      },
    });
    queue.start();
    queue.enqueue('broken', {});
    await queue.idle();
    expect(attempts).toBe(2);
    expect(queue.stats().failed).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('delays jobs and stop() abandons what has not started', async () => {
    const queue = new InProcessJobQueue();
    const seen: number[] = [];
    queue.register<number>('n', { handler: async (n) => void seen.push(n) });
    queue.start();
    queue.enqueue('n', 1, { delayMs: 5 });
    queue.enqueue('n', 2, { delayMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toEqual([1]);
    await queue.stop({ timeoutMs: 100 });
    expect(seen).toEqual([1]);
    expect(() => queue.enqueue('n', 3)).toThrow(/stopped/);
  });

  it('runDelayedNow() runs waiting delayed jobs at once, in order, and later delays still apply', async () => {
    const queue = new InProcessJobQueue();
    const seen: number[] = [];
    queue.register<number>('n', { handler: async (n) => void seen.push(n) });
    queue.start();
    queue.enqueue('n', 1, { delayMs: 60_000, key: 'k' });
    queue.enqueue('n', 2, { delayMs: 60_000, key: 'k' });
    await tick();
    expect(queue.stats().pending).toBe(2);
    queue.runDelayedNow();
    await queue.idle();
    expect(seen).toEqual([1, 2]);
    queue.enqueue('n', 3, { delayMs: 60_000 });
    await tick();
    expect(seen).toEqual([1, 2]);
    await queue.stop();
  });

  it('stop() waits for running jobs to finish', async () => {
    const queue = new InProcessJobQueue();
    let finished = false;
    queue.register('slow', {
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
      },
    });
    queue.start();
    queue.enqueue('slow', {});
    await tick();
    await queue.stop({ timeoutMs: 5_000 });
    expect(finished).toBe(true);
  });

  it('stop({ runDelayed }) runs delayed jobs and those queued behind them, refuses new ones, retries nothing', async () => {
    const queue = new InProcessJobQueue({ concurrency: 1 });
    const seen: string[] = [];
    let failures = 0;
    queue.register<string>('n', { handler: async (n) => void seen.push(n) });
    queue.register('fails', {
      retries: 3,
      backoffMs: 1,
      handler: async () => {
        failures += 1;
        throw new Error('down');
      },
    });
    queue.start();
    queue.enqueue('n', 'a', { delayMs: 60_000, key: 'k' });
    queue.enqueue('n', 'b', { delayMs: 60_000, key: 'k' });
    queue.enqueue('n', 'c', { delayMs: 60_000 });
    queue.enqueue('fails', {}, { delayMs: 60_000 });
    await tick();
    const stopping = queue.stop({ timeoutMs: 5_000, runDelayed: true });
    expect(() => queue.enqueue('n', 'late')).toThrow(/stopped/);
    await stopping;
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(failures).toBe(1);
    expect(queue.stats()).toMatchObject({ pending: 0, running: 0, completed: 3, failed: 1 });
  });

  it('stop({ runDelayed }) keeps to its time limit: a job that hangs is left, the ones behind it are abandoned', async () => {
    const warnings: string[] = [];
    const logger = {
      warn: (_: unknown, m: string) => void warnings.push(m),
      error: () => {},
      debug: () => {},
    };
    const queue = new InProcessJobQueue({ concurrency: 1, logger: logger as never });
    const seen: number[] = [];
    let release = () => {};
    const hang = new Promise<void>((resolve) => {
      release = resolve;
    });
    queue.register<number>('job', {
      handler: async (n) => {
        if (n === 2) await hang;
        seen.push(n);
      },
    });
    queue.start();
    for (const n of [1, 2, 3]) queue.enqueue('job', n, { delayMs: 60_000 });
    await queue.stop({ timeoutMs: 100, runDelayed: true });
    expect(seen).toEqual([1]);
    expect(queue.stats()).toMatchObject({ pending: 0, running: 1 });
    expect(warnings).toEqual(['job queue stopped with jobs still pending', 'job queue stop timed out']);
    release();
    await queue.idle();
    expect(seen).toEqual([1, 2]);
  });
});
