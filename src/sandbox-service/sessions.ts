/**
 * The service's view of who has a sandbox: created on first use (or `POST /create`), counted against
 * `SANDBOX_MAX_CONTAINERS`, removed after `SANDBOX_DOCKER_TIMEOUT` idle seconds by a sweep every minute.
 * Removing a session calls the backend's `destroy` (files stay in the person's folder).
 */
import type { SandboxBackend } from '../sandbox/index.js';
import { SandboxError } from '../sandbox/index.js';

export interface Session {
  userId: string;
  createdAt: Date;
  lastUsed: Date;
  executionCount: number;
}

export interface SessionOptions {
  backend: SandboxBackend;
  maxSessions: number;
  idleMs: number;
  /** Sweep interval (default 60 s). */
  sweepEveryMs?: number;
  now?: () => Date;
  onError?: (error: unknown, userId: string) => void;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: SessionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.options.sweepEveryMs ?? 60_000);
    this.timer.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get max(): number {
    return this.options.maxSessions;
  }

  get(userId: string): Session | undefined {
    return this.sessions.get(userId);
  }

  /** The person's session, created if needed; 503-style error when the service is full. */
  acquire(userId: string, counts = false): Session {
    let session = this.sessions.get(userId);
    if (!session) {
      if (this.sessions.size >= this.options.maxSessions) {
        throw new SandboxError(
          'unavailable',
          `The sandbox service is at its limit of ${this.options.maxSessions} active sandboxes (SANDBOX_MAX_CONTAINERS); try again later.`,
        );
      }
      const now = this.now();
      session = { userId, createdAt: now, lastUsed: now, executionCount: 0 };
      this.sessions.set(userId, session);
    }
    session.lastUsed = this.now();
    if (counts) session.executionCount += 1;
    return session;
  }

  /** Ends the person's session; false when there was none. */
  async remove(userId: string): Promise<boolean> {
    const existed = this.sessions.delete(userId);
    await this.options.backend.destroy(userId);
    return existed;
  }

  /** Removes sessions idle longer than the limit. */
  async sweep(): Promise<string[]> {
    const limit = this.now().getTime() - this.options.idleMs;
    const idle = [...this.sessions.values()].filter((s) => s.lastUsed.getTime() < limit).map((s) => s.userId);
    for (const userId of idle) {
      await this.remove(userId).catch((error) => this.options.onError?.(error, userId));
    }
    return idle;
  }

  /** Stops the sweep and removes every session. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const userId of [...this.sessions.keys()]) {
      await this.remove(userId).catch((error) => this.options.onError?.(error, userId));
    }
  }
}
