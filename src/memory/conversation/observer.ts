/**
 * Keeps the conversation index current: after each stored exchange, a background job (one at a time per
 * conversation; exchanges that arrive while one waits join it) indexes the conversation's recent messages that are not indexed yet, and re-indexes the turns
 * whose following turns have arrived since. The reply path only enqueues.
 */
import type { Logger } from 'pino';
import type { Repositories } from '../../db/index.js';
import type { CompletedTurn, TurnObserver } from '../../engine/index.js';
import type { JobQueue } from '../../jobs/index.js';
import { indexConversationTurns } from './indexer.js';
import { turnsFromMessages } from './turn-text.js';
import type { ConversationIndex } from './types.js';

export const INDEX_MESSAGES_JOB = 'memory.index-messages';
/** Recent messages each job looks at: enough for every turn since the last job, with neighbours. */
export const DEFAULT_INDEX_WINDOW = 60;

export interface IndexMessagesPayload {
  conversationId: string;
  /** Display name for user messages stored without a `[Name]: ` prefix (DMs, web, terminal). */
  userName?: string;
}

export interface ConversationObserverOptions {
  index: ConversationIndex;
  jobs: JobQueue;
  messages: Pick<Repositories['messages'], 'byConversation'>;
  /** BOT_NAME: the speaker of assistant turns. */
  botName: string;
  logger?: Pick<Logger, 'debug'>;
  window?: number;
}

export function createConversationObserver(options: ConversationObserverOptions): TurnObserver {
  const window = options.window ?? DEFAULT_INDEX_WINDOW;
  /** Conversations with a job waiting to start: later exchanges ride along instead of adding jobs. */
  const waiting = new Set<string>();
  options.jobs.register<IndexMessagesPayload>(INDEX_MESSAGES_JOB, {
    retries: 3,
    backoffMs: 5_000,
    handler: async ({ conversationId, userName }) => {
      waiting.delete(conversationId);
      const rows = await options.messages.byConversation(conversationId, { limit: window });
      const turns = turnsFromMessages(rows, { assistant: options.botName, user: userName });
      const result = await indexConversationTurns(options.index, conversationId, turns);
      options.logger?.debug({ conversationId, ...result }, 'conversation turns indexed');
    },
  });
  return {
    onTurnComplete(turn: CompletedTurn) {
      const { conversationId, displayName } = turn.message;
      if (waiting.has(conversationId)) return;
      waiting.add(conversationId);
      options.jobs.enqueue<IndexMessagesPayload>(
        INDEX_MESSAGES_JOB,
        { conversationId, userName: displayName },
        { key: `${INDEX_MESSAGES_JOB}:${conversationId}` },
      );
    },
  };
}
