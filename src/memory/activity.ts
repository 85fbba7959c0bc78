/**
 * What memory did, as plain data for observers (the Discord log channel's embeds, spec §1.17): what a retrieval
 * found, what an extraction changed, the emotional context and the topics stored when a conversation ended. The
 * composition root produces these by wrapping the engine (src/app/memory-events.ts); nothing in memory emits them.
 */
import type { MemoryEvent } from './types.js';

export type MemoryActivity =
  | {
      type: 'retrieval';
      userId: string;
      /** Key memories, other memories about the person (and the people present), project memories. */
      counts: { key: number; user: number; project: number };
      /** The first few memory lines, as the prompt shows them. */
      samples: string[];
    }
  | {
      type: 'extracted';
      userId: string;
      /** `personal` (a DM) or `project` (a shared channel), as stored on the memories. */
      source?: string;
      changes: Array<{ event: Exclude<MemoryEvent, 'NONE'>; text: string }>;
    }
  | {
      type: 'emotional';
      userId: string;
      arc: string;
      energy: string;
      /** `DM` or `#channel`. */
      channel: string;
      text: string;
    }
  | {
      type: 'topics';
      userId: string;
      topics: Array<{ topic: string; topicType: string; weight: string }>;
    };
