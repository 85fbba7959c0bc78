/** Per-person rate limit: at most `limit` messages per sliding window; the notice is sent once per window. */
export class UserRateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly noticed = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one message. `ok: false` when over the limit; `notify` is true for the first refusal of a window
   * (later refusals stay silent so a flood does not become a flood of notices).
   */
  take(userId: string): { ok: true } | { ok: false; retryAfterSeconds: number; notify: boolean } {
    if (this.limit <= 0) return { ok: true };
    const now = this.now();
    const recent = (this.hits.get(userId) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length < this.limit) {
      recent.push(now);
      this.hits.set(userId, recent);
      this.noticed.delete(userId);
      return { ok: true };
    }
    this.hits.set(userId, recent);
    const retryAfterSeconds = Math.max(1, Math.ceil((this.windowMs - (now - (recent[0] ?? now))) / 1000));
    const last = this.noticed.get(userId);
    const notify = last === undefined || now - last >= this.windowMs;
    if (notify) this.noticed.set(userId, now);
    return { ok: false, retryAfterSeconds, notify };
  }
}
