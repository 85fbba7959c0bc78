/** Builds the conversation index handle: the memory store, the embedder and a shared query-vector cache. */
import { createQueryEmbeddings } from '../query-embeddings.js';
import type { ConversationIndex, ConversationIndexOptions } from './types.js';

export function createConversationIndex(options: ConversationIndexOptions): ConversationIndex {
  const queries = options.embedder ? createQueryEmbeddings(options.embedder) : undefined;
  return {
    store: options.store,
    embedder: options.embedder,
    timeZone: options.timeZone ?? 'UTC',
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    queryVector: async (text) => queries?.get(text),
  };
}
