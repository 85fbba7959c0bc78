/**
 * Background memory work, enqueued from the reply path and never awaited by it:
 * - after each exchange, extraction — exchanges of one scope that arrive within `delayMs` are extracted together,
 *   one job at a time per scope;
 * - when a session ends, conversation finalisation (emotional context, topics).
 * Failed jobs are retried by the queue; the exchanges of a failed attempt are kept for the retry.
 */
import type { Logger } from 'pino';
import type { MessageRow, Repositories } from '../db/index.js';
import type { CompletedTurn, EndedSession, TurnObserver } from '../engine/index.js';
import type { JobQueue } from '../jobs/index.js';
import type { ExchangeMessage, MemoryEngine, MemoryScope } from './types.js';

export const EXTRACT_JOB = 'memory.extract';
export const FINALISE_JOB = 'memory.finalise';

/** Messages before the batch that give the extraction its context (the original used 4). */
const CONTEXT_MESSAGES = 4;

interface PendingBatch {
  scope: MemoryScope;
  sessionId: string;
  messageIds: number[];
  metadata: Record<string, unknown>;
}

export interface MemoryObserverOptions {
  engine: MemoryEngine;
  jobs: JobQueue;
  repos: Repositories;
  /** Persona scope (lower-cased BOT_NAME). */
  agentId: string;
  /** `MEMORY_EXTRACTION_DELAY_SECONDS` × 1000 */
  delayMs: number;
  logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Emotional context and topics for a conversation that ended (the feelings module). */
  finalise?: (ended: EndedSession, scope: MemoryScope, messages: MessageRow[]) => Promise<void>;
}

const scopeKey = (scope: MemoryScope) =>
  `${scope.userId}\u0000${scope.projectId ?? ''}\u0000${scope.agentId ?? ''}`;

export function createMemoryObserver(options: MemoryObserverOptions): TurnObserver {
  const pending = new Map<string, PendingBatch>();

  options.jobs.register<{ key: string }>(EXTRACT_JOB, {
    retries: 3,
    backoffMs: 5_000,
    handler: async ({ key }) => {
      const batch = pending.get(key);
      if (!batch) return;
      pending.delete(key);
      try {
        const messages = await exchangeMessages(options.repos, batch);
        const changes = await options.engine.extract(batch.scope, messages, batch.metadata);
        const applied = changes.filter((c) => c.event !== 'NONE');
        if (applied.length > 0) {
          options.logger.info(
            { userId: batch.scope.userId, changes: applied.map((c) => `${c.event} ${c.memory.text}`) },
            `memory: ${applied.length} change(s) extracted`,
          );
        }
      } catch (error) {
        // Keep the exchanges for the retry (merged with any that arrived meanwhile).
        const newer = pending.get(key);
        pending.set(
          key,
          newer ? { ...newer, messageIds: [...batch.messageIds, ...newer.messageIds] } : batch,
        );
        throw error;
      }
    },
  });

  options.jobs.register<{ ended: EndedSession; scope: MemoryScope }>(FINALISE_JOB, {
    retries: 2,
    backoffMs: 10_000,
    handler: async ({ ended, scope }) => {
      if (!options.finalise) return;
      const messages = await options.repos.messages.recent(ended.sessionId, 200);
      await options.finalise(ended, scope, messages);
    },
  });

  return {
    onTurnComplete(turn: CompletedTurn) {
      const scope: MemoryScope = {
        userId: turn.message.userId,
        projectId: turn.projectId,
        agentId: options.agentId,
      };
      const key = scopeKey(scope);
      const ids = [turn.userMessageId, turn.assistantMessageId];
      const existing = pending.get(key);
      if (existing) {
        existing.messageIds.push(...ids);
        return; // a job for this scope is already waiting and will take these too
      }
      pending.set(key, { scope, sessionId: turn.sessionId, messageIds: ids, metadata: turnMetadata(turn) });
      options.jobs.enqueue(EXTRACT_JOB, { key }, { key: `memory:${key}`, delayMs: options.delayMs });
    },
    onSessionEnded(ended: EndedSession) {
      const scope: MemoryScope = { userId: ended.userId, agentId: options.agentId };
      options.jobs.enqueue(FINALISE_JOB, { ended, scope }, { key: `memory-finalise:${scopeKey(scope)}` });
    },
  };
}

function turnMetadata(turn: CompletedTurn): Record<string, unknown> {
  const participants = (turn.message.participants ?? []).filter((p) => p.id !== turn.message.userId);
  return {
    project_id: turn.projectId,
    source_type: turn.message.environment.kind === 'channel' ? 'project' : 'personal',
    ...(turn.message.environment.channelId ? { channel_id: turn.message.environment.channelId } : {}),
    ...(participants.length > 0
      ? { participant_ids: participants.map((p) => p.id), participant_names: participants.map((p) => p.name) }
      : {}),
  };
}

/** The batch's messages plus a few before them for context, oldest first, with ids for provenance. */
async function exchangeMessages(repos: Repositories, batch: PendingBatch): Promise<ExchangeMessage[]> {
  const first = Math.min(...batch.messageIds);
  const recent = await repos.messages.recent(
    batch.sessionId,
    batch.messageIds.length + CONTEXT_MESSAGES + 20,
  );
  const from = recent.findIndex((m) => m.id >= first);
  const window = recent.slice(Math.max(0, (from < 0 ? recent.length : from) - CONTEXT_MESSAGES));
  const wanted = new Set(batch.messageIds);
  return window
    .filter((m) => m.id < first || wanted.has(m.id))
    .map((m) => ({ role: m.role, content: m.content, id: m.id }));
}
