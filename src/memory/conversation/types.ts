/** Conversation search: raw turns indexed as `message` memories of the conversation owner, found by hybrid search. */
import type { Logger } from 'pino';
import type { Embedder, MemoryStore } from '../types.js';

/** One stored message, as the index sees it. */
export interface ConversationTurn {
  /** `messages.id` in the main database. */
  messageId: number;
  sessionId: string;
  role: 'user' | 'assistant';
  /** Display name of whoever wrote it (the bot's name for assistant turns). */
  speaker: string;
  /** The message text without any `[Name]: ` prefix. */
  text: string;
  at: Date;
}

export interface ConversationIndexOptions {
  store: MemoryStore;
  /** Absent: turns are found by full-text search only. */
  embedder?: Embedder | undefined;
  logger?: Pick<Logger, 'warn' | 'debug'> | undefined;
  /** Calendar days ("7 May 2023", "yesterday") are computed in this zone (default UTC). */
  timeZone?: string | undefined;
  now?: (() => Date) | undefined;
}

/** What conversation indexing and search need: the memory store, the embedder, and a query-vector cache. */
export interface ConversationIndex {
  readonly store: MemoryStore;
  readonly embedder: Embedder | undefined;
  readonly timeZone: string;
  readonly logger: Pick<Logger, 'warn' | 'debug'> | undefined;
  now(): Date;
  /** The query's vector (shared between concurrent identical queries); undefined without an embedder. */
  queryVector(text: string): Promise<Float32Array | undefined>;
}

export type ConversationSearchMode = 'hybrid' | 'fulltext' | 'vector';

export interface ConversationSearchOptions {
  /** Default 20. */
  limit?: number;
  /** Only turns said at or after this time. */
  since?: Date;
  /** Only turns whose speaker's display name contains this (case-insensitive). */
  speaker?: string;
  /** Default hybrid (vector and full text fused by reciprocal rank). */
  mode?: ConversationSearchMode;
  signal?: AbortSignal;
}

export interface ConversationHit {
  messageId: number;
  sessionId: string;
  role: 'user' | 'assistant';
  speaker: string;
  /** The turn's text (its first 1 000 characters). */
  text: string;
  at: Date;
  /** Fused score; higher is better. */
  score: number;
  /** Found by its words (full text); false when only its meaning matched (vector similarity). */
  textMatch: boolean;
}

export interface IndexResult {
  /** Turns indexed for the first time. */
  indexed: number;
  /** Turns re-indexed because a following turn arrived since (their context now includes it). */
  refreshed: number;
  /** Turns already indexed. */
  skipped: number;
}
