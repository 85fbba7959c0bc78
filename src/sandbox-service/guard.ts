/** API-key check (constant time) and the per-key requests-per-minute limit of the sandbox service. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares through SHA-256 digests so neither length nor content leaks through timing. */
export function keyMatches(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(expected), digest(given));
}

/** Fixed one-minute windows per key. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; returns the seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    const now = this.now();
    const windowStart = now - (now % 60_000);
    if (this.windows.size > 10_000) {
      for (const [k, w] of this.windows) if (w.start < windowStart) this.windows.delete(k);
    }
    const current = this.windows.get(key);
    if (!current || current.start !== windowStart) {
      this.windows.set(key, { start: windowStart, count: 1 });
      return 0;
    }
    current.count += 1;
    if (current.count <= this.perMinute) return 0;
    return Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000));
  }
}

/**
 * onRequest hook: `/health` is open; everything else needs `X-API-Key`. Accepted requests count against the
 * key's limit; rejected ones count against the caller's address, so guessing keys is throttled too.
 */
export function apiGuard(apiKey: string, limiter: RateLimiter) {
  const keyId = digest(apiKey).toString('hex').slice(0, 16);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'GET' && request.url.split('?')[0] === '/health') return;
    const header = request.headers['x-api-key'];
    const given = Array.isArray(header) ? header[0] : header;
    const ok = keyMatches(apiKey, given);
    const wait = limiter.hit(ok ? `key:${keyId}` : `ip:${request.ip}`);
    if (wait > 0) {
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({
          error: `Rate limit exceeded (SANDBOX_RATE_LIMIT requests per minute); try again in ${wait} s.`,
          code: 'unavailable',
        });
    }
    if (!ok) {
      return reply
        .code(401)
        .send({ error: given ? 'Invalid API key.' : 'Missing X-API-Key header.', code: 'auth' });
    }
  };
}
