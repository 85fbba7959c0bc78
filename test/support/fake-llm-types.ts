/** Types shared by the fake LLM server's pieces (see fake-llm.ts for the scripting guide). */
import type { ServerResponse } from 'node:http';

export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  /** USD; reported as `usage.cost` (OpenAI protocol only, as OpenRouter does). */
  cost?: number;
}

export interface FakeToolCall {
  id?: string;
  name: string;
  /** Raw JSON text (may be deliberately invalid) or an object to serialise. */
  arguments: string | Record<string, unknown>;
}

/** A successful answer: text and/or tool calls, streamed in pieces (or one JSON body when not streaming). */
export interface FakeReply {
  text?: string;
  toolCalls?: FakeToolCall[];
  usage?: FakeUsage;
  /** Overrides the finish/stop reason (default: stop / tool_calls, end_turn / tool_use). */
  finishReason?: string;
  /** Model name to report (default: the requested model). */
  model?: string;
  /** Text chunks to stream (default: up to 4). */
  chunks?: number;
  /** Close the connection after this many text chunks, without finishing the stream. */
  dropAfterChunks?: number;
  /** Behave like a proxy that never reports usage (OpenAI protocol). */
  omitUsage?: boolean;
  /** Wait before answering. */
  delayMs?: number;
  /** Wait between streamed chunks (default: the server's chunkDelayMs). */
  chunkDelayMs?: number;
}

/** An HTTP error in the protocol's own error shape (or `body` verbatim). */
export interface FakeError {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  message?: string;
  delayMs?: number;
}

export type FakeStep =
  | string
  | FakeReply
  | FakeError
  /** Never answers (for timeouts); released when the client gives up or the server closes. */
  | { hang: true }
  /** Accepts the request, then destroys the socket without any response (a connection error). */
  | { drop: true; delayMs?: number }
  /** Computes the step from the request. */
  | ((request: RecordedRequest) => FakeStep);

export type FakeProtocol = 'openai' | 'anthropic' | 'embeddings' | 'models';

export interface RecordedRequest {
  protocol: FakeProtocol;
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON body, read freely in test assertions
  body: any;
  /** Time the fake spent on this request, from the full body being read to the response being finished. */
  servedMs?: number;
}

/** Everything a protocol writer needs to answer one request. */
export interface ReplyContext {
  res: ServerResponse;
  request: RecordedRequest;
  reply: FakeReply;
  chunkDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}
