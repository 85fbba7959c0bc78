/** The memory slot's feelings sections: `RECENT EMOTIONAL CONTEXT` and `RECURRING TOPICS`. */
import type { MemorySection } from '../../engine/index.js';
import type { MemoryEngine, MemoryScope } from '../types.js';
import { recentEmotionalContext, renderEmotionalContext } from './emotional.js';
import { renderRecurringTopics } from './topic-patterns.js';
import { recurringTopics } from './topics.js';

export const EMOTIONAL_SECTION_TITLE = 'RECENT EMOTIONAL CONTEXT';
export const TOPICS_SECTION_TITLE = 'RECURRING TOPICS';

/** Both sections for the person's scope (two filtered store queries, no LLM); empty sections are left out. */
export async function feelingSections(
  engine: MemoryEngine,
  scope: MemoryScope,
  now: Date,
): Promise<MemorySection[]> {
  const [emotional, topics] = await Promise.all([
    recentEmotionalContext(engine, scope, now),
    recurringTopics(engine, scope, now),
  ]);
  const sections: MemorySection[] = [
    { title: EMOTIONAL_SECTION_TITLE, lines: renderEmotionalContext(emotional, now) },
    { title: TOPICS_SECTION_TITLE, lines: renderRecurringTopics(topics) },
  ];
  return sections.filter((s) => s.lines.length > 0);
}
