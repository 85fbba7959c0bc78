/**
 * Reads a provider response body: Server-Sent Events (the normal streaming case) or a plain JSON body
 * (proxies that ignore `stream: true`). Tolerant: comments, blank and non-JSON data lines are skipped.
 */
import { StreamErrorPayload } from './errors.js';

export interface SseEvent {
  event: string | null;
  data: string;
}

/** Splits an SSE byte stream into events. `onActivity` is called for every chunk received (watchdog). */
export async function* parseSse(
  body: ReadableStream<Uint8Array>,
  onActivity: () => void,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  const dispatch = (): SseEvent | undefined => {
    const out = data.length > 0 ? { event, data: data.join('\n') } : undefined;
    event = null;
    data = [];
    return out;
  };
  try {
    while (true) {
      const { done, value } = await reader.read();
      onActivity();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = done ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (line === '') {
          const out = dispatch();
          if (out) yield out;
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          let value = colon === -1 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') data.push(value);
          else if (field === 'event') event = value;
        }
      }
      if (done) break;
    }
    const last = dispatch();
    if (last) yield last;
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => {});
  }
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Yields each JSON payload of a response. SSE: parsed `data` of each event until `[DONE]`; an `error` event
 * or a payload carrying `error` throws `StreamErrorPayload`. Non-SSE: one payload (JSON or the bare text).
 */
export async function* responsePayloads(response: Response, onActivity: () => void): AsyncGenerator<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream') && response.body) {
    const text = await response.text();
    onActivity();
    const parsed = tryJson(text);
    const value = parsed.ok ? parsed.value : text;
    if (isErrorPayload(value)) throw StreamErrorPayload.from(value);
    yield value;
    return;
  }
  if (!response.body) return;
  for await (const sse of parseSse(response.body, onActivity)) {
    if (sse.data.trim() === '[DONE]') return;
    const parsed = tryJson(sse.data);
    if (sse.event === 'error') throw StreamErrorPayload.from(parsed.ok ? parsed.value : sse.data);
    if (!parsed.ok) continue;
    if (sse.event === 'ping') continue;
    if (isErrorPayload(parsed.value)) throw StreamErrorPayload.from(parsed.value);
    yield parsed.value;
  }
}

function isErrorPayload(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (record.error !== undefined && record.error !== null) || record.type === 'error';
}
