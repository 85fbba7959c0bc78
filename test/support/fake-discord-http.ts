/**
 * HTTP plumbing of the fake Discord: request body parsing (JSON and multipart with `payload_json` + `files[n]`),
 * Discord-shaped error answers, rate limiting (optional per-bucket `X-RateLimit-*` headers with real 429s when a
 * bucket is exhausted, and one-shot scripted 429s with `retry_after` for pacing tests) and injected route failures
 * (`RouteFault`: e.g. 403 Missing Access on the history route).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ParsedBody {
  json: unknown;
  /** `width`/`height` only for attachments the test API creates (Discord measures images itself). */
  files: Array<{
    field: string;
    name: string;
    contentType: string;
    bytes: Buffer;
    width?: number;
    height?: number;
  }>;
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** JSON bodies as JSON; multipart bodies through the WHATWG FormData parser (Node's undici). */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const raw = await readRaw(req);
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { json: null, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(raw),
    }).formData();
    const files: ParsedBody['files'] = [];
    let json: unknown = null;
    const entries: Array<[string, FormDataEntryValue]> = [];
    form.forEach((value, field) => {
      entries.push([field, value]);
    });
    for (const [field, value] of entries) {
      if (typeof value === 'string') {
        if (field === 'payload_json') json = JSON.parse(value);
        continue;
      }
      files.push({
        field,
        name: value.name,
        contentType: value.type,
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { json, files };
  }
  try {
    return { json: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return { json: raw.toString('utf8'), files: [] };
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function sendNoContent(res: ServerResponse, headers: Record<string, string> = {}) {
  res.writeHead(204, headers);
  res.end();
}

/** A Discord JSON error (`{ message, code }`, plus `errors` for form errors). */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }
  body() {
    return {
      message: this.message,
      code: this.code,
      ...(this.errors !== undefined && { errors: this.errors }),
    };
  }
}

export const unknownMessage = () => new DiscordHttpError(404, 10008, 'Unknown Message');
export const unknownChannel = () => new DiscordHttpError(404, 10003, 'Unknown Channel');

export function formError(field: string, code: string, message: string): DiscordHttpError {
  return new DiscordHttpError(400, 50035, 'Invalid Form Body', {
    [field]: { _errors: [{ code, message }] },
  });
}

/**
 * An injected failure: requests matching `method` and `route` (the route template, e.g.
 * `/channels/:channel/messages`) and, when given, `params` (e.g. `{ channel: id }`) are answered with `status`
 * and a Discord error body `{ message, code }` — `times` times (default: until cleared).
 */
export interface RouteFault {
  method: string;
  route: string;
  params?: Record<string, string>;
  status: number;
  code: number;
  message: string;
  times?: number;
}

/** The faults in force; `take` consumes one use of the first fault that matches a request. */
export class RouteFaults {
  private faults: RouteFault[] = [];

  add(fault: RouteFault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  take(method: string, route: string, params: Record<string, string>): DiscordHttpError | undefined {
    const index = this.faults.findIndex(
      (f) =>
        f.method === method &&
        f.route === route &&
        Object.entries(f.params ?? {}).every(([name, value]) => params[name] === value),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (fault.times !== undefined && --fault.times <= 0) this.faults.splice(index, 1);
    return new DiscordHttpError(fault.status, fault.code, fault.message);
  }
}

/** A bucket limit: at most `limit` requests per `windowMs` on each route + major parameter matching `match`. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
  match?: (method: string, route: string) => boolean;
}

/** A one-shot 429 for the next matching request. */
export interface Scripted429 {
  retryAfterMs: number;
  global?: boolean;
  match?: (method: string, route: string) => boolean;
}

export type RateLimitAnswer =
  | { limited: false; headers: Record<string, string> }
  | {
      limited: true;
      headers: Record<string, string>;
      body: Record<string, unknown>;
    };

/** Per-bucket counters; the bucket key is method + route template + major parameter (channel / guild / webhook). */
export class RateLimiter {
  rules: RateLimitRule[] = [];
  scripted: Scripted429[] = [];
  private buckets = new Map<string, { count: number; resetAt: number }>();

  reset(): void {
    this.rules = [];
    this.scripted = [];
    this.buckets.clear();
  }

  check(method: string, route: string, majorParameter: string): RateLimitAnswer {
    const scriptIndex = this.scripted.findIndex((s) => !s.match || s.match(method, route));
    if (scriptIndex >= 0) {
      const [script] = this.scripted.splice(scriptIndex, 1);
      return tooMany((script?.retryAfterMs ?? 0) / 1000, script?.global ?? false, `${method}:${route}`);
    }
    const rule = this.rules.find((r) => !r.match || r.match(method, route));
    if (!rule) return { limited: false, headers: {} };
    const key = `${method}:${route}:${majorParameter}`;
    const now = Date.now();
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { count: 0, resetAt: now + rule.windowMs };
      this.buckets.set(key, bucket);
    }
    bucket.count += 1;
    const resetAfter = Math.max(0, bucket.resetAt - now) / 1000;
    if (bucket.count > rule.limit) return tooMany(resetAfter, false, key);
    return {
      limited: false,
      headers: {
        'x-ratelimit-limit': String(rule.limit),
        'x-ratelimit-remaining': String(rule.limit - bucket.count),
        'x-ratelimit-reset': String(bucket.resetAt / 1000),
        'x-ratelimit-reset-after': resetAfter.toFixed(3),
        'x-ratelimit-bucket': bucketHash(`${method}:${route}`),
      },
    };
  }
}

function bucketHash(key: string): string {
  return Buffer.from(key).toString('base64url').slice(0, 24);
}

function tooMany(retryAfter: number, global: boolean, key: string): RateLimitAnswer {
  return {
    limited: true,
    headers: {
      'retry-after': retryAfter.toFixed(3),
      'x-ratelimit-limit': '1',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': retryAfter.toFixed(3),
      'x-ratelimit-reset': String((Date.now() + retryAfter * 1000) / 1000),
      'x-ratelimit-bucket': bucketHash(key),
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global && { 'x-ratelimit-global': 'true' }),
    },
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
  };
}
