/**
 * Memory events for observers such as the Discord log channel (spec §1.17 log-channel embeds): what was retrieved
 * for a reply, what an extraction changed, the emotional context and the topics stored when a conversation ended.
 * The memory module only declares the shape (`MemoryActivity`): the composition root wraps the engine and the slot
 * it hands out, so every event is plain data taken from the real results.
 */
import type { MemoryRetrieval, MemorySlot } from '../engine/index.js';
import {
  channelLabel,
  type createConversationFinaliser,
  MEMORY_KINDS,
  type MemoryActivity,
  type MemoryEngine,
  type MemoryRecord,
} from '../memory/index.js';

export type MemoryEventListener = (event: MemoryActivity) => void;

/** Listeners of memory events; a listener that throws never disturbs memory work. */
export class MemoryEvents {
  private readonly listeners = new Set<MemoryEventListener>();

  subscribe(listener: MemoryEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: MemoryActivity): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // An observer's failure is its own business (the log mirror logs its send failures itself).
      }
    }
  }
}

const KEY_PREFIX = '[KEY] ';

/** The slot, reporting what each retrieval found (only when it found something). */
export function observeSlot(slot: MemorySlot, events: MemoryEvents): MemorySlot {
  return {
    async retrieve(query): Promise<MemoryRetrieval> {
      const result = await slot.retrieve(query);
      const lines = (title: string) => result.sections.find((s) => s.title === title)?.lines ?? [];
      const user = lines('USER MEMORIES');
      const project = lines('PROJECT MEMORIES');
      const key = user.filter((l) => l.startsWith(KEY_PREFIX)).length;
      const counts = { key, user: user.length - key, project: project.length };
      if (counts.key + counts.user + counts.project > 0)
        events.emit({
          type: 'retrieval',
          userId: query.userId,
          counts,
          samples: [...user, ...project].slice(0, 3).map((l) => l.replace(KEY_PREFIX, '')),
        });
      return result;
    },
  };
}

/** The engine, reporting the changes each extraction applied. */
export function observeExtraction(engine: MemoryEngine, events: MemoryEvents): MemoryEngine {
  return {
    ...engine,
    async extract(scope, messages, metadata) {
      const changes = await engine.extract(scope, messages, metadata);
      const applied = changes.flatMap((c) =>
        c.event === 'NONE' ? [] : [{ event: c.event, text: c.memory.text }],
      );
      if (applied.length > 0) {
        const source = typeof metadata?.source_type === 'string' ? metadata.source_type : undefined;
        events.emit({ type: 'extracted', userId: scope.userId, source, changes: applied });
      }
      return changes;
    },
  };
}

type Finalise = ReturnType<typeof createConversationFinaliser>;

/**
 * A conversation finaliser that reports what it stored: `make` builds the real finaliser for an engine that
 * collects the emotional-context and topic memories of this one run, reported once it is done.
 */
export function observeFinalise(
  engine: MemoryEngine,
  events: MemoryEvents,
  make: (engine: MemoryEngine) => Finalise,
): Finalise {
  return async (ended, scope, messages) => {
    const stored: MemoryRecord[] = [];
    const collecting: MemoryEngine = {
      ...engine,
      async add(addScope, text, options) {
        const change = await engine.add(addScope, text, options);
        stored.push(change.memory);
        return change;
      },
    };
    await make(collecting)(ended, scope, messages);
    const text = (record: MemoryRecord, key: string) => String(record.metadata[key] ?? '');
    const topics = stored.filter((m) => m.kind === MEMORY_KINDS.topicMention);
    if (topics.length > 0)
      events.emit({
        type: 'topics',
        userId: scope.userId,
        topics: topics.map((m) => ({
          topic: text(m, 'topic'),
          topicType: text(m, 'topic_type'),
          weight: text(m, 'emotional_weight'),
        })),
      });
    const emotional = stored.find((m) => m.kind === MEMORY_KINDS.emotionalContext);
    if (emotional)
      events.emit({
        type: 'emotional',
        userId: scope.userId,
        arc: text(emotional, 'emotional_arc'),
        energy: text(emotional, 'energy_level'),
        channel: channelLabel(emotional),
        text: emotional.text,
      });
  };
}
