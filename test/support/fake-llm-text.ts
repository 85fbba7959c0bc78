/** Deterministic helpers for the fake LLM: chunking, token estimates, echo text, embeddings. */
import type { ServerResponse } from 'node:http';
import type { FakeReply, FakeToolCall, RecordedRequest } from './fake-llm-types.js';

/** Cuts the connection mid-response, after what was written so far has reached the client. */
export async function dropConnection(res: ServerResponse): Promise<void> {
  await new Promise<void>((resolve) => res.write('', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 20));
  res.socket?.destroy();
}

/** Splits `text` into up to `count` pieces at word boundaries (at least one piece, possibly empty). */
export function splitText(text: string, count = 4): string[] {
  if (!text) return [];
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const pieces = Math.max(1, Math.min(count, words.length));
  const size = Math.ceil(words.length / pieces);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}

/** Splits a string into exactly `count` (or fewer, if short) raw pieces, e.g. tool-call JSON. */
export function splitRaw(text: string, count = 3): string[] {
  if (text.length <= 1) return [text];
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function toolArguments(call: FakeToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(
      (part) => part && typeof part === 'object' && part.type === 'text' && typeof part.text === 'string',
    )
    .map((part) => part.text as string)
    .join(' ');
}

/** Text of the last user turn that carries text (tool results are skipped). */
export function lastUserText(request: RecordedRequest): string {
  const messages: unknown[] = Array.isArray(request.body?.messages) ? request.body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: string; content?: unknown };
    if (message.role !== 'user') continue;
    const text = textOfContent(message.content);
    if (text) return text;
  }
  return '';
}

/** The answer when nothing is scripted: `You said: <last user text>`. */
export function echoReply(request: RecordedRequest): FakeReply {
  return { text: `You said: ${lastUserText(request)}` };
}

/** Input-token estimate from the whole request body. */
export function requestTokens(request: RecordedRequest): number {
  return estimateTokens(JSON.stringify(request.body?.messages ?? request.body?.input ?? ''));
}

function hash32(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Deterministic unit vector: hashed bag of words (3 slots per word, signed), so texts sharing words are
 * closer than unrelated ones — enough for similarity-search tests. Empty text → a fixed basis vector.
 */
export function embed(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    for (let k = 0; k < 3; k++) {
      const h = hash32(word, k);
      const index = h % dimensions;
      vector[index] = (vector[index] ?? 0) + (h & 0x80000000 ? -1 : 1);
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((v) => v / norm);
}

export function toBase64Floats(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
